"""Helpers for the practice inbox's tests: a signed-in learner, CSRF posts, her messages by key."""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.conftest import csrf_token, sign_in
from workshop.curriculum import TASKS
from workshop.extensions import db
from workshop.models import User
from workshop.sims.mail import mailbox
from workshop.sims.mail.models import MailAttachment, MailMessage

M = "/practice/mail"
T0 = datetime(2026, 3, 12, 8, 0, 0)  # the fixed "now" of the tests (UTC)


class Clock:
    """mailbox.now() under the test's control: clock.advance(seconds=21)."""

    def __init__(self, monkeypatch, start: datetime = T0):
        self.moment = start
        monkeypatch.setattr(mailbox, "now", lambda: self.moment)

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


def learner(app, factory, locale="en", name="Amina Ali", language="so"):
    """(client, uid): a signed-in learner whose mailbox is seeded."""
    workshop = factory.workshop(language, name=f"Group of {name}")
    uid, code, _ = factory.learner(workshop, name=name, locale=locale)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    assert client.get(M + "/").status_code == 200
    return client, uid


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or M + "/")
    return client.post(path, data={"csrf_token": token, **(data or {})})


def messages(app, uid) -> list[MailMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(MailMessage).where(MailMessage.learner_id == uid).order_by(MailMessage.id)).all()
        for m in rows:
            _ = list(m.attachments)
        db.session.expunge_all()
        return rows


def by_key(app, uid, key) -> MailMessage:
    return next(m for m in messages(app, uid) if m.scenario_key == key)


def attachments(app, uid) -> list[MailAttachment]:
    with app.app_context():
        rows = db.session.scalars(db.select(MailAttachment).where(MailAttachment.learner_id == uid)).all()
        db.session.expunge_all()
        return rows


def check(app, uid, name):
    with app.test_request_context():
        return TASKS[name](db.session.get(User, uid))


def teacher_address(app) -> str:
    with app.app_context():
        return mailbox.contact("teacher")


def send(client, **fields):
    data = {"to": "", "subject": "", "body": "", "action": "send", "kind": "new"}
    data.update(fields)
    return post(client, M + "/compose", data, page=M + "/compose")
