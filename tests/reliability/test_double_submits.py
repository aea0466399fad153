"""The same form sent twice at the same moment (two tabs, a double tap), 50 times: the second
answers as the first did, nothing is stored twice, never a 5xx. Also the first visit to each
practice service from two tabs at once: one sandbox, seeded once. SQLite, and PostgreSQL in CI."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.conftest import csrf_token
from tests.reliability.test_races import ROUNDS, _tabs, together
from workshop.extensions import db
from workshop.models import HelpRequest
from workshop.sims.wilma import rules
from workshop.sims.wilma.models import WilmaFormAnswer, WilmaMark

W = "/practice/wilma"


def _twice(a, b, url, data):
    first, second = {**data, "csrf_token": csrf_token(a)}, {**data, "csrf_token": csrf_token(b)}
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

    def count():  # today's notice, sent from two tabs at once: one entry
        with app.app_context():
            return len(db.session.scalars(db.select(WilmaMark.day).where(
                WilmaMark.learner_id == uid, WilmaMark.kind == "notice")).all())

    data = {"child": "yusuf", "reason": "illness"}
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


ONCE_RE = re.compile(r'name="once" value="([^"]+)"')


def _created(app, uid, what: str) -> int:
    from workshop.sims.mail.models import MailMessage
    from workshop.sims.wilma.models import WilmaApplication, WilmaMessage, WilmaThread

    query = {
        "mail": db.select(db.func.count()).select_from(MailMessage).where(
            MailMessage.learner_id == uid, MailMessage.folder == "sent"),
        "new message": db.select(db.func.count()).select_from(WilmaThread).where(
            WilmaThread.learner_id == uid, WilmaThread.subject == "Kysymys"),
        "reply": db.select(db.func.count()).select_from(WilmaMessage).where(
            WilmaMessage.learner_id == uid, WilmaMessage.body == "Kiitos vastauksesta"),
        "leave request": db.select(db.func.count()).select_from(WilmaApplication).where(
            WilmaApplication.learner_id == uid),
    }[what]
    with app.app_context():
        return db.session.scalar(query)


@pytest.mark.parametrize("what", ["mail", "new message", "reply", "leave request"])
def test_a_form_that_creates_something_sent_twice_at_once_creates_it_once(app, factory, what):
    """The same form (the same key drawn with it) sent from two tabs at once: one message, one
    request; both answers lead to the same place."""
    uid, (a, b) = _tabs(app, factory)
    a.get("/practice/mail/")
    a.get(W + "/")
    start = rules.now().date().replace(year=rules.now().year + 1).isoformat()
    page, url, data = {
        "mail": ("/practice/mail/compose", "/practice/mail/compose",
                 {"to": "opettaja@koulu.example", "subject": "Hei", "body": "Kiitos", "action": "send"}),
        "new message": (W + "/messages/new", W + "/messages/new",
                        {"child": "maryam", "person": "laine", "subject": "Kysymys", "body": "Hei"}),
        "reply": (None, None, {"body": "Kiitos vastauksesta"}),
        "leave request": (W + "/applications/new", W + "/applications/new",
                          {"child": "yusuf", "starts_on": start, "ends_on": start, "reason": "Perhematka"}),
    }[what]
    if what == "reply":
        from workshop.sims.wilma.models import WilmaThread

        with app.app_context():
            thread_id = db.session.scalar(db.select(WilmaThread.id).where(WilmaThread.learner_id == uid).limit(1))
        page = url = f"{W}/messages/{thread_id}"
        url += "/reply"
    failures = []
    rounds = ROUNDS // 2
    for round_ in range(rounds):
        before = _created(app, uid, what)
        key = ONCE_RE.search(a.get(page).get_data(as_text=True)).group(1)
        statuses, answers = _twice(a, b, url, {**data, "once": key})
        places = {getattr(r, "location", None) for r in answers}
        made = _created(app, uid, what) - before
        if statuses != [303, 303] or made != 1 or len(places) != 1:
            failures.append((round_, statuses, made, places))
    assert failures == [], f"{len(failures)} of {rounds} rounds: {failures[:3]}"


def _staff_tabs(app, factory, role):
    from tests.conftest import csrf_token
    from workshop.models import Role

    uid = factory.staff(role, role=Role.INSTRUCTOR if role == "instructor" else Role.COORDINATOR, password="pw-twice")
    tabs = []
    for _ in range(2):
        tab = app.test_client()
        token = csrf_token(tab, "/staff/sign-in")
        assert tab.post("/staff/sign-in", data={"username": role, "password": "pw-twice", "csrf_token": token}).status_code == 303
        tabs.append(tab)
    return uid, tabs


@pytest.mark.parametrize("what", ["group", "learner", "note", "instructor"])
def test_a_staff_form_that_creates_something_sent_twice_at_once_creates_it_once(app, factory, what):
    from workshop.models import InstructorNote, User, Workshop

    role = "coordinator" if what == "instructor" else "instructor"
    uid, (a, b) = _staff_tabs(app, factory, role)
    workshop = factory.workshop("so", instructor=uid)
    learner_id, _code, _token = factory.learner(workshop, name="Hodan")
    failures = []
    rounds = ROUNDS // 5
    for round_ in range(rounds):
        page, url, data, count = {
            "group": ("/teach/groups/new", "/teach/groups/new",
                      {"name": f"Group {round_}", "language": "so", "location": "Itäkeskus", "weekday": "1",
                       "start_time": "17:00", "starts_on": "2026-01-05", "ends_on": "2026-05-05"},
                      db.select(db.func.count()).select_from(Workshop)),
            "learner": (f"/teach/groups/{workshop}/learners", f"/teach/groups/{workshop}/learners",
                        {"name": f"Sahra {round_}"}, db.select(db.func.count()).select_from(User)),
            "note": (f"/teach/groups/{workshop}/learners/{learner_id}",
                     f"/teach/groups/{workshop}/learners/{learner_id}/notes",
                     {"text": f"Note {round_}"}, db.select(db.func.count()).select_from(InstructorNote)),
            "instructor": ("/admin/instructors", "/admin/instructors",
                           {"username": f"new{round_}", "display_name": "New", "language": "so"},
                           db.select(db.func.count()).select_from(User)),
        }[what]
        with app.app_context():
            before = db.session.scalar(count)
        html = a.get(page).get_data(as_text=True)
        key = ONCE_RE.search(html).group(1)
        statuses, _answers = _twice(a, b, url, {**data, "once": key})
        with app.app_context():
            made = db.session.scalar(count) - before
        # the second may also be told "already in this group" (422) if it looked after the first committed
        if any(not isinstance(s, int) or s >= 500 for s in statuses) or min(statuses) >= 400 or made != 1:
            failures.append((round_, statuses, made))
    assert failures == [], f"{len(failures)} of {rounds} rounds: {failures[:3]}"
