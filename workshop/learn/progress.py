"""Saving a learner's progress: every answer is an append-only StepEvent with an idempotency key.

The event and the progress change are one transaction; a repeated key (a double tap, a request
retried on bad Wi-Fi) finds the first event and changes nothing, so nothing counts twice.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ..curriculum import Lesson
from ..extensions import db
from ..models import Enrollment, HelpRequest, Progress, Status, StepEvent, utcnow

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def new_key() -> str:
    return uuid.uuid4().hex


def valid_key(key: str | None) -> str | None:
    return key if key and KEY_RE.match(key) else None


def find_progress(enrollment: Enrollment, lesson: Lesson) -> Progress | None:
    return db.session.scalar(
        db.select(Progress).where(
            Progress.enrollment_id == enrollment.id,
            Progress.course == lesson.course,
            Progress.lesson == lesson.id,
        )
    )


def resume_step(progress: Progress | None, lesson: Lesson) -> str:
    """Where she left off: her current step if it still exists, else the first step not done."""
    if progress and progress.current_step and lesson.step(progress.current_step):
        return progress.current_step
    done = set(progress.steps_done if progress else [])
    return next((s.id for s in lesson.steps if s.id not in done), lesson.steps[0].id)


@dataclass
class Recorded:
    event: StepEvent
    duplicate: bool
    progress: Progress | None


def record(
    enrollment: Enrollment,
    lesson: Lesson,
    step_id: str,
    *,
    kind: str,
    key: str,
    answer: str | None = None,
    correct: bool | None = None,
    completes_step: bool,
) -> Recorded:
    """Append the event and, if the step is completed, move her progress on: all or nothing."""
    existing = db.session.scalar(
        db.select(StepEvent).where(StepEvent.learner_id == enrollment.learner_id, StepEvent.idempotency_key == key)
    )
    if existing is not None:
        return Recorded(existing, True, find_progress(enrollment, lesson))
    event = StepEvent(
        learner_id=enrollment.learner_id,
        enrollment_id=enrollment.id,
        course=lesson.course,
        lesson=lesson.id,
        step=step_id,
        kind=kind,
        answer=answer,
        correct=correct,
        idempotency_key=key,
        helped=kind == "task" and bool(correct) and _asked_for_help(enrollment, lesson, step_id),
    )
    db.session.add(event)
    progress = find_progress(enrollment, lesson)
    now = utcnow()
    if progress is None:
        progress = Progress(
            enrollment_id=enrollment.id, course=lesson.course, lesson=lesson.id,
            status=Status.IN_PROGRESS, current_step=step_id, steps_done=[], started_at=now,
        )
        db.session.add(progress)
    if completes_step:
        done = list(progress.steps_done or [])
        if step_id not in done:
            done.append(step_id)
        progress.steps_done = done
        index = lesson.index(step_id)
        following = lesson.steps[index + 1].id if index + 1 < len(lesson.steps) else step_id
        progress.current_step = following
        if progress.status != Status.DONE and all(s.id in done for s in lesson.steps):
            progress.status = Status.DONE
            progress.completed_at = now
    progress.updated_at = now
    try:
        db.session.commit()
    except IntegrityError:
        # The same key (or the first progress row) was written by a parallel request: it won.
        db.session.rollback()
        existing = db.session.scalar(
            db.select(StepEvent).where(StepEvent.learner_id == enrollment.learner_id, StepEvent.idempotency_key == key)
        )
        if existing is None:
            raise
        return Recorded(existing, True, find_progress(enrollment, lesson))
    return Recorded(event, False, progress)


def _asked_for_help(enrollment: Enrollment, lesson: Lesson, step_id: str) -> bool:
    """Had she pressed "I need help" on this step before she got the task done?"""
    return db.session.scalar(
        db.select(db.exists().where(
            HelpRequest.enrollment_id == enrollment.id,
            HelpRequest.course == lesson.course,
            HelpRequest.lesson == lesson.id,
            HelpRequest.step == step_id,
        ))
    )


def helped_lessons(enrollment_ids: list[int]) -> set[tuple[str, str]]:
    """The lessons in which she did a practice task after asking for help (the others: alone)."""
    if not enrollment_ids:
        return set()
    rows = db.session.execute(
        db.select(StepEvent.course, StepEvent.lesson).distinct().where(
            StepEvent.enrollment_id.in_(enrollment_ids), StepEvent.kind == "task", StepEvent.helped.is_(True))
    )
    return {(course, lesson) for course, lesson in rows}


def statuses(enrollment_ids: list[int]) -> dict[tuple[str, str], Progress]:
    """Her progress merged over all her enrolments: for each lesson, the furthest record."""
    if not enrollment_ids:
        return {}
    rank = {Status.DONE: 2, Status.IN_PROGRESS: 1}
    merged: dict[tuple[str, str], Progress] = {}
    rows = db.session.scalars(db.select(Progress).where(Progress.enrollment_id.in_(enrollment_ids)))
    for p in rows:
        key = (p.course, p.lesson)
        best = merged.get(key)
        if best is None or (rank.get(p.status, 0), p.updated_at) > (rank.get(best.status, 0), best.updated_at):
            merged[key] = p
    return merged
