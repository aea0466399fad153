"""Helpers for the coordinator's tests: a route-walk row played as every role."""
from __future__ import annotations

from tests.conftest import csrf_token


def answers_by_role(world: dict, roles, route: tuple[str, str], path, data, **post_options) -> dict:
    """A route-walk table's row played as every role: {role: status}. Never a 500.

    `route` is (rule, method); `path` and `data` are values or functions of the world."""
    got = {}
    for role in roles:
        client = world["clients"][role]
        url = path(world) if callable(path) else path
        if route[1] == "GET":
            response = client.get(url)
        else:
            form = data(world) if callable(data) else dict(data or {})
            form["csrf_token"] = csrf_token(client)
            response = client.post(url, data=form, **post_options)
        assert response.status_code != 500, (role, url)
        got[role] = response.status_code
    return got


# --- the outcomes report's fixed data ----------------------------------------------------------------

def outcome_world(app, groups: list[dict]) -> dict:
    """Groups with weekly meetings, learners who came to some of them and their follow-up plans.

    Each group: {"name", "language", "location", "starts", "ends", "meetings" (default 6), "learners":
    [(person, meetings attended, direction or None, result or None)]}; the same person in two groups
    is one learner. Returns {"groups": {name: id}, "enrollments": {(group name, person): id},
    "people": {person: user id}}. Bulk statements, so a thousand learners take a moment."""
    from datetime import time, timedelta

    import sqlalchemy as sa

    from workshop.attendance import Attendance, Meeting
    from workshop.counsel.models import Plan
    from workshop.extensions import db
    from workshop.models import Enrollment, Role, User, Workshop, utcnow

    made = {"groups": {}, "enrollments": {}, "people": {}}
    now = utcnow()
    with app.app_context():
        for group in groups:
            workshop = Workshop(name=group["name"], language=group["language"], location=group["location"],
                                weekday=group["starts"].weekday(), start_time=time(10), starts_on=group["starts"],
                                ends_on=group["ends"])
            db.session.add(workshop)
            db.session.flush()
            made["groups"][group["name"]] = workshop.id
            days = [group["starts"] + timedelta(weeks=n) for n in range(group.get("meetings", 6))]
            db.session.execute(sa.insert(Meeting), [
                {"workshop_id": workshop.id, "day": day, "starts_at": time(10), "scheduled_on": day,
                 "cancelled": False, "edited": False, "created_at": now} for day in days])
            meetings = db.session.scalars(sa.select(Meeting.id).where(Meeting.workshop_id == workshop.id)
                                          .order_by(Meeting.day)).all()
            new = [p for p, *_ in group["learners"] if p not in made["people"]]
            if new:
                db.session.execute(sa.insert(User), [
                    {"role": Role.LEARNER.value, "display_name": p, "active": True, "session_version": 1,
                     "created_at": now} for p in new])
                ids = db.session.execute(sa.select(User.display_name, User.id).where(User.display_name.in_(new))).all()
                made["people"].update(dict(ids))
            db.session.execute(sa.insert(Enrollment), [
                {"workshop_id": workshop.id, "learner_id": made["people"][p], "created_at": now}
                for p, *_ in group["learners"]])
            enrollments = dict(db.session.execute(
                sa.select(Enrollment.learner_id, Enrollment.id).where(Enrollment.workshop_id == workshop.id)).all())
            attendance, plans = [], []
            for person, attended, direction, result in group["learners"]:
                enrollment = enrollments[made["people"][person]]
                made["enrollments"][(group["name"], person)] = enrollment
                attendance += [{"meeting_id": m, "enrollment_id": enrollment, "marked_at": now}
                               for m in meetings[:attended]]
                if direction:
                    plans.append({"enrollment_id": enrollment, "goal": "A goal in her words", "direction": direction,
                                  "next_step": "Call the adult education centre", "check_on": group["ends"],
                                  "result": result, "checked_on": group["ends"] if result else None,
                                  "created_at": now, "updated_at": now})
            if attendance:
                db.session.execute(sa.insert(Attendance), attendance)
            if plans:
                db.session.execute(sa.insert(Plan), plans)
        db.session.commit()
    return made
