"""Suomi.fi and Kela — practice: strong identification, Suomi.fi Messages, Kela's e-service OmaKela
and a practice phone, for a mother who cares for her children at home (a fourth service, built only
through the contract in ../contract.py). Routes in views.py, the family and the rules in service.py,
the lesson pictures drawn from her sandbox in pictures.py.
"""
from __future__ import annotations

from ..contract import Sim
from . import checks, models, pictures, service, views  # noqa: F401  (checks and pictures register themselves)

sim = Sim("suomifi", blueprint=views.bp, state=models.SuomifiState, seed=service.seed, tables=(
    models.SuomifiFiling, models.SuomifiPhoneMessage, models.SuomifiLetter, models.SuomifiState))
