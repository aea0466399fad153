"""Database preparation for the benchmark, run in its own process (`python -m bench.prepare`) so
the load generator never holds a connection or the app in memory.

- the schema, through the app's own Alembic migrations;
- with --city, once: a city's history through the app's own models' tables (bulk inserts with
  SQLAlchemy Core into `Model.__table__`), about 250 groups, 7,500 learners and 900,000 step
  events over four years, kept between runs (found again by its groups' names);
- every run: the bench group (one instructor and N tablets' learners), with fresh sign-in codes.

Prints one JSON line: the learners' codes, the group's id, its learners' ids, the events they
have stored so far, and the size of the database.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time as clock
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

CITY_GROUPS, CITY_LEARNERS_EACH, CITY_EVENTS = 250, 30, 900_000
CITY_PREFIX = "City group "
BENCH_GROUP = "Bench tablets"
DISTRICTS = ["Itäkeskus", "Vuosaari", "Kontula", "Malmi", "Kannelmäki", "Myyrmäki", "Tikkurila", "Espoonlahti",
             "Leppävaara", "Matinkylä", "Jakomäki", "Mellunmäki"]


def _city_seeded(db, Workshop) -> bool:
    n = db.session.scalar(sa.select(sa.func.count(Workshop.id)).where(Workshop.name.like(CITY_PREFIX + "%")))
    return n >= CITY_GROUPS


def seed_city(db, out=sys.stderr) -> None:
    """A city's four years of workshops. Explicit ids are never given: rows are inserted with
    RETURNING, so the database's own sequences stay right for the app's later inserts."""
    from workshop.config import ROOT
    from workshop.curriculum import load_catalogue
    from workshop.models import (
        Assignment, Enrollment, HelpRequest, Progress, Role, Status, StepEvent, User, Workshop,
        workshop_instructors,
    )
    from workshop.sims import discover

    discover()
    lessons = list(load_catalogue(ROOT / "lessons").lessons())
    rng = random.Random(21)
    started = clock.monotonic()
    conn = db.session.connection()

    def insert_returning(model, rows):
        result = conn.execute(sa.insert(model.__table__).returning(model.__table__.c.id, sort_by_parameter_order=True), rows)
        return [r[0] for r in result]

    instructors = insert_returning(User, [
        dict(role=Role.INSTRUCTOR, display_name=f"City instructor {n}", username=f"city-instructor-{n}",
             active=True, session_version=1, created_at=datetime(2022, 1, 1)) for n in range(40)])
    first_day = date(2022, 1, 10)
    events_each = CITY_EVENTS / (CITY_GROUPS * CITY_LEARNERS_EACH)
    total_events = 0
    for g in range(CITY_GROUPS):
        starts = first_day + timedelta(days=7 * (g * 254 // CITY_GROUPS))  # one or two new groups a week
        ends = starts + timedelta(weeks=18)
        language = "so" if g % 10 < 6 else "ar"
        [wid] = insert_returning(Workshop, [dict(
            name=f"{CITY_PREFIX}{g:03d}", language=language, location=DISTRICTS[g % len(DISTRICTS)],
            weekday=g % 5, start_time=time(17), starts_on=starts, ends_on=ends, created_at=datetime.combine(starts, time(9)))])
        conn.execute(sa.insert(workshop_instructors), [{"workshop_id": wid, "user_id": instructors[g % 40]}])
        plan = rng.sample(lessons, 18)
        conn.execute(sa.insert(Assignment.__table__), [
            dict(workshop_id=wid, course=lesson.course, lesson=lesson.id, week=week + 1) for week, lesson in enumerate(plan)])
        learners = insert_returning(User, [
            dict(role=Role.LEARNER, display_name=f"Learner {g}-{m}", locale=language, active=True, session_version=1,
                 created_at=datetime.combine(starts, time(17))) for m in range(CITY_LEARNERS_EACH)])
        enrollments = insert_returning(Enrollment, [
            dict(workshop_id=wid, learner_id=uid, created_at=datetime.combine(starts, time(17))) for uid in learners])
        progress, events, help_requests = [], [], []
        for uid, eid in zip(learners, enrollments):
            budget = rng.uniform(0.5, 1.5) * events_each
            n = 0
            for week, lesson in enumerate(plan):
                if n >= budget:
                    break
                day = datetime.combine(starts + timedelta(weeks=week), time(17)) + timedelta(minutes=rng.randrange(90))
                done_steps = []
                for step in lesson.steps:
                    if n >= budget:
                        break
                    if step.type in ("choose", "tap") and rng.random() < 0.3:
                        wrong = next((o.id for o in getattr(step, "options", ()) if not o.correct), "wrong")
                        events.append(dict(learner_id=uid, enrollment_id=eid, course=lesson.course, lesson=lesson.id,
                                           step=step.id, kind="answer", answer=wrong, correct=False,
                                           idempotency_key=f"city-{uid}-{n}", created_at=day, helped=False))
                        n += 1
                    kind = {"choose": "answer", "tap": "answer", "practice": "task"}.get(step.type, "next")
                    events.append(dict(learner_id=uid, enrollment_id=eid, course=lesson.course, lesson=lesson.id,
                                       step=step.id, kind=kind, answer=None, correct=True if kind != "next" else None,
                                       idempotency_key=f"city-{uid}-{n}", created_at=day, helped=False))
                    n += 1
                    day += timedelta(seconds=rng.randrange(20, 90))
                    done_steps.append(step.id)
                complete = len(done_steps) == len(lesson.steps)
                progress.append(dict(
                    enrollment_id=eid, course=lesson.course, lesson=lesson.id,
                    status=Status.DONE if complete else Status.IN_PROGRESS,
                    current_step=None if complete else lesson.steps[len(done_steps) % len(lesson.steps)].id,
                    steps_done=done_steps, started_at=day - timedelta(minutes=10), updated_at=day,
                    completed_at=day if complete else None))
                if rng.random() < 0.03:
                    help_requests.append(dict(enrollment_id=eid, course=lesson.course, lesson=lesson.id,
                                              step=lesson.steps[0].id, created_at=day, handled_at=day + timedelta(minutes=3),
                                              handled_by_id=instructors[g % 40]))
        conn.execute(sa.insert(Progress.__table__), progress)
        conn.execute(sa.insert(StepEvent.__table__), events)
        if help_requests:
            conn.execute(sa.insert(HelpRequest.__table__), help_requests)
        total_events += len(events)
        if g % 25 == 24:
            db.session.commit()
            conn = db.session.connection()
            print(f"  city: {g + 1} groups, {total_events} events, {clock.monotonic() - started:.0f} s", file=out, flush=True)
    db.session.commit()
    _after_seed(db)
    print(f"  city seeded: {CITY_GROUPS} groups, {CITY_GROUPS * CITY_LEARNERS_EACH} learners, {total_events} events "
          f"in {clock.monotonic() - started:.0f} s", file=out, flush=True)


def _after_seed(db) -> None:
    """Bring any summary the app keeps from the events up to date with what was bulk-inserted
    (bulk inserts bypass the ORM events that keep it current), and refresh the planner's statistics."""
    try:
        from workshop.admin import summary
    except ImportError:
        summary = None
    if summary is not None and hasattr(summary, "rebuild"):
        summary.rebuild()
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("ANALYZE"))
    else:
        with db.engine.begin() as c:
            c.execute(sa.text("ANALYZE"))


def bench_group(db, tablets: int) -> dict:
    """The benchmark's own group (kept between runs): an instructor and `tablets` learners, whose
    codes are issued afresh on each run so they can sign in."""
    from workshop.models import Enrollment, Role, StepEvent, User, Workshop, utcnow

    w = db.session.scalar(sa.select(Workshop).where(Workshop.name == BENCH_GROUP))
    staff = db.session.scalar(sa.select(User).where(User.username == "bench"))
    if staff is None:
        staff = User(role=Role.INSTRUCTOR, display_name="Bench", username="bench")
        staff.set_password("bench-password")
        db.session.add(staff)
    today = utcnow().date()
    if w is None:
        w = Workshop(name=BENCH_GROUP, language="so", location="Itäkeskus", weekday=today.weekday(), start_time=time(10),
                     starts_on=today - timedelta(days=7), ends_on=today + timedelta(days=120))
        w.instructors.append(staff)
        db.session.add(w)
    w.starts_on, w.ends_on = today - timedelta(days=7), today + timedelta(days=120)
    learners = list(db.session.scalars(
        sa.select(User).join(Enrollment, Enrollment.learner_id == User.id)
        .where(Enrollment.workshop_id == w.id).order_by(User.id)))
    while len(learners) < tablets:
        u = User(role=Role.LEARNER, display_name=f"Tablet {len(learners)}", locale="en")
        db.session.add_all([u, Enrollment(workshop=w, learner=u)])
        learners.append(u)
    codes = []
    for u in learners[:tablets]:
        code, _token = u.issue_code()
        codes.append(code)
    db.session.commit()
    ids = [u.id for u in learners[:tablets]]
    return {"codes": codes, "workshop": w.id, "learner_ids": ids,
            "events_before": count_events(db, ids)}


def count_events(db, learner_ids) -> int:
    from workshop.models import StepEvent

    return db.session.scalar(sa.select(sa.func.count(StepEvent.id)).where(StepEvent.learner_id.in_(learner_ids))) or 0


def sizes(db) -> dict:
    from workshop.models import Enrollment, Progress, StepEvent, Workshop

    return {name: db.session.scalar(sa.select(sa.func.count()).select_from(model.__table__))
            for name, model in (("groups", Workshop), ("enrolments", Enrollment), ("progress rows", Progress),
                                ("step events", StepEvent))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--city", action="store_true")
    parser.add_argument("--tablets", type=int, default=30)
    parser.add_argument("--reset", action="store_true", help="empty the database first (PostgreSQL without --city)")
    parser.add_argument("--count-events", help="comma-separated learner ids: print their events and stop")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from workshop import create_app
    from workshop.extensions import db

    app = create_app()
    with app.app_context():
        if args.count_events:
            print(json.dumps({"events": count_events(db, [int(i) for i in args.count_events.split(",")])}))
            return 0
        if args.reset and db.engine.dialect.name == "postgresql":
            with db.engine.begin() as c:
                c.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
        from workshop.models import Workshop

        if args.city and not _city_seeded(db, Workshop):
            print("Seeding the city's history (once; kept for later runs)…", file=sys.stderr, flush=True)
            seed_city(db)
        result = bench_group(db, args.tablets)
        result["sizes"] = sizes(db)
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
