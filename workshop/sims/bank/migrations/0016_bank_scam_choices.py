"""practice bank: remember what she chose to do with a trick message or call (the scam practice tasks
pass only on the safe choice)

Revision ID: 0016_bank
Revises: 0013_bank
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_bank"
down_revision = "0013_bank"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sim_bank_messages") as batch:
        batch.add_column(sa.Column("choice", sa.String(length=40), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("sim_bank_messages") as batch:
        batch.drop_column("choice")
