"""core: a help request remembers when her instructor saw it, and whether she withdrew it

"I need help" said "the instructor will come soon" even at home at night and could not be taken
back. `seen_at`: when the request first appeared on an instructor's class view; `withdrawn_at`: she
took it back (the request is closed then: `handled_at` is set too, with no instructor).

Revision ID: 0019_help_seen
Revises: 0008_sessions
"""
from alembic import op
import sqlalchemy as sa


revision = "0019_help_seen"
down_revision = "0008_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("help_requests") as batch:
        batch.add_column(sa.Column("seen_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("help_requests") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("seen_at")
