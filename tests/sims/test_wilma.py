"""The practice school system (works like Wilma): pages, flows, checks, isolation between learners."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from tests.conftest import csrf_token, sign_in
from workshop.curriculum import TASKS
from workshop.extensions import db
from workshop.models import User
from workshop.sims.wilma import rules
from workshop.sims.wilma.models import (
    WilmaApplication, WilmaFormAnswer, WilmaMark, WilmaMessage, WilmaState, WilmaThread,
)

BASE = "/practice/wilma"
PAGES = ["/", "/messages", "/messages/new", "/announcements", "/marks", "/marks/notify", "/timetable",
         "/timetable?child=maryam", "/exams", "/applications", "/applications/new", "/forms", "/forms/trip-permission"]


def learner(app, factory, name="Amina", locale="en", language="so", open_it=True):
    uid, code, _ = factory.learner(factory.workshop(language), name=name, locale=locale)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    if open_it:  # her sandbox is seeded the first time she opens the practice
        assert client.get(BASE + "/").status_code == 200
    return client, uid


def ids(app, uid):
    with app.app_context():
        thread = db.session.scalar(db.select(WilmaThread).where(WilmaThread.learner_id == uid,
                                                                WilmaThread.scenario_key == "trip-question"))
        mark = db.session.scalar(db.select(WilmaMark).where(WilmaMark.learner_id == uid, WilmaMark.kind == "absence"))
        return thread.id, mark.id


def snapshot(app, uid):
    """Everything in her sandbox, to prove nothing changed."""
    with app.app_context():
        rows = []
        for table in (WilmaThread, WilmaMessage, WilmaMark, WilmaApplication, WilmaFormAnswer):
            for row in db.session.scalars(db.select(table).where(table.learner_id == uid).order_by(table.id)):
                rows.append({c.name: getattr(row, c.name) for c in table.__table__.columns})
        return rows


def check(app, uid, name):
    with app.test_request_context():
        return TASKS[name](db.session.get(User, uid))


# ---- the same-day rule (Helsinki's guidance), with the clock fixed --------------------------------

@pytest.mark.parametrize("hour", [(7, 30), (11, 59), (12, 0), (18, 45)])
def test_a_notice_covers_the_day_it_is_sent_at_any_hour(hour):
    sent = datetime(2026, 3, 10, *hour, tzinfo=rules.HELSINKI)  # a Tuesday
    assert rules.notice_day(sent) == date(2026, 3, 10)


def test_the_rule_uses_helsinki_time_for_utc_moments():
    # 21:59 UTC is 23:59 in Helsinki in winter (UTC+2): still Tuesday; 22:00 UTC is Wednesday 00:00.
    assert rules.notice_day(datetime(2026, 1, 13, 21, 59)) == date(2026, 1, 13)
    assert rules.notice_day(datetime(2026, 1, 13, 22, 0)) == date(2026, 1, 14)


def test_a_notice_sent_at_the_weekend_is_for_monday():
    assert rules.notice_day(datetime(2026, 3, 14, 10, 0, tzinfo=rules.HELSINKI)) == date(2026, 3, 16)


def test_school_days_skip_the_weekend():
    friday = date(2026, 3, 13)
    assert rules.school_days(friday, 2) == [friday, date(2026, 3, 16)]
    assert rules.school_days(date(2026, 3, 14), 1) == [date(2026, 3, 16)]  # Saturday -> Monday
    assert rules.school_days_before(date(2026, 3, 16), 1) == friday


@pytest.mark.parametrize("clock", [(9, 0), (13, 0)])
def test_notify_form_is_for_today_in_the_morning_and_the_afternoon(app, factory, monkeypatch, clock):
    """Issue 13, item 11: no noon cut-off any more. Sent at 13:00 it still covers today."""
    monkeypatch.setattr(rules, "now", lambda: datetime(2026, 3, 10, *clock, tzinfo=rules.HELSINKI))
    client, uid = learner(app, factory)
    html = client.get(BASE + "/marks/notify").get_data(as_text=True)
    assert "10.3.2026" in html and "12:00" not in html
    assert "Do not describe the illness" in html and "more than three days" in html
    assert 'name="start"' not in html and 'name="count"' not in html  # the day is today, not chosen
    response = client.post(BASE + "/marks/notify", data={
        "csrf_token": csrf_token(client), "child": "yusuf", "reason": "illness"})
    assert response.status_code == 303
    with app.app_context():
        days_saved = [m.day.isoformat() for m in db.session.scalars(
            db.select(WilmaMark).where(WilmaMark.learner_id == uid, WilmaMark.kind == "notice"))]
    assert days_saved == ["2026-03-10"]
    assert check(app, uid, "wilma.notified_absence").done


def test_a_notice_without_a_reason_is_refused_and_not_saved(app, factory, monkeypatch):
    monkeypatch.setattr(rules, "now", lambda: datetime(2026, 3, 10, 9, 0, tzinfo=rules.HELSINKI))
    client, uid = learner(app, factory)
    response = client.post(BASE + "/marks/notify", data={"csrf_token": csrf_token(client), "child": "yusuf"})
    assert response.status_code == 422
    assert not check(app, uid, "wilma.notified_absence").done


def test_one_entry_a_day(app, factory, monkeypatch):
    moment = {"now": datetime(2026, 3, 10, 9, 0, tzinfo=rules.HELSINKI)}
    monkeypatch.setattr(rules, "now", lambda: moment["now"])
    client, uid = learner(app, factory)
    for now in (datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 10, 15, 0), datetime(2026, 3, 11, 8, 0)):
        moment["now"] = now.replace(tzinfo=rules.HELSINKI)  # sick two days: a notice each morning
        assert client.post(BASE + "/marks/notify", data={
            "csrf_token": csrf_token(client), "child": "maryam", "reason": "illness"}).status_code == 303
    with app.app_context():
        days = [m.day for m in db.session.scalars(db.select(WilmaMark).where(
            WilmaMark.learner_id == uid, WilmaMark.kind == "notice"))]
    assert sorted(days) == [date(2026, 3, 10), date(2026, 3, 11)]


# ---- pages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["en", "so", "ar", "fi"])
def test_every_page_opens_in_every_locale(app, factory, locale):
    client, _uid = learner(app, factory, locale=locale)
    for path in PAGES:
        response = client.get(BASE + path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.get_data(as_text=True)
        assert "Koulureppu" in html and 'class="practice-banner"' in html
        assert 'lang="fi"' in html
        assert ">Wilma<" not in html  # never presents itself as Wilma; "works like Wilma" only


def test_two_children_with_teachers_timetable_exams_and_notes(app, factory):
    client, _uid = learner(app, factory)
    home = client.get(BASE + "/").get_data(as_text=True)
    assert "Yusuf" in home and "Maryam" in home and "Anna Virtanen" in home and "Mikko Korhonen" in home
    timetable = client.get(BASE + "/timetable?child=maryam").get_data(as_text=True)
    tuesday = timetable.split('id="day-1"')[1].split("</section>")[0]
    assert tuesday.index("Matematiikka") < tuesday.index("Äidinkieli")  # Tuesday morning: mathematics first
    exams = client.get(BASE + "/exams").get_data(as_text=True)
    assert exams.index("Prosenttilasku") < exams.index("Sanakoe")  # the next exam comes first
    assert "Torstai" in exams.split("Prosenttilasku")[0].rsplit("kr-exam-day", 1)[1]
    marks = client.get(BASE + "/marks").get_data(as_text=True)
    assert "Selvittämätön poissaolo" in marks and "Hienoa!" in marks
    news = client.get(BASE + "/announcements").get_data(as_text=True)
    assert "Korkeasaareen" in news and "Vanhempainilta" in news
    assert client.get(BASE + "/timetable?child=nobody").status_code == 404


def test_reply_arrives_after_the_delay_and_unread_counts(app, factory):
    app.config["WILMA_REPLY_DELAY"] = 3600  # not due before the test says so (a short delay could pass under load)
    try:
        client, uid = learner(app, factory)
        html = client.get(BASE + "/messages").get_data(as_text=True)
        assert "<strong>2</strong>" in html  # two unread
        thread_id, _mark = ids(app, uid)
        assert not check(app, uid, "wilma.read_message").done
        page = client.get(f"{BASE}/messages/{thread_id}")
        assert "Vary" in page.headers and "HX-Request" in page.headers["Vary"]
        assert check(app, uid, "wilma.read_message").done
        assert not check(app, uid, "wilma.replied_to_teacher").done
        response = client.post(f"{BASE}/messages/{thread_id}/reply",
                               data={"csrf_token": csrf_token(client), "body": "Yusuf ei syö sianlihaa. <b>Kiitos</b>"})
        assert response.status_code == 303
        assert check(app, uid, "wilma.replied_to_teacher").done
        html = client.get(f"{BASE}/messages/{thread_id}").get_data(as_text=True)
        assert "&lt;b&gt;Kiitos&lt;/b&gt;" in html  # her text is escaped
        assert 'hx-trigger="every 5s"' in html and "Kiitos vastauksesta" not in html
        with app.app_context():  # the delay has passed: the waiting answer is due now
            from workshop.models import utcnow
            from workshop.sims.wilma.models import WilmaMessage

            waiting = db.session.scalars(db.select(WilmaMessage).where(
                WilmaMessage.learner_id == uid, WilmaMessage.deliver_at > utcnow())).all()
            assert len(waiting) == 1 and not waiting[0].from_guardian
            waiting[0].deliver_at = utcnow()
            db.session.commit()
        fragment = client.get(f"{BASE}/messages/{thread_id}", headers={"HX-Request": "true"})
        text = fragment.get_data(as_text=True)
        assert "Kiitos vastauksesta" in text and "hx-trigger" not in text and "<html" not in text
    finally:
        app.config["WILMA_REPLY_DELAY"] = 20.0


def test_new_message_chooses_the_recipient(app, factory):
    app.config["WILMA_REPLY_DELAY"] = 0
    try:
        client, uid = learner(app, factory)
        data = {"csrf_token": csrf_token(client), "child": "maryam", "person": "virtanen", "subject": "Hei", "body": "Kysymys"}
        wrong = client.post(BASE + "/messages/new", data=data)
        assert wrong.status_code == 422 and "does not teach" in wrong.get_data(as_text=True)
        empty = client.post(BASE + "/messages/new", data={"csrf_token": data["csrf_token"]})
        assert empty.status_code == 422
        ok = client.post(BASE + "/messages/new", data={**data, "person": "laine"})
        assert ok.status_code == 303
        page = client.get(ok.headers["Location"]).get_data(as_text=True)
        assert "Sari Laine" in page and "Kysymys" in page and "terveydenhoitaja" in page
    finally:
        app.config["WILMA_REPLY_DELAY"] = 20.0


def test_explain_absence_leave_request_and_form(app, factory):
    app.config["WILMA_REPLY_DELAY"] = 0
    try:
        client, uid = learner(app, factory)
        _thread, mark_id = ids(app, uid)
        assert not check(app, uid, "wilma.explained_absence").done
        assert client.post(f"{BASE}/marks/{mark_id}/explain", data={"csrf_token": csrf_token(client), "reason": "bad"}).status_code == 422
        assert client.post(f"{BASE}/marks/{mark_id}/explain",
                           data={"csrf_token": csrf_token(client), "reason": "illness", "note": "Kuumetta"}).status_code == 303
        assert check(app, uid, "wilma.explained_absence").done
        assert "Selvitetty" in client.get(BASE + "/marks").get_data(as_text=True)

        assert not check(app, uid, "wilma.sent_leave_request").done
        bad = client.post(BASE + "/applications/new", data={"csrf_token": csrf_token(client), "child": "yusuf",
                                                              "starts_on": "tomorrow", "ends_on": "", "reason": ""})
        assert bad.status_code == 422
        start = rules.now().date().replace(year=rules.now().year + 1)
        assert client.post(BASE + "/applications/new", data={
            "csrf_token": csrf_token(client), "child": "yusuf", "starts_on": start.isoformat(),
            "ends_on": start.isoformat(), "reason": "Perhematka"}).status_code == 303
        assert check(app, uid, "wilma.sent_leave_request").done
        assert "Hyväksytty" in client.get(BASE + "/applications").get_data(as_text=True)

        assert not check(app, uid, "wilma.sent_permission_form").done
        assert client.post(BASE + "/forms/trip-permission", data={"csrf_token": csrf_token(client)}).status_code == 422
        assert client.post(BASE + "/forms/trip-permission",
                           data={"csrf_token": csrf_token(client), "permission": "yes", "info": "Ei sianlihaa"}).status_code == 303
        assert check(app, uid, "wilma.sent_permission_form").done
        assert "Lähetetty" in client.get(BASE + "/forms").get_data(as_text=True)
        assert client.get(BASE + "/forms/no-such-form").status_code == 404
    finally:
        app.config["WILMA_REPLY_DELAY"] = 20.0


def test_looking_at_exams_and_timetable_is_recorded(app, factory):
    client, uid = learner(app, factory)
    assert not check(app, uid, "wilma.looked_at_exams").done
    client.get(BASE + "/exams")
    client.get(BASE + "/timetable")
    assert check(app, uid, "wilma.looked_at_exams").done
    assert check(app, uid, "wilma.looked_at_timetable").done


def test_checks_before_the_practice_was_opened(app, factory):
    _client, uid = learner(app, factory, open_it=False)
    for name in [n for n in TASKS if n.startswith("wilma.")]:
        result = check(app, uid, name)
        assert not result.done and result.hint


def test_reset_starts_again_and_touches_only_her(app, factory):
    a, a_id = learner(app, factory, name="Amina")
    b, b_id = learner(app, factory, name="Hodan")
    b.get(BASE + "/")
    before_b = snapshot(app, b_id)
    _thread, mark_id = ids(app, a_id)
    a.post(f"{BASE}/marks/{mark_id}/explain", data={"csrf_token": csrf_token(a), "reason": "illness"})
    assert check(app, a_id, "wilma.explained_absence").done
    assert a.post("/practice/reset/wilma", data={"csrf_token": csrf_token(a), "confirm": "yes"}).status_code == 303
    assert not check(app, a_id, "wilma.explained_absence").done
    a.get(BASE + "/marks")  # seeded again
    assert "Selvittämätön poissaolo" in a.get(BASE + "/marks").get_data(as_text=True)
    assert snapshot(app, b_id) == before_b


# ---- no request can see or change another learner's practice ------------------------------------

def test_every_route_with_another_learners_ids_is_404_and_changes_nothing(app, factory):
    app.config["WILMA_REPLY_DELAY"] = 0
    try:
        owner, owner_id = learner(app, factory, name="Amina")
        owner.get(BASE + "/")
        thread_id, mark_id = ids(app, owner_id)
        before = snapshot(app, owner_id)
        intruder, _ = learner(app, factory, name="Hodan")
        csrf = csrf_token(intruder)
        attempts = [
            ("get", f"/messages/{thread_id}", {}),
            ("get", f"/messages/{thread_id}", {"headers": {"HX-Request": "true"}}),
            ("post", f"/messages/{thread_id}/reply", {"data": {"csrf_token": csrf, "body": "hi"}}),
            ("get", f"/marks/{mark_id}/explain", {}),
            ("post", f"/marks/{mark_id}/explain", {"data": {"csrf_token": csrf, "reason": "illness"}}),
        ]
        for method, path, kwargs in attempts:
            response = getattr(intruder, method)(BASE + path, **kwargs)
            assert response.status_code == 404, (method, path, response.status_code)
        # the pages without ids show only her own sandbox, never the owner's
        for path in PAGES:
            assert str(thread_id) not in re.findall(r"/messages/(\d+)", intruder.get(BASE + path).get_data(as_text=True))
        # a notice, a request, a form and a new message of the intruder land in her own sandbox only
        assert intruder.post(BASE + "/marks/notify", data={"csrf_token": csrf, "child": "yusuf",
                                                           "reason": "illness"}).status_code == 303
        intruder.post(BASE + "/forms/trip-permission", data={"csrf_token": csrf, "permission": "yes"})
        intruder.post(BASE + "/messages/new", data={"csrf_token": csrf, "child": "yusuf", "person": "virtanen",
                                                    "subject": "x", "body": "y"})
        assert snapshot(app, owner_id) == before
        assert not check(app, owner_id, "wilma.sent_permission_form").done
    finally:
        app.config["WILMA_REPLY_DELAY"] = 20.0


def test_signed_out_and_staff_cannot_open_it(app, factory, client):
    signed_out = client.get(BASE + "/")
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.location
    factory.staff()
    c = app.test_client()
    signed_in = c.post("/staff/sign-in", data={"username": "deeqa", "password": "correct horse battery",
                                               "csrf_token": csrf_token(c, "/staff/sign-in")})
    assert signed_in.status_code == 303 and signed_in.location.endswith("/teach/")  # she is signed in
    assert c.get("/teach/").status_code == 200
    assert c.get(BASE + "/").status_code == 403  # and still may not practise as a learner


def test_labels_and_reasons_are_as_current_wilma_guides_show_them(app, factory, monkeypatch):
    """Issue 13, items 10 and 11: "Tallenna" saves the absence notice, the reasons follow the national
    classification ("Terveydelliset syyt" also covers a doctor's visit, so "doctor" is no longer
    offered), unexplained absences read "Selvittämätön poissaolo", and a leave request is made with
    "Tee uusi hakemus" / "Loma-anomus". Sources are in the glossary."""
    monkeypatch.setattr(rules, "now", lambda: datetime(2026, 3, 10, 9, 0, tzinfo=rules.HELSINKI))
    client, uid = learner(app, factory)
    html = client.get(BASE + "/marks/notify").get_data(as_text=True)
    assert 'lang="fi">Tallenna<' in html and 'lang="fi">Lähetä<' not in html
    assert 'lang="fi">Terveydelliset syyt<' in html and 'value="doctor"' not in html
    assert "Lääkärikäynti" not in html
    response = client.post(BASE + "/marks/notify", data={
        "csrf_token": csrf_token(client), "child": "yusuf", "reason": "doctor"})
    assert response.status_code == 422
    assert "Selvittämätön poissaolo" in client.get(BASE + "/marks").get_data(as_text=True)
    applications = client.get(BASE + "/applications").get_data(as_text=True)
    assert 'lang="fi">Tee uusi hakemus<' in applications
    assert 'lang="fi">Loma-anomus<' in client.get(BASE + "/applications/new").get_data(as_text=True)
    # A notice stored before the change, with the old "doctor" reason, still shows as a health reason.
    with app.app_context():
        db.session.add(WilmaMark(learner_id=uid, child="yusuf", kind="notice", day=date(2026, 3, 11), reason="doctor"))
        db.session.commit()
    assert "Terveydelliset syyt" in client.get(BASE + "/marks").get_data(as_text=True)
