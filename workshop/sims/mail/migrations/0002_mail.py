"""practice inbox tables (sim_mail_*)

Revision ID: 0002_mail
Revises: 0001_core
Create Date: 2026-11-23 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002_mail"
down_revision = "0001_core"
branch_labels = ("mail",)
depends_on = None


def upgrade():
    op.create_table(
        "sim_mail_boxes",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=120), nullable=False),
        sa.Column("seeded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.create_table(
        "sim_mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("scenario_key", sa.String(length=40), nullable=True),
        sa.Column("folder", sa.String(length=16), nullable=False),
        sa.Column("previous_folder", sa.String(length=16), nullable=True),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.Column("from_name", sa.String(length=120), nullable=False),
        sa.Column("from_addr", sa.String(length=254), nullable=False),
        sa.Column("to_addr", sa.String(length=600), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("related_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deliver_at", sa.DateTime(), nullable=False),
        sa.Column("link_opened_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["related_id"], ["sim_mail_messages.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sim_mail_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sim_mail_messages_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "sim_mail_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("asset", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["sim_mail_messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sim_mail_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sim_mail_attachments_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sim_mail_attachments_message_id"), ["message_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sim_mail_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sim_mail_attachments_message_id"))
        batch_op.drop_index(batch_op.f("ix_sim_mail_attachments_learner_id"))
    op.drop_table("sim_mail_attachments")
    with op.batch_alter_table("sim_mail_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sim_mail_messages_learner_id"))
    op.drop_table("sim_mail_messages")
    op.drop_table("sim_mail_boxes")
