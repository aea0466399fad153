"""Putting progress, answers and help requests straight into the database, as the player would."""
from __future__ import annotations

import uuid
from datetime import timedelta

from workshop.extensions import db
from workshop.models import Enrollment, HelpRequest, Progress, Status, StepEvent, utcnow


def enrollment_of(learner_id: int, workshop_id: int | None = None) -> Enrollment:
    query = db.select(Enrollment).where(Enrollment.learner_id == learner_id)
    if workshop_id:
        query = query.where(Enrollment.workshop_id == workshop_id)
    return db.session.scalar(query)


def catalogue(app):
    return app.extensions["askel_catalogue"]


def event(enrollment, lesson, step_id, *, kind="answer", correct=None, helped=False, ago=timedelta(0)):
    db.session.add(StepEvent(
        learner_id=enrollment.learner_id, enrollment_id=enrollment.id, course=lesson.course, lesson=lesson.id,
        step=step_id, kind=kind, correct=correct, helped=helped, idempotency_key=uuid.uuid4().hex,
        created_at=utcnow() - ago,
    ))


def progress(enrollment, lesson, *, done_steps: int, ago=timedelta(0)) -> Progress:
    steps = [s.id for s in lesson.steps[:done_steps]]
    finished = done_steps >= len(lesson.steps)
    p = Progress(
        enrollment_id=enrollment.id, course=lesson.course, lesson=lesson.id, steps_done=steps,
        status=Status.DONE if finished else Status.IN_PROGRESS,
        current_step=lesson.steps[min(done_steps, len(lesson.steps) - 1)].id,
        started_at=utcnow() - ago - timedelta(minutes=20), updated_at=utcnow() - ago,
        completed_at=utcnow() - ago if finished else None,
    )
    db.session.add(p)
    return p


def ask_help(enrollment, lesson, step_id, ago=timedelta(minutes=3)) -> None:
    db.session.add(HelpRequest(enrollment_id=enrollment.id, course=lesson.course, lesson=lesson.id, step=step_id,
                               created_at=utcnow() - ago))
