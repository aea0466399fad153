"""practice pad of the Phone basics course (sim_phone_state)

Revision ID: 0030_phone
Revises: 0001_core
Create Date: 2026-12-01 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0030_phone"
down_revision = "0001_core"
branch_labels = ("phone",)
depends_on = None


def upgrade():
    op.create_table(
        "sim_phone_state",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("seeded_at", sa.DateTime(), nullable=False),
        sa.Column("seed_day", sa.Date(), nullable=False),
        sa.Column("barcode", sa.String(length=54), nullable=False),
        sa.Column("tapped_at", sa.DateTime(), nullable=True),
        sa.Column("typed_address", sa.String(length=200), nullable=True),
        sa.Column("typed_email", sa.String(length=200), nullable=True),
        sa.Column("pasted", sa.String(length=200), nullable=True),
        sa.Column("scanned_at", sa.DateTime(), nullable=True),
        sa.Column("chosen_address", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id"),
    )


def downgrade():
    op.drop_table("sim_phone_state")
