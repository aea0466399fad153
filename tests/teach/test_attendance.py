"""A group's weekly meetings and attendance (workshop/attendance.py, teach/meetings.py): the meetings
made from the schedule, edits kept when it is made again, marking that sends the wanted state, the
participant/visitor rule, the learner's and the instructor's pages, and the coordinator's counts."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest

from tests.conftest import csrf_token, recorded_queries, rows_fetched, sign_in, staff_client
from workshop import attendance, clock
from workshop.attendance import Attendance, Meeting
from workshop.extensions import db
from workshop.models import Enrollment, Role, User, Workshop


def _group(app, weekday=1, starts_on=date(2026, 11, 2), ends_on=date(2027, 3, 26), instructor=None,
           name="Tuesday group", language="so", location="Itäkeskus") -> int:
    with app.app_context():
        workshop = Workshop(name=name, language=language, location=location, weekday=weekday, start_time=time(10),
                            starts_on=starts_on, ends_on=ends_on)
        if instructor:
            workshop.instructors.append(db.session.get(User, instructor))
        db.session.add(workshop)
        db.session.flush()
        attendance.sync_meetings(workshop)
        db.session.commit()
        return workshop.id


def _learners(app, workshop_id: int, n: int, prefix="Learner") -> list[int]:
    """Enrolment ids of n new learners of the group."""
    with app.app_context():
        enrollments = []
        for i in range(n):
            user = User(role=Role.LEARNER, display_name=f"{prefix} {i:03}")
            enrollment = Enrollment(workshop_id=workshop_id, learner=user)
            db.session.add_all([user, enrollment])
            enrollments.append(enrollment)
        db.session.commit()
        return [e.id for e in enrollments]


def _meetings(app, workshop_id: int) -> list[Meeting]:
    with app.app_context():
        meetings = attendance.meetings_of(workshop_id)
        db.session.expunge_all()
        return meetings


def _mark(app, workshop_id: int, enrollment_id: int, meetings: int) -> None:
    with app.app_context():
        for meeting in attendance.meetings_of(workshop_id)[:meetings]:
            attendance.mark(meeting, enrollment_id, True, None)
        db.session.commit()


# ---- the schedule ------------------------------------------------------------------------------------

def test_meetings_fall_on_the_groups_weekday_every_week_holidays_included(app):
    wid = _group(app, weekday=3, starts_on=date(2026, 11, 2), ends_on=date(2027, 3, 26))  # Thursdays
    days = [m.day for m in _meetings(app, wid)]
    assert days[0] == date(2026, 11, 5) and days[-1] == date(2027, 3, 25)
    assert {d.weekday() for d in days} == {3}
    assert all(b - a == timedelta(weeks=1) for a, b in zip(days, days[1:]))
    assert len(days) == 21
    # Christmas Eve and New Year's Eve are Thursdays in 2026: nothing is assumed, the instructor cancels
    assert date(2026, 12, 24) in days and date(2026, 12, 31) in days
    assert all(m.starts_at == time(10) and not m.cancelled for m in _meetings(app, wid))


def test_a_first_day_on_the_weekday_itself_is_the_first_meeting(app):
    wid = _group(app, weekday=0, starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 19))
    assert [m.day for m in _meetings(app, wid)] == [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]


def test_edits_are_kept_when_the_schedule_is_made_again(app):
    wid = _group(app, weekday=1, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 1))  # Tuesdays
    enrollment_id = _learners(app, wid, 1)[0]
    with app.app_context():
        first, second, third, fourth, *_rest = attendance.meetings_of(wid)
        first.day, first.edited = date(2026, 1, 7), True                            # moved to Wednesday
        second.cancelled, second.edited, second.note = True, True, "Room closed"     # cancelled
        attendance.mark(third, enrollment_id, True, None)                            # attended
        db.session.add(Meeting(workshop_id=wid, day=date(2026, 1, 31), starts_at=time(12), edited=True))  # added
        ids = {first.id, second.id, third.id}
        untouched = fourth.id
        db.session.commit()
        # The group moves to Thursdays and starts at 11: every edit stays, the untouched meetings follow.
        workshop = db.session.get(Workshop, wid)
        workshop.weekday, workshop.start_time = 3, time(11)
        attendance.sync_meetings(workshop)
        attendance.sync_meetings(workshop)  # made again: nothing doubles
        db.session.commit()
        meetings = attendance.meetings_of(wid)
        kept = {m.id: m for m in meetings}
        assert ids <= set(kept) and untouched not in kept
        assert kept[first.id].day == date(2026, 1, 7) and kept[second.id].cancelled
        assert kept[second.id].note == "Room closed"
        assert any(m.scheduled_on is None and m.day == date(2026, 1, 31) for m in meetings)
        made = [m for m in meetings if m.scheduled_on is not None and m.id not in ids]
        assert made and {m.day.weekday() for m in made} == {3} and {m.starts_at for m in made} == {time(11)}
        assert len({m.scheduled_on for m in meetings if m.scheduled_on}) == len([m for m in meetings if m.scheduled_on])


def test_editing_the_group_makes_its_meetings_follow(app, teacher):
    client, _uid, wid = teacher
    assert client.get(f"/teach/groups/{wid}/meetings").status_code == 200
    token = csrf_token(client, f"/teach/groups/{wid}/edit")
    response = client.post(f"/teach/groups/{wid}/edit", data={
        "csrf_token": token, "name": "Tuesday group", "language": "so", "location": "Itäkeskus", "weekday": "4",
        "start_time": "17:30", "starts_on": "2026-01-05", "ends_on": "2026-02-01"})
    assert response.status_code == 303
    assert [m.day for m in _meetings(app, wid)] == [date(2026, 1, 9), date(2026, 1, 16), date(2026, 1, 23),
                                                    date(2026, 1, 30)]


# ---- pages and marking ---------------------------------------------------------------------------------

def _enrollment_of(app, learner_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Enrollment.id).where(Enrollment.learner_id == learner_id))


def test_marking_sends_the_wanted_state_so_a_double_tap_never_flips_it(app, teacher, factory):
    client, _uid, wid = teacher
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    client.get(f"/teach/groups/{wid}/meetings")
    meeting = _meetings(app, wid)[0]
    page = f"/teach/groups/{wid}/meetings/{meeting.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Hodan" in html and 'aria-pressed="false"' in html and 'name="present" value="1"' in html
    second = _meetings(app, wid)[1]
    assert "Next meeting:" in html and "Previous meeting:" not in html  # from meeting to meeting on the tablet
    assert f'/meetings/{second.id}"' in html
    token = csrf_token(client, page)
    url = f"{page}/learners/{learner_id}"
    for _ in range(2):  # a double tap, or a retry: present, and present again
        response = client.post(url, data={"csrf_token": token, "present": "1"})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"#learner-{learner_id}")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 1
    html = client.get(page).get_data(as_text=True)
    assert 'aria-pressed="true"' in html and 'name="present" value="0"' in html and "Present: 1" in html
    # with htmx: only her button comes back, with the count out of band
    for _ in range(2):
        response = client.post(url, data={"csrf_token": token, "present": "0"}, headers={"HX-Request": "true"})
        fragment = response.get_data(as_text=True)
        assert response.status_code == 200 and fragment.lstrip().startswith(f'<li id="learner-{learner_id}"')
        assert 'aria-pressed="false"' in fragment and 'hx-swap-oob="true"' in fragment and "Present: 0" in fragment
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0
    assert client.post(url, data={"csrf_token": token, "present": "toggle"}).status_code == 400
    assert client.post(url, data={"present": "1"}).status_code == 400  # no CSRF token


def test_add_move_cancel_and_note_a_meeting(app, teacher):
    client, _uid, wid = teacher
    index = f"/teach/groups/{wid}/meetings"
    added_on = (clock.today() + timedelta(days=4)).isoformat()  # the group runs from a week ago
    moved_to = clock.today() - timedelta(days=11)  # before its first day: within the month allowed
    token = csrf_token(client, index)
    once = re.search(r'name="once" value="([^"]+)"', client.get(index).get_data(as_text=True))
    data = {"csrf_token": token, "day": added_on, "starts_at": "12:00", "note": "Trip to the library"}
    if once:
        data["once"] = once.group(1)
    before = len(_meetings(app, wid))
    first = client.post(index, data=data)
    assert first.status_code == 303
    assert client.post(index, data=data).headers["Location"] == first.headers["Location"]  # sent twice: one meeting
    meetings = _meetings(app, wid)
    assert len(meetings) == before + 1
    added = next(m for m in meetings if m.scheduled_on is None)
    assert added.note == "Trip to the library" and added.starts_at == time(12)
    bad = client.post(index, data={"csrf_token": token, "day": "5.12.", "starts_at": "12:00"})
    assert bad.status_code == 422 and "Please give a date." in bad.get_data(as_text=True)

    meeting = meetings[0]
    edit = f"{index}/{meeting.id}/edit"
    assert client.get(edit).status_code == 200
    moved = client.post(edit, data={"csrf_token": token, "day": moved_to.isoformat(), "starts_at": "09:30", "note": "",
                                    "action": "save"})
    assert moved.status_code == 303
    for _ in range(2):
        client.post(edit, data={"csrf_token": token, "day": moved_to.isoformat(), "starts_at": "09:30",
                                "note": "Holiday", "action": "cancel"})
    after = next(m for m in _meetings(app, wid) if m.id == meeting.id)
    assert after.day == moved_to and after.starts_at == time(9, 30) and after.cancelled
    assert after.note == "Holiday" and after.scheduled_on == meeting.scheduled_on
    html = client.get(index).get_data(as_text=True)
    assert "Cancelled" in html and "moved from" in html and "Holiday" in html
    client.post(edit, data={"csrf_token": token, "day": moved_to.isoformat(), "starts_at": "09:30", "note": "",
                            "action": "restore"})
    assert not next(m for m in _meetings(app, wid) if m.id == meeting.id).cancelled
    assert client.post(edit, data={"csrf_token": token, "day": moved_to.isoformat(), "starts_at": "09:30",
                                   "action": "delete"}).status_code == 400


def test_a_meeting_on_a_day_far_from_the_group_s_dates_is_refused_with_the_dates_allowed(app, teacher):
    """A typed year (0202, 20266) or a day a year away made a meeting the group's counts read; the day is
    within the group's dates, a month before and after, and the form says which."""
    client, _uid, wid = teacher
    index = f"/teach/groups/{wid}/meetings"
    token = csrf_token(client, index)
    before = len(_meetings(app, wid))
    with app.app_context():
        group = db.session.get(Workshop, wid)
        first, last = group.starts_on - timedelta(days=31), group.ends_on + timedelta(days=31)
    for day in ("0202-12-01", (first - timedelta(days=1)).isoformat(), (last + timedelta(days=1)).isoformat()):
        refused = client.post(index, data={"csrf_token": token, "day": day, "starts_at": "12:00"})
        assert refused.status_code == 422
        assert "the group&#39;s dates, a month before and after" in refused.get_data(as_text=True)
    meeting = _meetings(app, wid)[0]
    moved = client.post(f"{index}/{meeting.id}/edit", data={"csrf_token": token, "day": "0202-12-01",
                                                            "starts_at": "09:30", "action": "save"})
    assert moved.status_code == 422
    assert len(_meetings(app, wid)) == before and _meetings(app, wid)[0].day == meeting.day
    for day in (first, last):
        assert client.post(index, data={"csrf_token": token, "day": day.isoformat(), "starts_at": "12:00"}).status_code == 303


# ---- who counts ---------------------------------------------------------------------------------------------

def test_the_participant_and_visitor_rule(app):
    assert attendance.PARTICIPANT_MEETINGS == 3
    assert [attendance.kind_of(n) for n in (0, 1, 2, 3, 9)] == ["enrolled", "visitor", "visitor", "participant",
                                                                "participant"]
    wid = _group(app, weekday=1, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 1))
    other = _group(app, weekday=2, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 1), name="Other")
    regular, twice, once, never = _learners(app, wid, 4)
    _mark(app, wid, regular, 5)
    _mark(app, wid, twice, 2)
    _mark(app, wid, once, 1)
    with app.app_context():
        # a cancelled meeting does not count: the regular one's third meeting is cancelled
        third = attendance.meetings_of(wid)[2]
        third.cancelled = True
        db.session.commit()
        found = {p.enrollment_id: p for p in attendance.participants([wid, other])}
        assert {e: (p.attended, p.kind) for e, p in found.items()} == {
            regular: (4, "participant"), twice: (2, "visitor"), once: (1, "visitor"), never: (0, "enrolled")}
        # within a period: only January 13th to 20th (two meetings, the first one before it)
        found = {p.enrollment_id: p.kind for p in attendance.participants([wid], (date(2026, 1, 13), date(2026, 1, 20)))}
        assert found[regular] == "visitor" and found[once] == "enrolled"
        assert attendance.participants([]) == []


def test_the_reach_report_counts_participants_and_visitors_per_group(app, factory, frozen_clock):
    frozen_clock(datetime(2026, 3, 10, 12))
    factory.staff("mirja", role=Role.COORDINATOR)
    client = staff_client(app, "mirja")
    wid = _group(app, weekday=1, starts_on=date(2026, 1, 5), ends_on=date(2026, 5, 1), name="Kontula Tuesday")
    other = _group(app, weekday=3, starts_on=date(2026, 1, 5), ends_on=date(2026, 5, 1), name="Malmi Thursday",
                   language="ar", location="Malmi")
    a = _learners(app, wid, 5, "Somali")
    b = _learners(app, other, 3, "Arabic")
    for enrollment, n in zip(a, (6, 3, 2, 1, 0)):
        _mark(app, wid, enrollment, n)
    for enrollment, n in zip(b, (4, 1, 0)):
        _mark(app, other, enrollment, n)
    # one learner of the Somali group also visits the Arabic one (twice): counted once, as a participant
    with app.app_context():
        learner_id = db.session.get(Enrollment, a[0]).learner_id
        extra = Enrollment(workshop_id=other, learner_id=learner_id)
        db.session.add(extra)
        db.session.commit()
        extra_id = extra.id
    _mark(app, other, extra_id, 2)
    with app.app_context():
        rows = {r.name: r for r in attendance.group_counts(None, None, clock.today())}
        # Tuesdays Jan 6 .. Mar 10 and Thursdays Jan 8 .. Mar 5: 10 and 9 held by March 10th
        assert (rows["Kontula Tuesday"].meetings, rows["Kontula Tuesday"].participants,
                rows["Kontula Tuesday"].visitors, rows["Kontula Tuesday"].enrolled) == (10, 2, 2, 5)
        assert (rows["Malmi Thursday"].meetings, rows["Malmi Thursday"].participants,
                rows["Malmi Thursday"].visitors, rows["Malmi Thursday"].enrolled) == (9, 1, 2, 4)
        assert attendance.distinct_totals(None, None) == (3, 3)
        # January 1st to 14th holds two Tuesdays and one Thursday: nobody reaches three meetings; four
        # Somali learners and two Arabic ones came (the one in both groups counts once)
        assert attendance.distinct_totals(date(2026, 1, 1), date(2026, 1, 14)) == (0, 6)
    html = client.get("/admin/report").get_data(as_text=True)
    assert "Attendance per group" in html and "A participant came to at least 3 meetings" in html
    section = html[html.index('id="attendance-title"'):html.index('id="lessons-title"')]
    assert re.search(r"Kontula Tuesday.*?<td class=\"num\">10</td><td class=\"num\">2</td><td class=\"num\">2</td>"
                     r"<td class=\"num\">5</td>", section, re.S)
    csv = client.get("/admin/report/attendance.csv").get_data(as_text=True)
    assert "Kontula Tuesday" in csv and ",10,2,2,5" in csv.replace("\r", "")


def test_the_report_costs_the_same_for_10_and_100_learners(app, factory):
    factory.staff("mirja", role=Role.COORDINATOR)
    client = staff_client(app, "mirja")
    wid = _group(app, weekday=1, starts_on=date(2025, 1, 6), ends_on=date(2025, 5, 30))
    other = _group(app, weekday=2, starts_on=date(2025, 1, 6), ends_on=date(2025, 5, 30), name="Other")

    def add(n):
        for group in (wid, other):
            for i, enrollment in enumerate(_learners(app, group, n // 2, prefix=f"P{group}-{n}")):
                _mark(app, group, enrollment, i % 6)

    def measure(path):
        client.get(path)
        with recorded_queries(app) as seen, rows_fetched(app) as rows:
            assert client.get(path).status_code == 200
        return len(seen), rows[0]

    add(10)
    few = {path: measure(path) for path in ("/admin/report", "/admin/report/attendance.csv")}
    add(90)
    many = {path: measure(path) for path in ("/admin/report", "/admin/report/attendance.csv")}
    assert few == many


# ---- the learner's page and the instructor's --------------------------------------------------------------------

def test_she_sees_the_meetings_she_came_to(app, factory, frozen_clock):
    frozen_clock(datetime(2026, 2, 20, 12))
    wid = _group(app, weekday=1, starts_on=date(2026, 1, 5), ends_on=date(2026, 5, 1))
    learner_id, code, _ = factory.learner(wid, name="Hodan", locale="en")
    _mark(app, wid, _enrollment_of(app, learner_id), 2)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    html = client.get("/my-progress").get_data(as_text=True)
    assert "Group meetings" in html and "You came to 2 of 7 meetings." in html
    assert "06/01/2026" in html  # English as written in Finland: day first, the whole year (not 1/6/26)


def test_the_instructor_sees_it_on_her_learner_page(app, teacher, factory):
    client, _uid, wid = teacher
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    client.get(f"/teach/groups/{wid}/meetings")
    _mark(app, wid, _enrollment_of(app, learner_id), 1)
    html = client.get(f"/teach/groups/{wid}/learners/{learner_id}").get_data(as_text=True)
    assert 'id="attendance"' in html and "Visitor" in html and "A participant came to at least 3 meetings" in html
    index = client.get(f"/teach/groups/{wid}/meetings").get_data(as_text=True)
    assert "Hodan" in index and "Visitor" in index
    data = client.get(f"/teach/groups/{wid}/learners/{learner_id}/data.json").get_json()
    first = _meetings(app, wid)[0]
    assert data["meetings_attended"] == [{"group": "Tuesday group", "date": first.day.isoformat(), "cancelled": False}]
    # deleting her deletes her attendance too; the meetings stay
    token = csrf_token(client, f"/teach/groups/{wid}/learners/{learner_id}/delete")
    assert client.post(f"/teach/groups/{wid}/learners/{learner_id}/delete", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Meeting).where(Meeting.workshop_id == wid))


# ---- who may -----------------------------------------------------------------------------------------------

def test_another_groups_instructor_gets_404_on_every_attendance_route(app, teacher, factory, other_teacher,
                                                                      coordinator, auth):
    client, _uid, wid = teacher
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    client.get(f"/teach/groups/{wid}/meetings")
    meeting = _meetings(app, wid)[0]
    other, _ = other_teacher
    boss, _ = coordinator
    learner, _lid, _ = auth.learner(wid, name="Sahra")
    base = f"/teach/groups/{wid}/meetings"
    routes = [("GET", base), ("POST", base), ("GET", f"{base}/{meeting.id}"), ("GET", f"{base}/{meeting.id}/edit"),
              ("POST", f"{base}/{meeting.id}/edit"), ("POST", f"{base}/{meeting.id}/learners/{learner_id}")]
    token, learner_token = csrf_token(other, "/teach/"), csrf_token(learner)
    for method, url in routes:
        data = {"csrf_token": token, "present": "1", "day": "2026-12-01", "starts_at": "10:00", "action": "cancel"}
        response = other.get(url) if method == "GET" else other.post(url, data=data)
        assert response.status_code == 404, (method, url)
        response = learner.get(url) if method == "GET" else learner.post(url, data={**data, "csrf_token": learner_token})
        assert response.status_code == 403, (method, url)
    assert boss.get(base).status_code == 200 and boss.get(f"{base}/{meeting.id}").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0
        assert not db.session.get(Meeting, meeting.id).cancelled
    # a meeting of another group through her own group's URL: not found either
    foreign = _group(app, name="Elsewhere")
    foreign_meeting = _meetings(app, foreign)[0]
    assert client.get(f"{base}/{foreign_meeting.id}").status_code == 404
    assert client.get(f"/teach/groups/{wid}/meetings/{meeting.id}/learners/{learner_id}").status_code == 405


@pytest.mark.parametrize("locale", ["so", "ar", "fi"])
def test_the_pages_speak_her_language(app, auth, factory, locale):
    client, uid = auth.staff("deeqa", locale=locale)
    wid = factory.workshop("so", name="Tuesday group", instructor=uid)
    factory.learner(wid, name="Hodan")
    index = client.get(f"/teach/groups/{wid}/meetings").get_data(as_text=True)
    assert "Add a meeting" not in index and "Who came" not in index


def test_a_registers_tab_title_is_plain_text(app, auth, factory):
    """The register's <title> names its date as text: the isolated-date markup (<bdi ...>) showed in
    the browser's tab and history on an Arabic tablet."""
    client, uid = auth.staff("rasha", locale="ar")
    wid = _group(app, instructor=uid, name="Thursday group", language="ar")
    meeting = _meetings(app, wid)[0]
    page = client.get(f"/teach/groups/{wid}/meetings/{meeting.id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "bdi" not in title and "&lt;" not in title and "Thursday group" in title


def test_nobody_is_marked_present_at_a_meeting_on_a_later_day(app, teacher, factory):
    """A mark made ahead would count her as reached before she came: the register of a later day lists
    the names with nothing to tap, and a mark sent anyway (an old page, a script) is refused and said."""
    client, _uid, wid = teacher
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    client.get(f"/teach/groups/{wid}/meetings")  # made from the schedule
    later = next(m for m in _meetings(app, wid) if m.day > clock.today())
    page = f"/teach/groups/{wid}/meetings/{later.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Hodan" in html and 'name="present" value="1"' not in html
    assert "You can mark who came from the day of the meeting." in html
    token = csrf_token(client, f"/teach/groups/{wid}/meetings")
    url = f"{page}/learners/{learner_id}"
    response = client.post(url, data={"csrf_token": token, "present": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    assert "You can mark who came from the day of the meeting." in client.get(page).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "present": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 409 and response.headers["HX-Redirect"].endswith(page)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0
        # a mark made before the meeting was moved to a later day can still be taken away
        attendance.mark(db.session.get(Meeting, later.id), _enrollment(app, learner_id, wid), True, None)
        db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert 'name="present" value="0"' in html
    assert client.post(url, data={"csrf_token": token, "present": "0"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0


def _enrollment(app, learner_id: int, workshop_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Enrollment.id).where(Enrollment.learner_id == learner_id,
                                                                Enrollment.workshop_id == workshop_id))


def test_a_meeting_with_marks_is_not_moved_to_a_later_day(app, teacher, factory):
    """Moving a held meeting ahead would count those marked as reached at a meeting not yet held: refused with
    the reason on the date field, the meeting unchanged; without marks it moves, and with marks it moves
    to another past day."""
    client, _uid, wid = teacher
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    client.get(f"/teach/groups/{wid}/meetings")  # made from the schedule
    held = next(m for m in _meetings(app, wid) if m.day <= clock.today())
    with app.app_context():
        attendance.mark(db.session.get(Meeting, held.id), _enrollment(app, learner_id, wid), True, None)
        db.session.commit()
    edit = f"/teach/groups/{wid}/meetings/{held.id}/edit"
    token = csrf_token(client, edit)
    ahead = (clock.today() + timedelta(days=2)).isoformat()
    refused = client.post(edit, data={"csrf_token": token, "day": ahead, "starts_at": "17:15", "note": "",
                                      "action": "save"})
    assert refused.status_code == 422
    assert "so it cannot be moved to a later day" in refused.get_data(as_text=True)
    after = next(m for m in _meetings(app, wid) if m.id == held.id)
    assert after.day == held.day and after.starts_at == held.starts_at
    earlier = (held.day - timedelta(days=1)).isoformat()
    assert client.post(edit, data={"csrf_token": token, "day": earlier, "starts_at": "17:15", "note": "",
                                   "action": "save"}).status_code == 303
    # her mark taken away, the meeting may go ahead
    client.post(f"/teach/groups/{wid}/meetings/{held.id}/learners/{learner_id}",
                data={"csrf_token": token, "present": "0"})
    assert client.post(edit, data={"csrf_token": token, "day": ahead, "starts_at": "17:15", "note": "",
                                   "action": "save"}).status_code == 303
    assert next(m for m in _meetings(app, wid) if m.id == held.id).day.isoformat() == ahead
