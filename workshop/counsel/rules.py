"""The rules of counselling data, without Flask views: consent first, every reading logged.

Nothing beyond attendance is kept about a participant until a consent is recorded (`consent_in_force`);
views check `consent_in_force` before they write a session, a plan or an instructor's free-text note
about her (`models.InstructorNote`, on her lessons page), and show none of them without it.
Withdrawing the consent deletes her counselling sessions, plans and instructors' notes (what was kept
on the strength of it) in the same transaction, and keeps the consent rows and the reading log as the
record of what happened.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Enrollment, InstructorNote, utcnow
from .models import SEEDED_TOPICS, Consent, CounselSession, Plan, Topic, View


def consent_in_force(learner_id: int) -> Consent | None:
    return db.session.scalar(
        db.select(Consent).where(Consent.learner_id == learner_id, Consent.withdrawn_at.is_(None)))


def give_consent(learner_id: int, recorded_by_id: int) -> Consent:
    """A new consent (flushed, not committed). Two at once: the partial unique index lets one win."""
    consent = Consent(learner_id=learner_id, recorded_by_id=recorded_by_id, given_at=utcnow())
    db.session.add(consent)
    db.session.flush()
    return consent


def withdraw_consent(consent: Consent, withdrawn_by_id: int) -> int:
    """She withdraws: the consent is closed and her counselling sessions, plans and instructors' notes, in
    every group, are deleted (not committed). Returns how many went."""
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = withdrawn_by_id
    enrollments = db.select(Enrollment.id).where(Enrollment.learner_id == consent.learner_id)
    gone = 0
    for model in (CounselSession, Plan, InstructorNote):
        gone += db.session.execute(
            db.delete(model).where(model.enrollment_id.in_(enrollments)).execution_options(synchronize_session=False)
        ).rowcount or 0
    return gone


def log_view(viewer_id: int, learner_id: int, workshop_id: int | None, what: str) -> None:
    """Who read her counselling data, and when (added to the caller's transaction)."""
    db.session.add(View(viewer_id=viewer_id, learner_id=learner_id, workshop_id=workshop_id, what=what,
                        viewed_at=utcnow()))


def follow_up_due(check_on: date | None, result: str | None, today: date) -> bool:
    """Her plan's check date has passed (Helsinki's today; the day itself is not late yet) and nobody
    has recorded the result: the one rule of the class view, the overview and her page."""
    return check_on is not None and result is None and check_on < today


def topics(include_retired: bool = False) -> list[Topic]:
    """The coordinator's list of topics, in order. The migration seeds the programme's eight; any of
    them missing (a database emptied by hand or by the tests) is put back first, so the list is never
    empty. A seeded topic is retired, never deleted."""
    present = set(db.session.scalars(db.select(Topic.key)))
    missing = [key for key in SEEDED_TOPICS if key not in present]
    if missing:
        insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(insert(Topic).values([
            {"key": key, "position": (SEEDED_TOPICS.index(key) + 1) * 10, "active": True}
            for key in missing
        ]).on_conflict_do_nothing(index_elements=["key"]))
        db.session.commit()
    query = db.select(Topic).order_by(Topic.position, Topic.id)
    if not include_retired:
        query = query.where(Topic.active.is_(True))
    return list(db.session.scalars(query))
