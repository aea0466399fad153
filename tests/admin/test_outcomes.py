"""The outcomes report (issue 18, item 4) and the retention period of counselling data (item 5).

The shares are checked against values computed by hand from the fixed data below (`FIXED`); the
retention job is checked to remove exactly the counselling data of the groups past the period and
to leave the report's figures as they were; the report's statements stay the same for 10
participants and for 1,000.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.admin.helpers import outcome_world
from tests.conftest import recorded_queries, rows_fetched, staff_client
from workshop.admin import outcomes, retention
from workshop.attendance import Attendance
from workshop.counsel.models import Consent, CounselSession, Plan, View
from workshop.extensions import db
from workshop.models import InstructorNote, Role

P1 = (date(2025, 2, 3), date(2025, 6, 13))  # a past period
P2 = (date(2025, 9, 1), date(2026, 1, 30))  # the next one

# (person, meetings she came to out of 6, direction of her plan or None, follow-up result or None)
FIXED = [
    {"name": "A", "language": "so", "location": "Itäkeskus library", "starts": P1[0], "ends": P1[1], "learners": [
        ("a1", 5, "finnish_course", "reached"),
        ("a2", 4, "finnish_course", None),
        ("a3", 3, "vocational", "in_progress"),
        ("a4", 3, "home_care", "reached"),
        ("a5", 6, "work", "not_reached"),  # not reached at follow-up: counted there, not as working life
        ("a6", 3, None, None),  # a participant without a plan
        ("a7", 1, "basic_education", None),  # came once: a visitor, not in the shares
        ("a8", 0, None, None),  # came to none: not counted at all
    ]},
    {"name": "B", "language": "ar", "location": "Vuosaari house of culture", "starts": P1[0], "ends": P1[1],
     "learners": [
        ("b1", 4, "finnish_course", "reached"),
        ("b2", 4, "finnish_course", "changed"),
        ("b3", 3, "basic_education", "in_progress"),
        ("b4", 5, "work", "reached"),
        ("b5", 3, "parental_leave", None),
        ("b6", 2, "other_training", None),  # a visitor
        ("b7", 3, "other", None),  # also in C, where she came more often: counted once, there
     ]},
    {"name": "C", "language": "ar", "location": "Itäkeskus library", "starts": P1[0], "ends": P1[1], "learners": [
        ("b7", 5, "vocational", "reached"),
        ("c1", 3, "other_training", "reached"),
        ("c2", 2, None, None),  # a visitor
    ]},
    {"name": "D", "language": "so", "location": "Itäkeskus library", "starts": P2[0], "ends": P2[1], "learners": [
        ("a1", 3, "work", None),  # a1 again, in the next period: she counts in each period
    ]},
]

# Computed by hand from FIXED for the first period (shares: count / participants, half rounded up).
#                 participants fin voc basic other_tr work home parental other not_r no_plan guided checked visitors
HAND_P1 = {
    ("so",): dict(participants=6, finnish_course=2, vocational=1, basic_education=0, other_training=0, work=0,
                  home_care=1, parental_leave=0, other=0, not_reached=1, no_plan=1, guided=3, checked=4, visitors=1),
    ("ar",): dict(participants=7, finnish_course=2, vocational=1, basic_education=1, other_training=1, work=1,
                  home_care=0, parental_leave=1, other=0, not_reached=0, no_plan=0, guided=6, checked=6, visitors=2),
    (): dict(participants=13, finnish_course=4, vocational=2, basic_education=1, other_training=1, work=1,
             home_care=1, parental_leave=1, other=0, not_reached=1, no_plan=1, guided=9, checked=10, visitors=3),
}
HAND_P1_SHARES = {
    ("so",): dict(participants=100, finnish_course=33, vocational=17, home_care=17, not_reached=17, no_plan=17,
                  guided=50, checked=67, work=0),
    ("ar",): dict(participants=100, finnish_course=29, vocational=14, basic_education=14, other_training=14,
                  work=14, parental_leave=14, guided=86, checked=86, not_reached=0),
    (): dict(participants=100, finnish_course=31, vocational=15, basic_education=8, not_reached=8, no_plan=8,
             guided=69, checked=77),
}


@pytest.fixture
def liisa(app, factory):
    factory.staff("liisa", role=Role.COORDINATOR)
    client = staff_client(app, "liisa")
    client.set_cookie("askel_lang", "en")
    return client


def _csv(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/admin/outcomes.csv{query}")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _by_scope(rows: list[list[str]]) -> dict[tuple, dict[str, tuple[int, int, str]]]:
    """{(language code,) or (): {category code: (count, participants, share)}} from the CSV's sums."""
    header, *body = rows
    got: dict[tuple, dict] = {}
    for scope, _name, code, location, _s, _e, _label, key, count, people, whole in body:
        if location:
            continue
        got.setdefault((code,) if code else (), {})[key] = (int(float(count)), int(float(people)), whole)
    return got


def test_share_is_a_whole_per_cent_half_rounded_up():
    assert outcomes.share(1, 8) == 13 and outcomes.share(3, 8) == 38 and outcomes.share(1, 3) == 33
    assert outcomes.share(2, 3) == 67 and outcomes.share(0, 5) == 0 and outcomes.share(5, 5) == 100
    assert outcomes.share(0, 0) is None


def test_counts_and_shares_equal_the_hand_computed_values(app, liisa):
    outcome_world(app, FIXED)
    with app.app_context():
        figures = outcomes.figures(date(2025, 1, 1), date(2025, 6, 30))
        rows = {(r.language,): r for r in figures.languages} | {(): figures.total}
        for scope, hand in HAND_P1.items():
            assert {key: rows[scope].count(key) for key in hand} == hand, scope
            shares = HAND_P1_SHARES[scope]
            assert {key: rows[scope].share(key) for key in shares} == shares, scope
        # the categories add up to the participants, on every line
        for row in [*figures.rows, *figures.languages, figures.total]:
            assert sum(row.count(k) for k in outcomes.EXCLUSIVE) == row.participants
        # per location and period: b7 counts once, in C (more meetings), not in B
        by_place = {r.location + r.language: r for r in figures.rows}
        assert by_place["Vuosaari house of culture" + "ar"].participants == 5
        assert by_place["Vuosaari house of culture" + "ar"].count("other") == 0
        assert by_place["Itäkeskus library" + "ar"].count("vocational") == 1
    # the CSV says the same
    got = _by_scope(_csv(liisa, "?start=2025-01-01&end=2025-06-30"))
    for scope, hand in HAND_P1.items():
        for key, n in hand.items():
            count, people, whole = got[scope][key]
            assert (count, people) == (n, hand["participants"]), (scope, key)
            if key != "visitors":
                assert whole == str(HAND_P1_SHARES[scope].get(key, outcomes.share(n, people))), (scope, key)
            else:
                assert whole == ""


def test_a_participant_counts_in_each_period(app, liisa):
    outcome_world(app, FIXED)
    with app.app_context():
        assert outcomes.figures().total.participants == 14  # a1 in both periods
        second = outcomes.figures(date(2025, 9, 1), None)
        assert second.total.participants == 1 and second.total.count("work") == 1 and second.total.count("checked") == 0


def test_the_page_shows_the_figures_chart_table_and_definitions(app, liisa):
    outcome_world(app, FIXED)
    response = liisa.get("/admin/outcomes?start=2025-01-01&end=2025-06-30")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "13 participants reached." in html and "69%" in html
    # the chart: an image with a title and a description that says every value
    svg = re.search(r"<svg class=\"chart chart-outcomes\".*?</svg>", html, re.S).group(0)
    assert "\u2068Arabic\u2069: \u206629% (2)\u2069" in svg  # each part isolated: the order holds in Arabic
    svg = re.sub("[\u2066-\u2069]", "", svg)
    assert 'role="img"' in svg and "<title id=\"chart-outcomes-title\">" in svg
    assert "Directed to Finnish language training: Arabic: 29% (2), Somali: 33% (2)" in svg
    assert "Not reached at follow-up: Arabic: 0% (0), Somali: 17% (1)" in svg
    # the table beside it, and the definitions under it
    assert "<caption>Participants and the directions of their follow-up plans, per language group" in html
    assert "A learner who came to at least 3 meetings of her group." in html
    assert "removed 24 months after a group's last day" in html
    assert "3 visitors came to fewer meetings and are not counted in these figures." in html
    for key, label in outcomes.LABELS.items():
        assert key == "visitors" or str(label) in html  # visitors: in the sentence above and the CSV


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_the_report_in_every_language(app, liisa, locale):
    outcome_world(app, FIXED)
    liisa.set_cookie("askel_lang", locale)
    html = liisa.get("/admin/outcomes").get_data(as_text=True)
    assert f'lang="{locale}"' in html
    assert ('direction="rtl"' in html) == (locale == "ar")


def test_an_empty_report_and_bad_dates_are_explained(app, liisa):
    html = liisa.get("/admin/outcomes").get_data(as_text=True)
    assert "No participants in this period yet." in html and "0 participants reached." in html
    for query in ("start=yesterday", "start=2025-05-01&end=2025-01-01", "end=" + "9" * 300):
        response = liisa.get(f"/admin/outcomes?{query}")
        assert response.status_code == 200 and "Those dates did not work" in response.get_data(as_text=True)
        assert liisa.get(f"/admin/outcomes.csv?{query}").status_code == 200


def test_only_the_coordinator_sees_it(app, factory, liisa):
    outcome_world(app, FIXED)
    factory.staff("deeqa")
    deeqa = staff_client(app, "deeqa")
    assert deeqa.get("/admin/outcomes").status_code == 403
    assert deeqa.get("/admin/outcomes.csv").status_code == 403
    assert app.test_client().get("/admin/outcomes").status_code == 302  # to the sign-in


def test_csv_is_formula_safe(app, liisa):
    world = [dict(FIXED[0], location="=HYPERLINK(\"x\");+1")]
    outcome_world(app, world)
    rows = _csv(liisa)
    assert rows[0][:3] == ["Scope", "Language", "Language code"]
    assert any(row[3] == "'=HYPERLINK(\"x\");'+1" for row in rows[1:])


# --- the report's statements do not grow with the participants --------------------------------------

def _many(count: int) -> list[dict]:
    """`count` participants in one group, spread over every category the same way whatever the count."""
    directions = ["finnish_course", "vocational", "basic_education", "work", "home_care", None, "other"]
    learners = [(f"p{n:04d}", 3 + n % 3, directions[n % 7], ["reached", None, "not_reached"][n % 3])
                for n in range(count)]
    learners += [(f"v{n:04d}", 1, None, None) for n in range(2)]
    return [{"name": "Many", "language": "so", "location": "Itäkeskus library", "starts": P1[0], "ends": P1[1],
             "learners": learners}]


@pytest.mark.parametrize("path", ["/admin/outcomes", "/admin/outcomes.csv"])
def test_statements_and_rows_are_the_same_for_10_and_1000_participants(app, liisa, path):
    def measure() -> tuple[int, int]:
        liisa.get(path)
        with recorded_queries(app) as seen, rows_fetched(app) as rows:
            assert liisa.get(path).status_code == 200
        return len(seen), rows[0]

    outcome_world(app, _many(10))
    few = measure()
    with app.app_context():
        db.session.execute(sa.delete(Attendance))
        db.session.execute(sa.text("DELETE FROM enrollments"))
        db.session.execute(sa.text("DELETE FROM workshops"))
        db.session.execute(sa.text("DELETE FROM users WHERE role = 'learner'"))
        db.session.commit()
    outcome_world(app, _many(1000))
    with app.app_context():
        assert outcomes.figures().total.participants == 1000
    assert measure() == few


# --- the retention period ---------------------------------------------------------------------------

def _counsel_data(app, world) -> None:
    """A session with a note, an instructor's note and a logged view for every enrolment; a consent per person."""
    with app.app_context():
        coordinator = db.session.scalar(sa.select(db.metadata.tables["users"].c.id).where(
            db.metadata.tables["users"].c.username == "liisa"))
        for (group, _person), enrollment in world["enrollments"].items():
            learner = db.session.scalar(sa.text("SELECT learner_id FROM enrollments WHERE id = :e"), {"e": enrollment})
            db.session.add(CounselSession(enrollment_id=enrollment, held_on=date(2025, 3, 3), kind="personal",
                                          note="Private: her health and money matters"))
            db.session.add(InstructorNote(enrollment_id=enrollment, text="Private note"))
            db.session.add(View(viewer_id=coordinator, learner_id=learner, workshop_id=world["groups"][group],
                                what="plan"))
        for person in world["people"].values():
            db.session.add(Consent(learner_id=person, recorded_by_id=coordinator))
        db.session.commit()


def _left(app) -> dict[str, set]:
    with app.app_context():
        return {
            "plans": set(db.session.scalars(sa.select(Plan.enrollment_id))),
            "sessions": set(db.session.scalars(sa.select(CounselSession.enrollment_id))),
            "notes": set(db.session.scalars(sa.select(InstructorNote.enrollment_id))),
            "views": set(db.session.scalars(sa.select(View.workshop_id))),
            "attendance": set(db.session.scalars(sa.select(Attendance.enrollment_id))),
            "consents": set(db.session.scalars(sa.select(Consent.learner_id))),
        }


def test_months_before():
    assert retention.months_before(date(2027, 7, 1), 24) == date(2025, 7, 1)
    assert retention.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert retention.months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert retention.months_before(date(2026, 12, 31), 10) == date(2026, 2, 28)


def test_retention_removes_exactly_the_expired_counselling_data_and_the_figures_stay(app, liisa, frozen_clock):
    # E ended a day after the cut-off: it stays; A, B and C ended before it; D is the next period
    edge = [{"name": "E", "language": "so", "location": "Kontula", "starts": date(2025, 2, 2),
             "ends": date(2025, 7, 2), "learners": [("e1", 4, "vocational", "reached")]}]
    world = outcome_world(app, FIXED + edge)
    _counsel_data(app, world)
    expired = {e for (g, _p), e in world["enrollments"].items() if g in "ABC"}
    kept = {e for (g, _p), e in world["enrollments"].items() if g in "DE"}
    before = _left(app)
    assert before["plans"] & expired and before["sessions"] == expired | kept
    page = liisa.get("/admin/outcomes").get_data(as_text=True)
    table = _csv(liisa)
    period = _csv(liisa, "?start=2025-01-01&end=2025-06-30")

    frozen_clock(datetime(2027, 7, 1, 9, 0))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["counsel", "retention", "--dry-run"])
    assert dry.exit_code == 0 and "3 groups ended on or before 2025-07-01" in dry.output and "would remove" in dry.output
    assert _left(app) == before
    result = runner.invoke(args=["counsel", "retention"])
    assert result.exit_code == 0, result.output
    plans_expired = len(before["plans"] & expired)
    assert f"removed {plans_expired} plans, {len(expired)} sessions, {len(expired)} notes, {len(expired)} view log entries" in result.output

    after = _left(app)
    assert after["plans"] == before["plans"] & kept
    assert after["sessions"] == after["notes"] == kept
    assert after["views"] == {world["groups"]["D"], world["groups"]["E"]}
    assert after["attendance"] == before["attendance"] and after["consents"] == before["consents"]
    # the report reads the kept counts: the same figures, to the last cell
    assert _csv(liisa) == table and _csv(liisa, "?start=2025-01-01&end=2025-06-30") == period
    html = liisa.get("/admin/outcomes").get_data(as_text=True)
    def main(text: str) -> str:  # the report itself, without the note that counts were kept
        text = re.search(r"<main.*?</main>", text, re.S).group(0)
        return re.sub(r"<p class=\"outcome-kept\">.*?</p>", "", text, flags=re.S)

    assert main(html) == main(page)
    assert "their anonymous counts are shown" in html
    with app.app_context():
        kept_rows = db.session.scalars(sa.select(outcomes.OutcomeCount)).all()
        assert {r.location for r in kept_rows} == {"Itäkeskus library", "Vuosaari house of culture"}
        assert not any(hasattr(r, "learner_id") or hasattr(r, "workshop_id") for r in kept_rows)
    # a second run finds nothing new
    again = runner.invoke(args=["counsel", "retention"])
    assert "0 groups" in again.output and _left(app) == after and _csv(liisa) == table


def test_retention_months_come_from_the_settings(app, frozen_clock):
    world = outcome_world(app, FIXED)
    frozen_clock(datetime(2026, 7, 1, 9, 0))
    app.config["COUNSEL_RETENTION_MONTHS"] = 12
    try:
        result = app.test_cli_runner().invoke(args=["counsel", "retention"])
    finally:
        app.config["COUNSEL_RETENTION_MONTHS"] = 24
    assert "3 groups ended on or before 2025-07-01 (12 months)" in result.output
    assert _left(app)["plans"] == {world["enrollments"][("D", "a1")]}


# --- the demo data ------------------------------------------------------------------------------------

def test_demo_data_gives_real_looking_figures_for_two_past_periods_and_the_current_one(app, frozen_clock):
    from workshop.cli import PAST_PERIODS, create_demo_data

    frozen_clock(datetime(2026, 12, 1, 9, 0))
    with app.app_context():
        create_demo_data(password_factory=lambda: "x" * 12)
        figures = outcomes.figures()
        periods = sorted({row.starts_on for row in figures.rows})
        assert periods[:2] == [start for _name, start, _end in PAST_PERIODS] and len(periods) == 3
        for row in figures.rows:
            past = row.ends_on < date(2026, 12, 1)
            # (the current groups have met three or four times: who is a participant yet is chance)
            assert row.participants >= 3 if past else row.participants + row.count("visitors") >= 3, row
            # in the past periods every plan was followed up; in the current one none yet
            assert row.count("checked") == (row.participants - row.count("no_plan") if past else 0), row
        for language in figures.languages:
            assert 20 <= language.share("guided") <= 85 and language.count("not_reached") > 0
            assert sum(language.count(k) > 0 for k in outcomes.EXCLUSIVE) >= 6  # a real spread of directions
        # not the programme's own figures copied in
        arabic = {r.language: r for r in figures.languages}["ar"]
        assert (arabic.share("finnish_course"), figures.total.share("guided")) != (42, 57)
        due = db.session.scalar(sa.select(sa.func.count()).select_from(Plan).where(
            Plan.result.is_(None), Plan.check_on < date(2026, 12, 1)))
        assert due == 4  # two in each current group: the class view shows their follow-up is due
        before = [(r.language, r.location, r.starts_on, dict(r.counts)) for r in figures.rows]
        # years later, the retention job folds the past periods: the report stays the same
        retention.run(date(2028, 1, 1), 24)
        after = [(r.language, r.location, r.starts_on, dict(r.counts)) for r in outcomes.figures().rows]
        assert after == before
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) > 0  # the current ones stay


def test_chart_geometry_is_on_a_0_to_100_scale_and_mirrors_in_arabic():
    groups = [("A label long enough to be wrapped onto a second line, never cut off", [("so", 25, "so: 25% (1)"),
                                                                                     ("ar", 80, "ar: 80% (4)")]),
              ("Short", [("so", 0, "so: 0% (0)"), ("ar", None, "ar: no participants")])]
    ltr, rtl = outcomes.share_chart(groups), outcomes.share_chart(groups, rtl=True)
    first = ltr["items"][0]
    assert len(first["lines"]) == 2 and " ".join(line["text"] for line in first["lines"]) == groups[0][0]
    quarter, most = first["bars"]
    assert quarter["w"] * 4 == ltr["width"] and most["w"] == ltr["width"] * 4 // 5
    assert not quarter["inside"] and quarter["value_x"] > quarter["w"]  # its text after the bar
    assert most["inside"] and most["value_x"] < most["w"]  # a long bar holds its text
    assert [b["w"] for b in ltr["items"][1]["bars"]] == [0, 0]
    mirrored = rtl["items"][0]["bars"]
    assert [b["x"] + b["w"] for b in mirrored] == [rtl["width"]] * 2  # bars grow from the right
    assert mirrored[0]["value_x"] < mirrored[0]["x"] and mirrored[1]["value_x"] > mirrored[1]["x"]
    assert "so: 25% (1), ar: 80% (4)" in ltr["summary"]
