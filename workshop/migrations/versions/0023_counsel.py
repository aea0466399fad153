"""counsel: consent, counselling sessions and their topics, follow-up plans, and the log of who read them (issue 18)

Revision ID: 0023_counsel
Revises: 0001_core

The topics are seeded with their keys (the words are translated where they are shown); the
coordinator may add others later.
"""
from alembic import op
import sqlalchemy as sa


revision = "0023_counsel"
down_revision = "0001_core"
branch_labels = ("counsel",)
depends_on = None

SEEDED_TOPICS = ("education", "employment", "language_training", "services", "family", "housing", "health", "other")


def upgrade():
    op.create_table(
        "counsel_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_counsel_consents_learner_id", "counsel_consents", ["learner_id"])
    op.create_index("uq_counsel_consents_in_force", "counsel_consents", ["learner_id"], unique=True,
                    sqlite_where=sa.text("withdrawn_at IS NULL"), postgresql_where=sa.text("withdrawn_at IS NULL"))

    topics = op.create_table(
        "counsel_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=True),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.bulk_insert(topics, [{"key": key, "label": None, "position": (i + 1) * 10, "active": True}
                            for i, key in enumerate(SEEDED_TOPICS)])

    op.create_table(
        "counsel_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_counsel_sessions_enrollment_id", "counsel_sessions", ["enrollment_id"])

    op.create_table(
        "counsel_session_topics",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["counsel_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["counsel_topics.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("session_id", "topic_id"),
    )

    op.create_table(
        "counsel_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("direction", sa.String(length=24), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("check_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=True),
        sa.Column("result_note", sa.Text(), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["checked_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enrollment_id"),
    )
    op.create_index("ix_counsel_plans_direction", "counsel_plans", ["direction"])
    op.create_index("ix_counsel_plans_check_on", "counsel_plans", ["check_on"])

    op.create_table(
        "counsel_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=True),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["viewer_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_counsel_views_viewed_at", "counsel_views", ["viewed_at"])
    op.create_index("ix_counsel_views_viewer_id", "counsel_views", ["viewer_id"])
    op.create_index("ix_counsel_views_learner_id", "counsel_views", ["learner_id"])


def downgrade():
    op.drop_table("counsel_views")
    op.drop_table("counsel_plans")
    op.drop_table("counsel_session_topics")
    op.drop_table("counsel_sessions")
    op.drop_table("counsel_topics")
    op.drop_table("counsel_consents")
