"""The reach report's summary, kept up to date as lessons are completed.

One row per group, course and day (the day in Helsinki, as the coordinator reads and filters it): how many lessons its learners completed that day, and how many
learners completed their first lesson of that course that day (a learner is reached in a course
once, by the group and on the day of her first completed lesson in it; a second group of hers
does not count her again). The report and lessons.csv sum these rows, so their cost follows the
number of groups and days, never the number of progress rows or step events.

It is written in the same transaction as the progress it counts: a flush that turns a Progress
row to done adds to its day's row (an upsert, safe under concurrent answers). `rebuild()` makes it
again from the progress rows (the migration that creates it, and bulk imports that bypass the ORM).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from .. import clock
from ..extensions import db
from ..models import Enrollment, Progress, Status


class ReachDaily(db.Model):
    __tablename__ = "reach_daily"

    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    course: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    completed: Mapped[int] = mapped_column(default=0)
    learners_first: Mapped[int] = mapped_column(default=0)


def _upsert(connection, workshop_id: int, course: str, day: date, first: bool) -> None:
    table = ReachDaily.__table__
    values = dict(workshop_id=workshop_id, course=course, day=day, completed=1, learners_first=int(first))
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.workshop_id, table.c.course, table.c.day],
        set_={"completed": table.c.completed + 1,
              "learners_first": table.c.learners_first + statement.excluded.learners_first},
    )
    connection.execute(statement)


@event.listens_for(Session, "after_flush")
def _count_completions(session, _context):
    """A lesson done in this flush counts on its group's row for the day, in the same transaction
    (after the flush, so a new enrolment and its progress written together are both there)."""
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, Progress) or obj.status != Status.DONE or obj.completed_at is None:
            continue
        history = sa.inspect(obj).attrs.status.history
        if obj not in session.new and not history.added:
            continue  # already done before this flush
        connection = session.connection()
        learner_id, workshop_id = connection.execute(
            sa.select(Enrollment.learner_id, Enrollment.workshop_id).where(Enrollment.id == obj.enrollment_id)).one()
        earlier = connection.execute(sa.select(sa.exists().where(
            Progress.enrollment_id == Enrollment.id, Enrollment.learner_id == learner_id,
            Progress.course == obj.course, Progress.status == Status.DONE, Progress.id != obj.id,
            sa.or_(Progress.completed_at < obj.completed_at,  # the same order as REBUILD_SQL's
                   sa.and_(Progress.completed_at == obj.completed_at, Progress.id < obj.id))))).scalar()
        _upsert(connection, workshop_id, obj.course, clock.helsinki_date(obj.completed_at), first=not earlier)


def rebuild() -> None:
    """The summary made again from every progress row (in the caller's transaction): each learner's
    first completed lesson of a course (over all her groups) marks her as reached on that day. The
    day is Helsinki's, which neither database can compute alike (SQLite has no time zones), so the
    rows are counted here, in the order the incremental count uses (completed_at, then id)."""
    connection = db.session.connection()
    connection.execute(sa.delete(ReachDaily.__table__))
    done = connection.execute(
        sa.select(Enrollment.workshop_id, Enrollment.learner_id, Progress.course, Progress.completed_at)
        .join(Enrollment, Enrollment.id == Progress.enrollment_id)
        .where(Progress.status == Status.DONE, Progress.completed_at.is_not(None))
        .order_by(Enrollment.learner_id, Progress.course, Progress.completed_at, Progress.id)
    )
    counts: dict[tuple[int, str, date], list[int]] = {}
    reached: set[tuple[int, str]] = set()
    for workshop_id, learner_id, course, completed_at in done:
        row = counts.setdefault((workshop_id, course, clock.helsinki_date(completed_at)), [0, 0])
        row[0] += 1
        if (learner_id, course) not in reached:
            reached.add((learner_id, course))
            row[1] += 1
    if counts:
        connection.execute(sa.insert(ReachDaily.__table__), [
            {"workshop_id": w, "course": c, "day": d, "completed": n, "learners_first": f}
            for (w, c, d), (n, f) in counts.items()
        ])
