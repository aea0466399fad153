"""practice Suomi.fi and Kela tables

Revision ID: 0029_suomifi
Revises: 0001_core
Create Date: 2026-12-01 00:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0029_suomifi"
down_revision = "0001_core"
branch_labels = ("suomifi",)
depends_on = None


def _learner_fk():
    return sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE")


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "sim_suomifi_state",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("seed_day", sa.Date(), nullable=False),
        sa.Column("seeded_at", sa.DateTime(), nullable=False),
        sa.Column("pending_method", sa.String(length=32), nullable=True),
        sa.Column("pending_code", sa.String(length=8), nullable=True),
        sa.Column("identified_at", sa.DateTime(), nullable=True),
        sa.Column("identified_with", sa.String(length=32), nullable=True),
        sa.Column("seen_payments_at", sa.DateTime(), nullable=True),
        _learner_fk(),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.create_table(
        "sim_suomifi_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("box", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("arrived_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        _learner_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "box", "key"),
    )
    _index("sim_suomifi_letters", "learner_id")
    op.create_table(
        "sim_suomifi_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("verdict", sa.String(length=8), nullable=True),
        sa.Column("link_opened_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        _learner_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "key"),
    )
    _index("sim_suomifi_phone", "learner_id")
    op.create_table(
        "sim_suomifi_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        _learner_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("sim_suomifi_filings", "learner_id")


def downgrade():
    for table in ("sim_suomifi_filings", "sim_suomifi_phone", "sim_suomifi_letters", "sim_suomifi_state"):
        op.drop_table(table)
