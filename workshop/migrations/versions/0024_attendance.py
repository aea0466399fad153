"""attendance: a group's weekly meetings and who came to each

Revision ID: 0024_attendance
Revises: 0001_core

The meetings are made from the group's schedule and edited by its instructor (moved, cancelled,
added, with a note); an attendance row exists while a learner is marked present (issue 18, item 1).
"""
from alembic import op
import sqlalchemy as sa


revision = "0024_attendance"
down_revision = "0001_core"
branch_labels = ("attendance",)
depends_on = None


def upgrade():
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workshop_id", sa.Integer(), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("workshop_id", "scheduled_on"),
    )
    op.create_index("ix_meetings_workshop_id", "meetings", ["workshop_id"])
    op.create_table(
        "attendance",
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("enrollment_id", sa.Integer(), sa.ForeignKey("enrollments.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("marked_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_attendance_enrollment_id", "attendance", ["enrollment_id"])


def downgrade():
    op.drop_index("ix_attendance_enrollment_id", table_name="attendance")
    op.drop_table("attendance")
    op.drop_index("ix_meetings_workshop_id", table_name="meetings")
    op.drop_table("meetings")
