"""The coordinator: instructors' accounts, all groups, the reach report (table, SVG chart, CSV)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import PASSWORD, csrf_token, recorded_queries, staff_client
from workshop.admin.report import bar_chart
from workshop.csvsafe import safe_cell
from workshop.extensions import db
from workshop.models import Enrollment, Progress, Role, Status, User, Workshop, utcnow

PASSWORD_RE = re.compile(r'id="new-password">([^<]+)<')


@pytest.fixture
def liisa(app, factory):
    factory.staff("liisa", role=Role.COORDINATOR)
    return staff_client(app, "liisa")


def create_instructor(liisa, username="hodan", name="Hodan", language="so"):
    return liisa.post("/admin/instructors", data={
        "csrf_token": csrf_token(liisa), "username": username, "display_name": name, "language": language,
    })


def sign_in_staff(app, username, password):
    client = app.test_client()
    response = client.post("/staff/sign-in", data={
        "username": username, "password": password, "csrf_token": csrf_token(client, "/staff/sign-in"),
    })
    return client, response


# --- instructors' accounts -----------------------------------------------------------------------

def test_coordinator_creates_an_instructor_whose_password_is_shown_once(app, liisa):
    response = create_instructor(liisa)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    password = PASSWORD_RE.search(html).group(1)
    assert len(password) >= 14
    assert password not in liisa.get("/admin/instructors").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "hodan"))
        assert user.role == Role.INSTRUCTOR and user.locale == "so" and user.display_name == "Hodan"
        assert password not in user.password_hash
    client, response = sign_in_staff(app, "hodan", password)
    assert response.status_code == 303 and response.headers["Location"].endswith("/teach/")


def test_create_instructor_validates_and_never_500s(app, liisa, factory):
    factory.staff("deeqa")
    for data, message in [
        ({"username": "", "display_name": "X", "language": "so"}, "Please type a username."),
        ({"username": "a b", "display_name": "X", "language": "so"}, "Use only letters"),
        ({"username": "Deeqa", "display_name": "X", "language": "so"}, "This username is taken"),
        ({"username": "newone", "display_name": "", "language": "so"}, "Please type the instructor"),
        ({"username": "newone", "display_name": "X", "language": "xx"}, "Please choose a language from the list."),
        ({"username": "x" * 500, "display_name": "X" * 500, "language": "so"}, "3 to 40"),
    ]:
        response = liisa.post("/admin/instructors", data={"csrf_token": csrf_token(liisa), **data})
        assert response.status_code == 200, data
        assert message in response.get_data(as_text=True), data
    assert liisa.post("/admin/instructors", data={"username": "nocsrf", "display_name": "X"}).status_code == 400


def test_reset_password_shows_a_new_one_once_and_ends_her_sessions(app, liisa, factory):
    uid = factory.staff("deeqa")
    deeqa = staff_client(app, "deeqa")
    assert deeqa.get("/teach/").status_code == 200
    response = liisa.post(f"/admin/instructors/{uid}/password", data={"csrf_token": csrf_token(liisa)})
    password = PASSWORD_RE.search(response.get_data(as_text=True)).group(1)
    assert deeqa.get("/teach/").status_code == 302  # her old session ended
    assert sign_in_staff(app, "deeqa", PASSWORD)[1].status_code == 200  # the old password is refused
    assert sign_in_staff(app, "deeqa", password)[1].status_code == 303


def test_deactivated_instructor_cannot_sign_in_until_reactivated(app, liisa, factory):
    uid = factory.staff("deeqa")
    deeqa = staff_client(app, "deeqa")
    response = liisa.post(f"/admin/instructors/{uid}/active", data={"csrf_token": csrf_token(liisa), "active": "0"})
    assert response.status_code == 303
    assert deeqa.get("/teach/").status_code == 302
    client, response = sign_in_staff(app, "deeqa", PASSWORD)
    assert response.status_code == 200 and "not right" in response.get_data(as_text=True)
    assert "deactivated" in liisa.get(f"/admin/instructors/{uid}").get_data(as_text=True)
    liisa.post(f"/admin/instructors/{uid}/active", data={"csrf_token": csrf_token(liisa), "active": "1"})
    assert sign_in_staff(app, "deeqa", PASSWORD)[1].status_code == 303


def test_account_actions_only_touch_instructors(app, liisa, factory):
    with app.app_context():
        liisa_id = db.session.scalar(db.select(User.id).where(User.username == "liisa"))
    learner, _code, _ = factory.learner(factory.workshop())
    for target in (liisa_id, learner, 9999):
        assert liisa.post(f"/admin/instructors/{target}/active", data={"csrf_token": csrf_token(liisa), "active": "0"}).status_code == 404
        assert liisa.post(f"/admin/instructors/{target}/password", data={"csrf_token": csrf_token(liisa)}).status_code == 404
        assert liisa.get(f"/admin/instructors/{target}").status_code == 404
    uid = factory.staff("deeqa")
    assert liisa.post(f"/admin/instructors/{uid}/active", data={"csrf_token": csrf_token(liisa), "active": "maybe"}).status_code == 400


# --- groups ----------------------------------------------------------------------------------

def test_all_groups_with_instructors_and_sizes_and_assigning_instructors(app, liisa, factory):
    deeqa, rasha = factory.staff("deeqa"), factory.staff("rasha")
    somali = factory.workshop("so", name="Somali group", instructor=deeqa)
    arabic = factory.workshop("ar", name="Arabic group")
    for n in range(3):
        factory.learner(somali, name=f"S{n}")
    html = liisa.get("/admin/").get_data(as_text=True)
    assert "Somali group" in html and "Arabic group" in html and "Deeqa" in html and "No instructor" in html
    assert re.search(r'<td class="num">3</td>', html)
    response = liisa.post(f"/admin/groups/{arabic}", data={"csrf_token": csrf_token(liisa), "instructors": [str(rasha), str(deeqa)]})
    assert response.status_code == 303
    with app.app_context():
        assert {u.username for u in db.session.get(Workshop, arabic).instructors} == {"deeqa", "rasha"}
    rasha_client = staff_client(app, "rasha")
    assert rasha_client.get(f"/teach/groups/{arabic}").status_code == 200
    assert rasha_client.get(f"/teach/groups/{somali}").status_code == 404
    # a learner or an unknown id is not an instructor
    learner, _c, _t = factory.learner(somali)
    assert liisa.post(f"/admin/groups/{arabic}", data={"csrf_token": csrf_token(liisa), "instructors": [str(learner)]}).status_code == 400
    assert liisa.post(f"/admin/groups/{arabic}", data={"csrf_token": csrf_token(liisa), "instructors": ["99999"]}).status_code == 400
    assert liisa.get("/admin/groups/99999").status_code == 404
    # removing every instructor is allowed
    liisa.post(f"/admin/groups/{arabic}", data={"csrf_token": csrf_token(liisa)})
    with app.app_context():
        assert db.session.get(Workshop, arabic).instructors == []


# --- the reach report ---------------------------------------------------------------------------

def _world(app, factory, groups: int, learners_each: int = 2):
    with app.app_context():
        today = utcnow().date()
    ids = []
    for n in range(groups):
        w = factory.workshop("so" if n % 2 == 0 else "ar", name=f"G{n}")
        for m in range(learners_each):
            uid, _c, _t = factory.learner(w, name=f"L{n}-{m}")
            ids.append((w, uid))
    with app.app_context():
        for w, uid in ids[::2]:
            enrollment = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == uid))
            db.session.add(Progress(enrollment_id=enrollment.id, course="start", lesson="01-welcome",
                                    status=Status.DONE, completed_at=utcnow()))
        db.session.commit()
    return today


def test_report_counts_learners_and_lessons(app, liisa, factory):
    _world(app, factory, groups=3, learners_each=2)
    # one learner in two Somali groups counts once in the language total
    with app.app_context():
        first_two = db.session.scalars(db.select(Workshop.id).order_by(Workshop.id)).all()
    uid, _c, _t = factory.learner(first_two[0], name="Twice")
    with app.app_context():
        db.session.add(Enrollment(workshop_id=first_two[2], learner_id=uid))
        db.session.commit()
    liisa.set_cookie("askel_lang", "en")
    html = liisa.get("/admin/report").get_data(as_text=True)
    assert "7 learners reached." in html
    assert 'role="img"' in html and "<title id=\"chart-languages-title\">" in html
    assert "Somali: 5" in html and "Arabic: 2" in html  # the chart's text description
    assert re.search(r"<th scope=\"row\">Getting started</th><td class=\"num\">3</td>", html) or "start" in html


def test_report_period_filter(app, liisa, factory):
    with app.app_context():
        today = utcnow().date()
    factory.workshop("so", name="Now")
    with app.app_context():
        old = Workshop(name="Old", language="ar", location="Vuosaari", weekday=2, start_time=__import__("datetime").time(10),
                       starts_on=date(2020, 1, 1), ends_on=date(2020, 5, 31))
        db.session.add(old)
        db.session.commit()
        old_id = old.id
    factory.learner(old_id, name="Old learner")
    html = liisa.get("/admin/report?start=2020-01-01&end=2020-12-31").get_data(as_text=True)
    assert "Vuosaari" in html and "Itäkeskus" not in html and "1 learner reached." in html
    html = liisa.get(f"/admin/report?start={today.isoformat()}").get_data(as_text=True)
    assert "Vuosaari" not in html and "Itäkeskus" in html


@pytest.mark.parametrize("query", ["start=yesterday", "start=2024-13-45", "start=2025-05-01&end=2025-01-01", "end=" + "9" * 300])
def test_report_bad_dates_are_explained_not_500(liisa, query):
    response = liisa.get(f"/admin/report?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Those dates did not work" in html
    assert liisa.get(f"/admin/report/learners.csv?{query}").status_code == 200


@pytest.mark.parametrize("locale", ["so", "ar", "fi"])
def test_both_reports_say_what_is_wrong_with_the_period_in_her_language(app, auth, locale):
    """The reach and outcomes reports read their period the same way: the same messages, hers."""
    client, _uid = auth.staff("mirja", role=Role.COORDINATOR, locale=locale)
    with app.test_request_context(), force_locale(locale):
        expected = [gettext("Please give a date."), gettext("The end of the period is before its start."),
                    gettext("Those dates did not work. Showing every period.")]
    for page in ("/admin/report", "/admin/outcomes"):
        not_a_date = client.get(f"{page}?start=yesterday").get_data(as_text=True)
        backwards = client.get(f"{page}?start=2025-05-01&end=2025-01-01").get_data(as_text=True)
        assert expected[0] in not_a_date and "Not a valid date" not in not_a_date, page
        assert expected[1] in backwards, page
        assert expected[2] in not_a_date and expected[2] in backwards, page


def test_csv_is_utf8_with_bom_and_formula_safe(app, liisa, factory):
    deeqa = factory.staff("deeqa")
    with app.app_context():
        w = Workshop(name="=HYPERLINK(\"x\")", language="so", location="=cmd|' /C calc'!A0", weekday=1,
                     start_time=__import__("datetime").time(10), starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 1))
        db.session.add(w)
        db.session.commit()
        wid = w.id
    factory.learner(wid, name="Ähtäri")
    response = liisa.get("/admin/report/learners.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Language"
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    assert rows[1][:2] == ["Somali", "so"] and rows[1][-1] == "1"
    lessons = list(csv.reader(io.StringIO(liisa.get("/admin/report/lessons.csv").get_data().decode("utf-8-sig"))))
    assert lessons[0][0] == "Course" and len(lessons) > 1
    assert liisa.get("/admin/report/other.csv").status_code == 404


def test_safe_cell():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+358") == "'+358"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("Itäkeskus") == "Itäkeskus"
    assert safe_cell(5) == 5


def test_bar_chart_geometry_mirrors_in_arabic():
    ltr = bar_chart([("a", 10), ("b", 5), ("c", 0)])
    rtl = bar_chart([("a", 10), ("b", 5), ("c", 0)], rtl=True)
    assert ltr["bars"][0]["bar_w"] == 2 * ltr["bars"][1]["bar_w"] and ltr["bars"][2]["bar_w"] == 0
    assert ltr["bars"][0]["bar_x"] < ltr["bars"][0]["label_x"] + 20
    assert rtl["bars"][0]["bar_x"] + rtl["bars"][0]["bar_w"] < rtl["bars"][0]["label_x"]
    assert bar_chart([])["bars"] == []


# --- query counts do not grow with the number of groups -------------------------------------------

count_queries = recorded_queries


@pytest.mark.parametrize("path", ["/admin/", "/admin/instructors", "/admin/report", "/admin/report/learners.csv",
                                  "/admin/report/lessons.csv"])
def test_query_count_does_not_grow_with_groups(app, liisa, factory, path):
    def measure() -> int:
        liisa.get(path)  # warm up: the first request may load things once
        with count_queries(app) as seen:
            assert liisa.get(path).status_code == 200
        return len(seen)

    instructor = factory.staff("deeqa")
    _world(app, factory, groups=2)
    few = measure()
    for n in range(8):
        factory.workshop("so", name=f"More {n}", instructor=instructor)
    _world(app, factory, groups=6)
    assert measure() == few


def test_report_csv_keeps_a_semicolon_cell_whole(app, liisa, factory):
    """The reach report uses the same guard: a place name with `;` is one quoted cell, never a formula."""
    with app.app_context():
        w = Workshop(name="Kontula", language="so", location="Kontula;=HYPERLINK(\"x\")", weekday=1,
                     start_time=__import__("datetime").time(10), starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 1))
        db.session.add(w)
        db.session.commit()
        wid = w.id
    factory.learner(wid, name="Ähtäri")
    text = liisa.get("/admin/report/learners.csv").get_data().decode("utf-8-sig")
    assert "\"Kontula;'=HYPERLINK(\"\"x\"\")\"" in text
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


# --- rows loaded do not grow with the number of groups either ------------------------------------

def _groups(app, count: int, instructor: int, start: int = 0) -> None:
    """`count` more groups of two learners each, one lesson done in each group (no codes: fast)."""
    from datetime import time as clock

    with app.app_context():
        today = utcnow().date()
        teacher = db.session.get(User, instructor)
        for n in range(start, start + count):
            w = Workshop(name=f"City {n:03d}", language="so", location="Itäkeskus", weekday=1, start_time=clock(10),
                         starts_on=today, ends_on=today + timedelta(days=90), instructors=[teacher])
            for m in range(2):
                e = Enrollment(workshop=w, learner=User(role=Role.LEARNER, display_name=f"L{n}-{m}"))
                db.session.add(e)
                if m == 0:
                    db.session.add(Progress(enrollment=e, course="start", lesson="01-welcome", status=Status.DONE,
                                            completed_at=utcnow()))
        db.session.commit()


@pytest.mark.parametrize("path", ["/teach/", "/admin/"])
def test_group_lists_load_the_same_rows_for_3_and_60_groups(app, liisa, factory, monkeypatch, path):
    """The coordinator's lists of every group count in SQL and show a page at a time: the number of
    statements and of rows the database hands back stay the same for 3 groups and for 60."""
    from tests.conftest import rows_fetched
    from workshop.web import Pager

    monkeypatch.setattr(Pager, "SIZE", 2)  # so that 3 groups already fill more than a page

    def measure() -> tuple[int, int]:
        liisa.get(path)
        with count_queries(app) as seen, rows_fetched(app) as rows:
            response = liisa.get(path)
            assert response.status_code == 200
        assert "City 000" in response.get_data(as_text=True)
        return len(seen), rows[0]

    deeqa = factory.staff("deeqa")
    _groups(app, 3, deeqa)
    few = measure()
    _groups(app, 57, deeqa, start=3)
    assert measure() == few
    page = liisa.get(path + "?page=2").get_data(as_text=True)
    assert "City 002" in page and "City 000" not in page and "Page 2 of 30" in page
    assert liisa.get(path + "?page=x").status_code == 200 and liisa.get(path + "?page=999").status_code == 200


# --- the reach report reads a summary kept as lessons are completed ------------------------------

def _summary(app) -> list[tuple]:
    from workshop.admin.summary import ReachDaily

    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            db.select(ReachDaily.workshop_id, ReachDaily.course, ReachDaily.day, ReachDaily.completed,
                      ReachDaily.learners_first).order_by(ReachDaily.workshop_id, ReachDaily.course, ReachDaily.day))]


def _complete(app, learner_ids: list[int], lessons: list[str], course: str = "start") -> None:
    with app.app_context():
        for uid in learner_ids:
            for e in db.session.scalars(db.select(Enrollment).where(Enrollment.learner_id == uid)):
                for lesson in lessons:
                    db.session.add(Progress(enrollment_id=e.id, course=course, lesson=lesson, status=Status.DONE,
                                            completed_at=utcnow()))
                db.session.commit()


def test_reach_summary_follows_completions_and_equals_a_rebuild(app, liisa, factory, client):
    """A lesson done adds to its group's row for the day in the same transaction, through the
    player too; the summary equals one made again from the progress rows."""
    from tests.conftest import sign_in
    from workshop.admin import summary

    somali, arabic = factory.workshop("so", name="S"), factory.workshop("ar", name="A")
    a, code_a, _ = factory.learner(somali, name="A1")
    b, _c, _ = factory.learner(somali, name="A2")
    factory.learner(arabic, name="B1")
    with app.app_context():  # one learner in both groups: reached once per course
        db.session.add(Enrollment(workshop_id=arabic, learner_id=b))
        db.session.commit()
    _complete(app, [b], ["01-welcome"])
    assert [(w, c, n, f) for w, c, _d, n, f in _summary(app)] == [(somali, "start", 1, 1), (arabic, "start", 1, 0)]
    # through the player: the last step of a lesson done
    sign_in(client, code_a)
    lesson = app.extensions["askel_catalogue"].lesson("start", "02-steps")
    for step in lesson.steps:
        html = client.get(f"/learn/start/02-steps/steps/{step.id}").get_data(as_text=True)
        data = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1),
                "key": re.search(r'name="key" value="([^"]+)"', html).group(1)}
        if step.type == "choose":
            data["answer"] = next(o.id for o in step.options if o.correct)
        assert client.post(f"/learn/start/02-steps/steps/{step.id}", data=data).status_code == 303
    incremental = _summary(app)
    assert [(w, c, n, f) for w, c, _d, n, f in incremental] == [(somali, "start", 2, 2), (arabic, "start", 1, 0)]
    with app.app_context():
        summary.rebuild()
        db.session.commit()
    assert _summary(app) == incremental
    liisa.set_cookie("askel_lang", "en")
    rows = list(csv.reader(io.StringIO(liisa.get("/admin/report/lessons.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert ["Getting started", "start", "3", "2"] in rows


def test_reach_days_are_helsinki_days(app, factory):
    """A lesson done at 00:30 in Helsinki (22:30 UTC the evening before, in winter) counts on the
    Helsinki day, the one the coordinator filters by, both as it happens and in a rebuild."""
    from datetime import datetime

    from workshop.admin import summary

    group = factory.workshop("so", name="S")
    learner, _c, _t = factory.learner(group, name="A1")
    with app.app_context():
        e = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == learner))
        db.session.add(Progress(enrollment_id=e.id, course="start", lesson="01-welcome", status=Status.DONE,
                                completed_at=datetime(2026, 1, 5, 22, 30)))
        db.session.commit()
    assert [d for _w, _c, d, _n, _f in _summary(app)] == [date(2026, 1, 6)]
    with app.app_context():
        summary.rebuild()
        db.session.commit()
    assert [d for _w, _c, d, _n, _f in _summary(app)] == [date(2026, 1, 6)]


@pytest.mark.parametrize("path", ["/admin/report", "/admin/report/lessons.csv"])
def test_report_reads_the_summary_not_every_progress_row(app, liisa, factory, path):
    """The report's statements never read progress rows or step events, and the rows they fetch
    stay the same when the groups' learners complete many more lessons."""
    from tests.conftest import rows_fetched

    learners = [factory.learner(factory.workshop("so", name=f"G{n}"), name=f"L{n}")[0] for n in range(3)]
    _complete(app, learners, ["01-welcome"])

    def measure() -> int:
        liisa.get(path)
        with count_queries(app) as seen, rows_fetched(app) as rows:
            assert liisa.get(path).status_code == 200
        assert not [s for s in seen if re.search(r"\b(progress|step_events)\b", s)], seen
        return rows[0]

    few = measure()
    _complete(app, learners, ["02-steps", "03-help"])
    assert measure() == few
