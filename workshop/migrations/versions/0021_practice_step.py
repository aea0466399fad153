"""practice: the lesson task a learner was doing in a practice service, kept with her enrolment

Revision ID: 0021_practice_step
Revises: 0001_core

The practice banner's goal and way back ("course/lesson/step") lived only in the browser session,
so signing in again forgot it (issue 15, item 8).
"""
from alembic import op
import sqlalchemy as sa


revision = "0021_practice_step"
down_revision = "0001_core"
branch_labels = ("practice",)
depends_on = None


def upgrade():
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("practice_step", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("practice_step")
