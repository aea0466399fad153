"""The same form sent twice at the same moment (two tabs, a double tap), 50 times: the second
answers as the first did, nothing is stored twice, never a 5xx. Also the first visit to each
practice service from two tabs at once: one sandbox, seeded once. SQLite, and PostgreSQL in CI."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import CSRF_RE
from tests.reliability.test_races import ROUNDS, _tabs, together
from workshop.extensions import db
from workshop.models import HelpRequest
from workshop.sims.wilma import rules
from workshop.sims.wilma.models import WilmaFormAnswer, WilmaMark

W = "/practice/wilma"


def _token(tab) -> str:
    return CSRF_RE.search(tab.get("/language").get_data(as_text=True)).group(1)


def _twice(a, b, url, data):
    first, second = {**data, "csrf_token": _token(a)}, {**data, "csrf_token": _token(b)}
    answers = together(lambda: a.post(url, data=first), lambda: b.post(url, data=second))
    return [getattr(r, "status_code", repr(r)) for r in answers], answers


def _run(app, rounds, clear, send, count):
    failures = []
    for round_ in range(rounds):
        clear()
        statuses, answers = send()
        stored = count()
        if any(not isinstance(s, int) or s >= 400 for s in statuses) or stored != 1:
            failures.append((round_, statuses, stored))
    assert failures == [], f"{len(failures)} of {rounds} rounds: {failures[:3]}"


def test_a_wilma_form_sent_twice_at_once(app, factory):
    uid, (a, b) = _tabs(app, factory)
    a.get(W + "/")  # her sandbox exists

    def clear():
        with app.app_context():
            db.session.execute(db.delete(WilmaFormAnswer).where(WilmaFormAnswer.learner_id == uid))
            db.session.commit()

    def count():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(WilmaFormAnswer)
                                     .where(WilmaFormAnswer.learner_id == uid))

    _run(app, ROUNDS, clear, lambda: _twice(a, b, W + "/forms/trip-permission", {"permission": "yes"}), count)


def test_an_absence_notice_sent_twice_at_once(app, factory, monkeypatch):
    monkeypatch.setattr(rules, "now", lambda: datetime(2026, 3, 10, 9, 0, tzinfo=rules.HELSINKI))
    uid, (a, b) = _tabs(app, factory)
    a.get(W + "/")

    def clear():
        with app.app_context():
            db.session.execute(db.delete(WilmaMark).where(WilmaMark.learner_id == uid, WilmaMark.kind == "notice"))
            db.session.commit()

    def count():  # days reported, per day: one entry each (2 days sent: 1 if both days are there once)
        with app.app_context():
            days = db.session.scalars(db.select(WilmaMark.day).where(
                WilmaMark.learner_id == uid, WilmaMark.kind == "notice")).all()
        return 1 if sorted(days) == sorted(set(days)) and len(days) == 2 else len(days)

    data = {"child": "yusuf", "start": "2026-03-10", "count": "2", "reason": "illness"}
    _run(app, ROUNDS, clear, lambda: _twice(a, b, W + "/marks/notify", data), count)


def test_two_quick_help_presses_open_one_request(app, factory):
    uid, (a, b) = _tabs(app, factory)
    data = {"course": "start", "lesson": "01-welcome", "step": "welcome", "back": "/home"}

    def clear():
        with app.app_context():
            db.session.execute(db.delete(HelpRequest))
            db.session.commit()

    def count():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(HelpRequest)
                                     .where(HelpRequest.handled_at.is_(None)))

    _run(app, ROUNDS, clear, lambda: _twice(a, b, "/help", data), count)


@pytest.mark.parametrize("sim", ["mail", "bank", "wilma"])
def test_the_first_visit_to_a_practice_service_from_two_tabs(app, factory, sim):
    uid, (a, b) = _tabs(app, factory)
    service = app.extensions["askel_sims"][sim]
    failures = []
    for round_ in range(ROUNDS // 2):
        with app.app_context():
            from workshop.models import User

            if sim == "mail":  # its reset seeds again at once: empty it as a new learner's
                from workshop.sims.mail.models import MailAttachment, MailBox, MailMessage

                for model in (MailAttachment, MailMessage, MailBox):
                    db.session.execute(db.delete(model).where(model.learner_id == uid))
            else:
                service.reset(db.session.get(User, uid))
            db.session.commit()
        answers = together(lambda: a.get(f"/practice/{sim}/"), lambda: b.get(f"/practice/{sim}/"))
        statuses = [getattr(r, "status_code", repr(r)) for r in answers]
        if any(not isinstance(s, int) or s >= 400 for s in statuses):
            failures.append((round_, statuses))
    assert failures == [], f"{len(failures)} of {ROUNDS // 2} rounds: {failures[:3]}"
