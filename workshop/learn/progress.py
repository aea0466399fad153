"""Saving a learner's progress: every answer is an append-only StepEvent with an idempotency key.

The event and the progress change are one transaction; a repeated key (a double tap, a request
retried on bad Wi-Fi) finds the first event and changes nothing, so nothing counts twice.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass

from flask import current_app

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..curriculum import Lesson
from ..extensions import db
from ..models import Enrollment, HelpRequest, Progress, Status, StepEvent, utcnow

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


SEALED_RE = re.compile(r"^([0-9a-f]{32})_([0-9a-f]{16})$")


def _seal(learner_id: int, random: str) -> str:
    key = hashlib.sha256(b"askel-answer-key:" + str(current_app.secret_key).encode()).digest()
    return hmac.new(key, f"{learner_id}:{random}".encode(), hashlib.sha256).hexdigest()[:16]


def new_key(learner_id: int | None = None) -> str:
    """A fresh idempotency key for an answer form; drawn for a learner, it is sealed to her (a keyed
    digest of her id after the random part), so an answer kept offline on a shared phone and sent later
    in another learner's session is known as not hers (`made_for`)."""
    random = uuid.uuid4().hex
    return random if learner_id is None else f"{random}_{_seal(learner_id, random)}"


def made_for(learner_id: int, key: str) -> bool:
    """Whether `key` may be hers: a sealed key only if it was sealed to her (a key of another form,
    or one drawn before keys were sealed, is taken as before)."""
    sealed = SEALED_RE.fullmatch(key)
    return sealed is None or hmac.compare_digest(sealed.group(2), _seal(learner_id, sealed.group(1)))


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


def find_event(enrollment: Enrollment, key: str) -> StepEvent | None:
    return db.session.scalar(
        db.select(StepEvent).where(StepEvent.learner_id == enrollment.learner_id, StepEvent.idempotency_key == key)
    )


def _locked_progress(enrollment: Enrollment, lesson: Lesson, step_id: str, now) -> Progress:
    """Her progress row in this lesson, created if this is the first answer, locked until commit.

    Two answers at once must not both create the row (a unique violation, a 500) nor both read the
    same steps_done and each write back only its own step (a lost completion). The row is read with
    SELECT ... FOR UPDATE, so on PostgreSQL a second answer waits for the first to commit and then
    sees its step; a missing row is made by an insert that does nothing if a parallel answer made
    it first. SQLite has no row locks but one writer at a time: the caller has already written the
    event, so this read happens under the database's write lock.
    """
    def locked() -> Progress | None:
        return db.session.scalar(
            db.select(Progress).where(
                Progress.enrollment_id == enrollment.id, Progress.course == lesson.course,
                Progress.lesson == lesson.id,
            ).with_for_update().execution_options(populate_existing=True)
        )

    progress = locked()
    if progress is None:
        insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(Progress).values(
                enrollment_id=enrollment.id, course=lesson.course, lesson=lesson.id, status=Status.IN_PROGRESS,
                current_step=step_id, steps_done=[], started_at=now, updated_at=now,
            ).on_conflict_do_nothing(index_elements=["enrollment_id", "course", "lesson"])
        )
        progress = locked()
    return progress


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
    existing = find_event(enrollment, key)
    if existing is not None:
        return Recorded(existing, True, find_progress(enrollment, lesson))
    now = utcnow()
    try:
        helped = kind == "task" and bool(correct) and _asked_for_help(enrollment, lesson, step_id)
        event = StepEvent(
            learner_id=enrollment.learner_id, enrollment_id=enrollment.id, course=lesson.course,
            lesson=lesson.id, step=step_id, kind=kind, answer=answer, correct=correct,
            idempotency_key=key, helped=helped,
        )
        db.session.add(event)
        db.session.flush()  # the event first: a repeated key stops here, and SQLite takes its write lock
        progress = _locked_progress(enrollment, lesson, step_id, now)
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
        db.session.commit()
    except IntegrityError:
        # A parallel request with the same key (a double tap, a retry) committed first: it won, and
        # this one answers as if it had succeeded.
        db.session.rollback()
        existing = find_event(enrollment, key)
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
