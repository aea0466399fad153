"""practice school system (Wilma) tables

Revision ID: 0004_wilma
Revises: 0001_core
Create Date: 2026-11-23 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0004_wilma"
down_revision = "0001_core"
branch_labels = ("wilma",)
depends_on = None


def _learner_fk():
    return sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE")


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "sim_wilma_state",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("seed_day", sa.Date(), nullable=False),
        sa.Column("seeded_at", sa.DateTime(), nullable=False),
        sa.Column("seen_exams_at", sa.DateTime(), nullable=True),
        sa.Column("seen_timetable_at", sa.DateTime(), nullable=True),
        _learner_fk(),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.create_table(
        "sim_wilma_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("child", sa.String(length=32), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("scenario_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _learner_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("sim_wilma_threads", "learner_id")
    op.create_table(
        "sim_wilma_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("from_guardian", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("text_ref", sa.String(length=100), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("deliver_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        _learner_fk(),
        sa.ForeignKeyConstraint(["thread_id"], ["sim_wilma_threads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("sim_wilma_messages", "learner_id")
    _index("sim_wilma_messages", "thread_id")
    op.create_table(
        "sim_wilma_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("child", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scenario_key", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("explained_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _learner_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "child", "kind", "day"),
    )
    _index("sim_wilma_marks", "learner_id")
    op.create_table(
        "sim_wilma_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("child", sa.String(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decide_at", sa.DateTime(), nullable=False),
        _learner_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("sim_wilma_applications", "learner_id")
    op.create_table(
        "sim_wilma_form_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=64), nullable=False),
        sa.Column("child", sa.String(length=32), nullable=False),
        sa.Column("permission", sa.Boolean(), nullable=False),
        sa.Column("info", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        _learner_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "form"),
    )
    _index("sim_wilma_form_answers", "learner_id")


def downgrade():
    for table in ("sim_wilma_form_answers", "sim_wilma_applications", "sim_wilma_marks",
                  "sim_wilma_messages", "sim_wilma_threads", "sim_wilma_state"):
        op.drop_table(table)
