"""integrity: one open help request per enrolment, enforced by the database

Two quick presses of "I need help" both found no open request and both made one. A partial unique
index (open = not yet handled) makes the second fail, and the view then updates the first. Open
duplicates already stored are closed first, keeping each enrolment's newest.

Revision ID: 0012_help_once
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_help_once"
down_revision = "0001_core"
branch_labels = ("integrity",)
depends_on = None

OPEN = sa.text("handled_at IS NULL")


def upgrade():
    op.execute(sa.text("""
        UPDATE help_requests SET handled_at = created_at
        WHERE handled_at IS NULL AND id NOT IN (
            SELECT newest FROM (
                SELECT MAX(id) AS newest FROM help_requests WHERE handled_at IS NULL GROUP BY enrollment_id
            ) AS open_ones)
    """))
    op.create_index("uq_help_requests_open", "help_requests", ["enrollment_id"], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index("uq_help_requests_open", table_name="help_requests")
