"""integrity: forms that create something are submitted once (form_submissions)

A message, a reply or a request sent twice in a quick double submit was stored twice. Each such
form carries a key made when it is drawn; the first submit records it with where its answer led,
and a second submit with the same key answers the same without storing anything again.

Revision ID: 0012_form_once
Revises: 0012_help_once
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_form_once"
down_revision = "0012_help_once"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "key"),
    )
    op.create_index("ix_form_submissions_created_at", "form_submissions", ["created_at"])


def downgrade():
    op.drop_index("ix_form_submissions_created_at", table_name="form_submissions")
    op.drop_table("form_submissions")
