"""Two tabs of one learner press at the same moment, 50 times: nothing lost, nothing doubled, no 5xx.

Each round starts a fresh lesson, so the first answers also race to create its progress row. Both
requests wait at a barrier and are sent together. Runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (CI runs both).
"""
from __future__ import annotations

import threading

from tests.conftest import csrf_token, sign_in, staff_client
from bench.client import CSRF, KEY
from workshop import attendance
from workshop.extensions import db
from workshop.learn import progress as prog
from workshop.models import Enrollment, Progress, StepEvent, Workshop

ROUNDS = 50
LESSON = "/learn/start/01-welcome/steps/"


def together(*calls):
    """Run the calls in threads that start at the same moment; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(n, call):
        barrier.wait()
        try:
            results[n] = call()
        except Exception as exc:  # noqa: BLE001  (a crash is a result the test must see)
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _tabs(app, factory, n=2):
    workshop = factory.workshop("so")
    uid, code, _token = factory.learner(workshop, locale="en")
    tabs = []
    for _ in range(n):
        tab = app.test_client()
        assert sign_in(tab, code).status_code == 303
        tabs.append(tab)
    return uid, tabs


def _form(tab, step_id: str) -> dict:
    html = tab.get(LESSON + step_id).get_data(as_text=True)
    return {"csrf_token": CSRF.search(html).group(1), "key": KEY.search(html).group(1)}


def _fresh_lesson(app, uid: int) -> None:
    with app.app_context():
        db.session.execute(db.delete(StepEvent).where(StepEvent.learner_id == uid))
        enrollments = db.select(Enrollment.id).where(Enrollment.learner_id == uid).scalar_subquery()
        db.session.execute(db.delete(Progress).where(Progress.enrollment_id.in_(enrollments)))
        db.session.commit()


def _state(app, uid: int):
    with app.app_context():
        events = db.session.scalars(db.select(StepEvent.step).where(StepEvent.learner_id == uid)).all()
        enrollments = db.select(Enrollment.id).where(Enrollment.learner_id == uid).scalar_subquery()
        rows = db.session.scalars(db.select(Progress).where(Progress.enrollment_id.in_(enrollments))).all()
        return sorted(events), [sorted(p.steps_done or []) for p in rows]


def test_two_tabs_answer_two_steps_of_a_fresh_lesson_at_once(app, factory):
    uid, (a, b) = _tabs(app, factory)
    failures = []
    for round_ in range(ROUNDS):
        _fresh_lesson(app, uid)
        first, second = _form(a, "welcome"), _form(b, "three-things")
        answers = together(lambda: a.post(LESSON + "welcome", data=first),
                           lambda: b.post(LESSON + "three-things", data=second))
        statuses = [getattr(r, "status_code", r) for r in answers]
        events, progress = _state(app, uid)
        if statuses != [303, 303] or events != ["three-things", "welcome"] or progress != [["three-things", "welcome"]]:
            failures.append((round_, statuses, events, progress))
    assert failures == [], f"{len(failures)} of {ROUNDS} rounds lost or broke something: {failures[:3]}"


def test_the_same_answer_sent_twice_at_once_counts_once(app, factory):
    """A double tap: the same idempotency key from two tabs at once. The loser answers as if it won."""
    uid, (a, b) = _tabs(app, factory)
    failures = []
    for round_ in range(ROUNDS):
        _fresh_lesson(app, uid)
        form = _form(a, "welcome")
        again = {**_form(b, "welcome"), "key": form["key"]}  # the same answer, retried from another tab
        answers = together(lambda: a.post(LESSON + "welcome", data=form), lambda: b.post(LESSON + "welcome", data=again))
        statuses = [getattr(r, "status_code", r) for r in answers]
        events, progress = _state(app, uid)
        if statuses != [303, 303] or events != ["welcome"] or progress != [["welcome"]]:
            failures.append((round_, statuses, events, progress))
    assert failures == [], f"{len(failures)} of {ROUNDS} rounds lost or broke something: {failures[:3]}"


def test_the_loser_of_a_duplicate_key_answers_as_the_winner(app, factory, monkeypatch):
    """The race window made certain: the same key is committed by another request after this one
    looked for it. The loser's insert fails on the unique key; it must return the winner's event,
    never re-raise (a re-raise would be a 500)."""
    workshop = factory.workshop("so")
    uid, _code, _token = factory.learner(workshop)
    catalogue = app.extensions["askel_catalogue"]
    lesson = catalogue.lesson("start", "01-welcome")
    with app.app_context():
        enrollment = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == uid))
        winner = prog.record(enrollment, lesson, "welcome", kind="next", key="k" * 16, completes_step=True)
        winner_id = winner.event.id
        db.session.expunge_all()
        enrollment = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == uid))
        real_find, calls = prog.find_event, []

        def find_event(enrollment, key):  # the first look came before the winner committed
            calls.append(key)
            return None if len(calls) == 1 else real_find(enrollment, key)

        monkeypatch.setattr(prog, "find_event", find_event)
        loser = prog.record(enrollment, lesson, "welcome", kind="next", key="k" * 16, completes_step=True)
        assert len(calls) == 2, "the duplicate key never reached the database's unique constraint"
        assert loser.duplicate and loser.event.id == winner_id
        assert db.session.scalar(db.select(db.func.count(StepEvent.id))) == 1


def test_two_tablets_mark_the_same_person_present_at_once(app, factory):
    """Two instructors' tablets (or a double tap) mark one person present at the same moment, then
    take the mark away at the same moment, 50 times: one row or none, never an error, never flipped."""
    owner = factory.staff("deeqa")
    wid = factory.workshop("so", instructor=owner)
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    with app.app_context():
        attendance.sync_meetings(db.session.get(Workshop, wid))
        db.session.commit()
        meeting_id = attendance.meetings_of(wid)[0].id
    a, b = staff_client(app, "deeqa"), staff_client(app, "deeqa")
    page = f"/teach/groups/{wid}/meetings/{meeting_id}"
    url = f"{page}/learners/{learner_id}"
    tokens = csrf_token(a, page), csrf_token(b, page)
    failures = []
    for round_ in range(ROUNDS):
        for wanted, rows in (("1", 1), ("0", 0)):
            answers = together(lambda: a.post(url, data={"csrf_token": tokens[0], "present": wanted}),
                               lambda: b.post(url, data={"csrf_token": tokens[1], "present": wanted}))
            with app.app_context():
                found = db.session.scalar(db.select(db.func.count()).select_from(attendance.Attendance))
            statuses = [getattr(r, "status_code", r) for r in answers]
            if statuses != [303, 303] or found != rows:
                failures.append((round_, wanted, statuses, found))
    assert not failures, failures[:5]
