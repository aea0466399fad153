"""teach: instructor notes; 'helped' on step events (a practice task done after asking for help)

Revision ID: 0005_teach
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_teach"
down_revision = "0001_core"
branch_labels = ("teach",)
depends_on = None


def upgrade():
    op.create_table(
        "instructor_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("instructor_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instructor_notes_enrollment_id"), ["enrollment_id"], unique=False)
    with op.batch_alter_table("step_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("helped", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("step_events", schema=None) as batch_op:
        batch_op.drop_column("helped")
    with op.batch_alter_table("instructor_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instructor_notes_enrollment_id"))
    op.drop_table("instructor_notes")
