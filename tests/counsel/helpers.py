"""Counselling data put straight into the database, as the instructor's forms would."""
from __future__ import annotations

from datetime import date

from workshop.counsel import rules
from workshop.counsel.models import CounselSession, Plan
from workshop.extensions import db
from workshop.models import Enrollment


def enrollment_of(learner_id: int, workshop_id: int) -> Enrollment:
    return db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == learner_id,
                                                         Enrollment.workshop_id == workshop_id))


def counselled(learner_id: int, workshop_id: int, by: int, *, note="She asked about Kela's child benefit.",
               direction="finnish_course", check_on=date(2026, 11, 20)) -> Enrollment:
    """Consent, one session about two topics with a note, and a plan (committed)."""
    enrollment = enrollment_of(learner_id, workshop_id)
    rules.give_consent(learner_id, by)
    topics = {t.key: t for t in rules.topics()}
    db.session.add(CounselSession(enrollment_id=enrollment.id, held_on=date(2026, 10, 6), kind="personal",
                                  note=note, author_id=by, topics=[topics["services"], topics["family"]]))
    db.session.add(Plan(enrollment_id=enrollment.id, goal="Haluan oppia suomea ja saada työtä.",
                        direction=direction, next_step="Apply to the Finnish course in January.",
                        check_on=check_on, created_by_id=by))
    db.session.commit()
    return enrollment
