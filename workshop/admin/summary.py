"""The reach report's summary, kept up to date as lessons are completed.

One row per group, course and day: how many lessons its learners completed that day, and how many
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
        _upsert(connection, workshop_id, obj.course, obj.completed_at.date(), first=not earlier)


# The summary from the progress rows: each learner's first completed lesson of a course (over all her
# groups) marks her as reached on that day. Plain SQL that SQLite and PostgreSQL both run (the
# migration that creates the table uses it too).
REBUILD_SQL = """
INSERT INTO reach_daily (workshop_id, course, day, completed, learners_first)
SELECT workshop_id, course, day, COUNT(*), SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END)
FROM (SELECT e.workshop_id AS workshop_id, p.course AS course, DATE(p.completed_at) AS day,
             ROW_NUMBER() OVER (PARTITION BY e.learner_id, p.course ORDER BY p.completed_at, p.id) AS n
      FROM progress p JOIN enrollments e ON e.id = p.enrollment_id
      WHERE p.status = 'done' AND p.completed_at IS NOT NULL) AS done
GROUP BY workshop_id, course, day
"""


def rebuild() -> None:
    """The summary made again from every progress row (in the caller's transaction)."""
    connection = db.session.connection()
    connection.execute(sa.delete(ReachDaily.__table__))
    connection.execute(sa.text(REBUILD_SQL))
