"""The practice inbox: a Finnish-looking webmail where each learner has her own mailbox.

Routes in views.py, the inbox's rules in mailbox.py (time from mailbox.now(), so tests can move the
clock), tables in models.py, task checks in checks.py, the scenario lessons/email/scenarios/inbox.toml.
"""
from __future__ import annotations

from ..contract import Sim
from . import checks, mailbox, models, views  # noqa: F401  (checks register themselves)

sim = Sim("mail", blueprint=views.bp, state=models.MailBox,
          tables=(models.MailAttachment, models.MailMessage, models.MailBox), seed=mailbox.seed)
