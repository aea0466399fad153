"""Koulureppu — harjoitus: a practice school system that works like Wilma (the guardian's view).

Two children at one school, messages with the teachers (a teacher answers a moment after her),
announcements, lesson notes with an absence to explain and absences to report in advance, a leave
request, a permission form, the timetable and the exams. Routes in views.py, the school and her
sandbox in school.py, the Finnish school rules (same-day notices, school days) in rules.py.
"""
from __future__ import annotations

from ..contract import Sim
from . import checks, models, school, views  # noqa: F401  (checks register themselves)

sim = Sim("wilma", blueprint=views.bp, state=models.WilmaState, seed=school.seed, tables=(
    models.WilmaMessage, models.WilmaThread, models.WilmaMark, models.WilmaApplication, models.WilmaFormAnswer,
    models.WilmaState))
