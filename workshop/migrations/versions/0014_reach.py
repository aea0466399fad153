"""reach: the reach report's summary per group, course and day, filled from the progress so far

Revision ID: 0014_reach
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "0014_reach"
down_revision = "0001_core"
branch_labels = ("reach",)
depends_on = None


def upgrade():
    op.create_table(
        "reach_daily",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("learners_first", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id", "course", "day"),
    )
    # the summary of the progress so far (as workshop.admin.summary.rebuild() makes it)
    op.execute(sa.text("""
        INSERT INTO reach_daily (workshop_id, course, day, completed, learners_first)
        SELECT workshop_id, course, day, COUNT(*), SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END)
        FROM (SELECT e.workshop_id AS workshop_id, p.course AS course, DATE(p.completed_at) AS day,
                     ROW_NUMBER() OVER (PARTITION BY e.learner_id, p.course ORDER BY p.completed_at, p.id) AS n
              FROM progress p JOIN enrollments e ON e.id = p.enrollment_id
              WHERE p.status = 'done' AND p.completed_at IS NOT NULL) AS done
        GROUP BY workshop_id, course, day
    """))


def downgrade():
    op.drop_table("reach_daily")
