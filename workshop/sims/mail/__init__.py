"""The practice inbox: a Finnish-looking webmail where each learner has her own mailbox.

The sim contract (see workshop/sims/__init__.py): `bp` mounted at /practice/mail/, tables
sim_mail_* (models.py, migration branch "mail"), the scenario lessons/email/scenarios/inbox.toml,
`reset(learner)`, `export(learner_id)` and the task checks in checks.py (mail.replied_to_teacher, ...).
Time comes from mailbox.now(), so tests can move the clock.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mail", __name__)

from . import checks, views  # noqa: E402,F401  (routes and task checks register themselves)
from .mailbox import reset  # noqa: E402,F401
from .models import export  # noqa: E402,F401
