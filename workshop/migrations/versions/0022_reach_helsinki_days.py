"""reach: the summary's days are Helsinki's (they were UTC: a lesson done at 00:30 in Helsinki counted the day before)

Revision ID: 0022_reach_helsinki_days
Revises: 0014_reach

The rows are counted again from the progress rows, in Python (SQLite has no time zones), the same
way workshop.admin.summary.rebuild() counts them; downgrading counts them again by UTC day.
"""
from datetime import timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = "0022_reach_helsinki_days"
down_revision = "0014_reach"
branch_labels = None
depends_on = None

HELSINKI = ZoneInfo("Europe/Helsinki")
progress = sa.table("progress", sa.column("id"), sa.column("enrollment_id"), sa.column("course"),
                    sa.column("status"), sa.column("completed_at", sa.DateTime()))
enrollments = sa.table("enrollments", sa.column("id"), sa.column("workshop_id"), sa.column("learner_id"))
reach_daily = sa.table("reach_daily", sa.column("workshop_id"), sa.column("course"), sa.column("day", sa.Date()),
                       sa.column("completed"), sa.column("learners_first"))


def _recount(day_of) -> None:
    connection = op.get_bind()
    connection.execute(sa.delete(reach_daily))
    done = connection.execute(
        sa.select(enrollments.c.workshop_id, enrollments.c.learner_id, progress.c.course, progress.c.completed_at)
        .select_from(progress.join(enrollments, enrollments.c.id == progress.c.enrollment_id))
        .where(progress.c.status == "done", progress.c.completed_at.is_not(None))
        .order_by(enrollments.c.learner_id, progress.c.course, progress.c.completed_at, progress.c.id)
    )
    counts, reached = {}, set()
    for workshop_id, learner_id, course, completed_at in done:
        row = counts.setdefault((workshop_id, course, day_of(completed_at)), [0, 0])
        row[0] += 1
        if (learner_id, course) not in reached:
            reached.add((learner_id, course))
            row[1] += 1
    if counts:
        connection.execute(sa.insert(reach_daily), [
            {"workshop_id": w, "course": c, "day": d, "completed": n, "learners_first": f}
            for (w, c, d), (n, f) in counts.items()
        ])


def upgrade():
    _recount(lambda moment: moment.replace(tzinfo=timezone.utc).astimezone(HELSINKI).date())


def downgrade():
    _recount(lambda moment: moment.date())
