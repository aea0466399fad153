"""outcomes: the anonymous counts the outcomes report keeps of groups whose counselling data was removed

Revision ID: 0025_outcomes
Revises: 0001_core

`flask counsel retention` (workshop/admin/retention.py) folds a group's figures into outcome_counts
(language, location, period, category, count: no person, no group) and lists the group in
outcome_folded_groups before it deletes the group's notes and plans (issue 18, item 5).
"""
from alembic import op
import sqlalchemy as sa


revision = "0025_outcomes"
down_revision = "0001_core"
branch_labels = ("outcomes",)
depends_on = None


def upgrade():
    op.create_table(
        "outcome_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("location", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("folded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outcome_counts_period", "outcome_counts", ["starts_on", "ends_on"])
    op.create_table(
        "outcome_folded_groups",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("folded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id"),
    )


def downgrade():
    op.drop_table("outcome_folded_groups")
    op.drop_index("ix_outcome_counts_period", table_name="outcome_counts")
    op.drop_table("outcome_counts")
