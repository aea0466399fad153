"""Counselling as the instructor uses it (issue 18, items 2, 3, 5): consent first, sessions, the plan
and its follow-up, the group's overview, every reading logged, and only her own instructors and the
coordinator get in."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from tests.conftest import csrf_token, recorded_queries
from tests.counsel.helpers import counselled, enrollment_of
from workshop.counsel import rules
from workshop.counsel.models import Consent, CounselSession, Plan, View
from workshop.extensions import db

ONCE_RE = re.compile(r'name="once" value="([^"]+)"')


def base(wid, uid):
    return f"/teach/groups/{wid}/learners/{uid}"


@pytest.fixture
def world(app, factory, teacher):
    client, staff, wid = teacher
    uid, _code, _token = factory.learner(wid, name="Hodan")
    return client, staff, wid, uid


def count(app, model, **where):
    with app.app_context():
        query = db.select(db.func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def test_nothing_is_written_before_her_consent(app, world):
    client, staff, wid, uid = world
    page = client.get(f"{base(wid, uid)}/counselling").get_data(as_text=True)
    assert "Nothing about counselling is kept before she agrees" in page
    assert "Only your instructors and the coordinator can read them." in page
    assert 'lang="so"' in page  # the same words in the group's language, to read to her
    assert "At the latest 24 months after the group ends" in page  # COUNSEL_RETENTION_MONTHS
    token = csrf_token(client, f"{base(wid, uid)}/counselling")
    for path in ("sessions/new", "plan"):
        response = client.post(f"{base(wid, uid)}/{path}", data={
            "csrf_token": token, "held_on": "2026-10-01", "kind": "light", "goal": "x", "direction": "work",
            "next_step": "y", "check_on": "2026-12-01"})
        assert response.status_code == 303 and response.location.endswith("/counselling#consent")
    assert count(app, CounselSession) == 0 and count(app, Plan) == 0
    # the box not ticked: nothing recorded, the form says why
    response = client.post(f"{base(wid, uid)}/consent", data={"csrf_token": token})
    assert response.status_code == 422 and "Record the consent only when she has agreed." in response.get_data(as_text=True)
    assert count(app, Consent) == 0
    assert client.post(f"{base(wid, uid)}/consent", data={"csrf_token": token, "agreed": "y"}).status_code == 303
    assert client.post(f"{base(wid, uid)}/consent", data={"csrf_token": token, "agreed": "y"}).status_code == 303
    with app.app_context():
        consent = rules.consent_in_force(uid)
        assert consent.recorded_by_id == staff
    assert count(app, Consent) == 1
    assert "She agreed on" in client.get(f"{base(wid, uid)}/counselling").get_data(as_text=True)


def test_a_session_with_topics_and_a_note_is_saved_once(app, world):
    client, staff, wid, uid = world
    with app.app_context():
        rules.give_consent(uid, staff)
        db.session.commit()
        topics = {t.key: t.id for t in rules.topics()}
    html = client.get(f"{base(wid, uid)}/sessions/new").get_data(as_text=True)
    assert "Housing" in html and "Personal counselling" in html
    key = ONCE_RE.search(html).group(1)
    form = {"csrf_token": csrf_token(client, f"{base(wid, uid)}/sessions/new"), "once": key, "held_on": "2026-10-06",
            "kind": "personal", "topics": [str(topics["housing"]), str(topics["health"])],
            "note": "Asunto liian pieni."}
    first = client.post(f"{base(wid, uid)}/sessions/new", data=form)
    second = client.post(f"{base(wid, uid)}/sessions/new", data=form)  # a double tap
    assert first.status_code == second.status_code == 303
    assert count(app, CounselSession) == 1
    with app.app_context():
        session = db.session.scalar(db.select(CounselSession))
        assert session.held_on == date(2026, 10, 6) and session.kind == "personal" and session.author_id == staff
        assert sorted(t.key for t in session.topics) == ["health", "housing"]
    page = client.get(f"{base(wid, uid)}/counselling").get_data(as_text=True)
    assert "Asunto liian pieni." in page and "Housing" in page


@pytest.mark.parametrize("field, value, message", [
    ("held_on", "2999-01-01", "The date cannot be in the future."),
    ("kind", "deep", "Not a valid choice"),
    ("topics", "99999", "Please choose from the list."),
])
def test_a_wrong_session_form_is_sent_back_with_its_message(app, world, field, value, message):
    client, staff, wid, uid = world
    with app.app_context():
        rules.give_consent(uid, staff)
        db.session.commit()
    form = {"csrf_token": csrf_token(client, f"{base(wid, uid)}/sessions/new"), "held_on": "2026-10-06",
            "kind": "light", field: value}
    response = client.post(f"{base(wid, uid)}/sessions/new", data=form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(app, CounselSession) == 0
    # said at the top too, as on the other staff forms (a long form's mistake may be below the screen)
    assert re.search(r'role="alert">Please check the fields marked below\.<', response.get_data(as_text=True))


def test_the_plan_its_follow_up_and_the_vocational_field(app, world, frozen_clock):
    frozen_clock(datetime(2026, 10, 20, 10, 0))
    client, staff, wid, uid = world
    with app.app_context():
        rules.give_consent(uid, staff)
        db.session.commit()
    token = csrf_token(client, f"{base(wid, uid)}/plan")
    plan = {"csrf_token": token, "goal": "Haluan olla lähihoitaja.", "direction": "vocational", "field": "",
            "next_step": "Visit the open day of Stadin AO.", "check_on": "2027-01-15"}
    response = client.post(f"{base(wid, uid)}/plan", data=plan)
    assert response.status_code == 422 and "Please write the field" in response.get_data(as_text=True)
    assert client.post(f"{base(wid, uid)}/plan", data={**plan, "field": "social and health care"}).status_code == 303
    assert client.post(f"{base(wid, uid)}/plan", data={**plan, "field": "social and health care"}).status_code == 303
    with app.app_context():
        saved = db.session.scalar(db.select(Plan))
        assert (saved.direction, saved.field, saved.check_on, saved.result) == (
            "vocational", "social and health care", date(2027, 1, 15), None)
    assert count(app, Plan) == 1
    response = client.post(f"{base(wid, uid)}/plan/follow-up", data={"csrf_token": token, "checked_on": "2026-10-20"})
    assert response.status_code == 422, response.location
    assert "Please choose one." in response.get_data(as_text=True)
    assert client.post(f"{base(wid, uid)}/plan/follow-up", data={
        "csrf_token": token, "result": "in_progress", "checked_on": "2026-10-20", "result_note": "Applied."}).status_code == 303
    with app.app_context():
        saved = db.session.scalar(db.select(Plan))
        assert (saved.result, saved.checked_on, saved.checked_by_id) == ("in_progress", date(2026, 10, 20), staff)
    page = client.get(f"{base(wid, uid)}/counselling").get_data(as_text=True)
    # the field, written by the instructor, keeps its own direction inside the label (an Arabic field in Finnish)
    assert "Vocational education (<bdi>social and health care</bdi>)" in page and "In progress" in page


def test_the_class_view_and_the_overview_show_who_has_no_plan_and_whose_follow_up_is_due(app, factory, world,
                                                                                        frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 10, 0))
    client, staff, wid, uid = world
    due, _c, _t = factory.learner(wid, name="Sahra")
    later, _c, _t = factory.learner(wid, name="Ubah")
    with app.app_context():
        counselled(due, wid, staff, check_on=date(2026, 11, 30))
        counselled(later, wid, staff, check_on=date(2026, 12, 1))  # today: not passed yet
    overview = client.get(f"/teach/groups/{wid}/counselling").get_data(as_text=True)
    assert "1 participant has no plan yet" in overview and "1 follow-up date has passed" in overview
    todo = overview.split('id="all-title"')[0]
    assert "Hodan" in todo and "Sahra" in todo and "Ubah" not in todo
    assert "Kela" not in overview and "Haluan" not in overview  # no note, no goal on the overview
    assert count(app, View) == 0  # and so nothing to log
    class_view = client.get(f"/teach/groups/{wid}").get_data(as_text=True)
    assert "1 participant has no plan yet: Hodan." in class_view
    assert "1 follow-up date has passed: Sahra." in class_view


def test_every_reading_of_a_note_or_plan_is_logged(app, world):
    client, staff, wid, uid = world
    with app.app_context():
        counselled(uid, wid, staff)
        session_id = db.session.scalar(db.select(CounselSession.id))
    for path in ("counselling", "plan", "plan/follow-up", f"sessions/{session_id}", "data.json"):
        assert client.get(f"{base(wid, uid)}/{path}").status_code == 200, path
    with app.app_context():
        log = db.session.execute(db.select(View.what, View.viewer_id, View.learner_id, View.workshop_id)
                                 .order_by(View.id)).all()
    assert log == [("sessions", staff, uid, wid), ("plan", staff, uid, wid), ("plan", staff, uid, wid),
                   ("session", staff, uid, wid), ("export", staff, uid, wid)]


def test_withdrawing_her_consent_deletes_the_sessions_and_plan(app, world):
    client, staff, wid, uid = world
    with app.app_context():
        counselled(uid, wid, staff)
    assert "Withdraw and delete" in client.get(f"{base(wid, uid)}/consent/withdraw").get_data(as_text=True)
    token = csrf_token(client, f"{base(wid, uid)}/consent/withdraw")
    assert client.post(f"{base(wid, uid)}/consent/withdraw", data={"csrf_token": token}).status_code == 303
    assert count(app, CounselSession) == 0 and count(app, Plan) == 0
    with app.app_context():
        assert rules.consent_in_force(uid) is None
        assert db.session.scalar(db.select(Consent)).withdrawn_by_id == staff


def test_deleting_a_session_twice_answers_as_the_first_time(app, world, auth, factory):
    """A double tap on "Delete the session", or a second tablet with the same page open: the session is
    gone once and the second is told so as the first was, not "page not found"; the topics go with it.
    A session of another learner's named in her URL is never deleted."""
    client, staff, wid, uid = world
    other_uid, _code, _token = factory.learner(wid, name="Sahra")
    with app.app_context():
        counselled(uid, wid, staff)
        counselled(other_uid, wid, staff)
        mine, hers = db.session.scalars(db.select(CounselSession.id).order_by(CounselSession.id)).all()
    url = f"{base(wid, uid)}/sessions/{mine}/delete"
    token = csrf_token(client, url)
    answers = [client.post(url, data={"csrf_token": token}) for _tap in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].location == answers[1].location == f"{base(wid, uid)}/counselling#sessions"
    assert client.get(url).status_code == 404  # the page for a session that is not there
    assert client.post(f"{base(wid, uid)}/sessions/{hers}/delete", data={"csrf_token": token}).status_code == 303
    assert count(app, CounselSession) == 1 and count(app, CounselSession, id=hers) == 1
    with app.app_context():
        assert db.session.scalar(db.text("SELECT count(*) FROM counsel_session_topics WHERE session_id = :id"),
                                 {"id": mine}) == 0


def test_another_groups_instructor_reaches_nothing_of_hers(app, world, other_teacher, factory):
    client, staff, wid, uid = world
    other, other_id = other_teacher
    with app.app_context():
        counselled(uid, wid, staff)
        session_id = db.session.scalar(db.select(CounselSession.id))
    # her own group, with the other learner's id in its URL: not found either
    own = factory.workshop(name="Liisa's group", instructor=other_id)
    for group in (wid, own):
        for path in ("counselling", "plan", "plan/follow-up", f"sessions/{session_id}", "sessions/new",
                     f"sessions/{session_id}/delete", "consent/withdraw"):
            assert other.get(f"{base(group, uid)}/{path}").status_code == 404, (group, path)
    assert other.get(f"/teach/groups/{wid}/counselling").status_code == 404
    assert count(app, View) == 0


def test_she_reads_her_own_plan_in_her_language_and_nobody_elses(app, auth, factory, teacher):
    client, staff, wid = teacher
    her, uid, _code = auth.learner(wid, name="Hodan", locale="en")
    other, other_id, _code = auth.learner(wid, name="Sahra", locale="en")
    assert "My plan" not in her.get("/my-progress").get_data(as_text=True)
    with app.app_context():
        counselled(uid, wid, staff, direction="vocational")
        plan = db.session.scalar(db.select(Plan))
        plan.field = "lähihoitaja"
        db.session.commit()
    assert "Open my plan" in her.get("/my-progress").get_data(as_text=True)
    page = her.get("/my-plan").get_data(as_text=True)
    assert "Haluan oppia suomea ja saada työtä." in page
    assert "Studying for a job (vocational school)" in page and "lähihoitaja" in page
    assert "Apply to the Finnish course in January." in page
    assert "Kela" not in page  # the private note is never hers to read here
    assert "There is no plan yet." in other.get("/my-plan").get_data(as_text=True)
    assert "Haluan" not in other.get("/my-plan").get_data(as_text=True)
    assert count(app, View) == 0  # her reading her own plan is not someone reading her data


def test_the_coordinator_reads_who_read_what_and_keeps_the_topics(app, world, coordinator):
    client, staff, wid, uid = world
    coord, coord_id = coordinator
    with app.app_context():
        counselled(uid, wid, staff)
    client.get(f"{base(wid, uid)}/plan")
    page = coord.get("/admin/counselling/log").get_data(as_text=True)
    row = page.split("<tbody>")[1]
    assert "Deeqa" in row and "Hodan" in row and "Tuesday group" in row and "Follow-up plan" in row
    assert client.get("/admin/counselling/log").status_code == 403  # instructors do not read the log
    token = csrf_token(coord, "/admin/counselling/topics")
    html = coord.get("/admin/counselling/topics").get_data(as_text=True)
    key = ONCE_RE.search(html).group(1)
    for _twice in range(2):
        assert coord.post("/admin/counselling/topics", data={"csrf_token": token, "once": key,
                                                             "label_en": "Kela benefits"}).status_code == 303
    response = coord.post("/admin/counselling/topics", data={"csrf_token": token, "label_en": "housing"})
    assert response.status_code == 422 and "already on the list" in response.get_data(as_text=True)
    with app.app_context():
        housing = next(t for t in rules.topics() if t.key == "housing")
        assert [t.own_labels() for t in rules.topics() if not t.seeded] == [{"en": "Kela benefits"}]
    assert coord.post(f"/admin/counselling/topics/{housing.id}/active",
                      data={"csrf_token": token, "active": "0"}).status_code == 303
    form = client.get(f"{base(wid, uid)}/sessions/new").get_data(as_text=True)
    assert "Kela benefits" in form and "Housing" not in form


def test_the_overview_costs_the_same_queries_for_3_and_30_participants(app, factory, teacher):
    client, staff, small = teacher
    large = factory.workshop("so", name="Big group", instructor=staff)
    for wid, size in ((small, 3), (large, 30)):
        for n in range(size):
            uid, _c, _t = factory.learner(wid, name=f"Learner {n}")
            if n % 2:
                with app.app_context():
                    counselled(uid, wid, staff)
    counts = []
    for wid in (small, large):
        for url in (f"/teach/groups/{wid}/counselling", f"/teach/groups/{wid}"):
            with recorded_queries(app) as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
    assert counts[:2] == counts[2:], counts
