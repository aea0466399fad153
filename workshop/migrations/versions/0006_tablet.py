"""tablet sign-in: shared tablets set up for a group, learners' picture passwords

Revision ID: 0006_tablet
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_tablet"
down_revision = "0001_core"
branch_labels = ("tablet",)
depends_on = None


def upgrade():
    op.create_table(
        "tablet_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    op.create_index(op.f("ix_tablet_devices_workshop_id"), "tablet_devices", ["workshop_id"], unique=False)
    op.create_table(
        "picture_passwords",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("learner_id"),
    )


def downgrade():
    op.drop_table("picture_passwords")
    op.drop_index(op.f("ix_tablet_devices_workshop_id"), table_name="tablet_devices")
    op.drop_table("tablet_devices")
