"""core: how the texts address a learner (users.address: "feminine" or "masculine", empty: the default)

Arabic addresses the learner in the feminine; a father, or his instructor, chooses the masculine
(workshop.address, issue 14 item 12). Existing learners keep the default.

Revision ID: 0018_address
Revises: 0008_sessions
"""
from alembic import op
import sqlalchemy as sa


revision = "0018_address"
down_revision = "0008_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("address", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("address")
