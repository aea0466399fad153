"""review: rights to correct wording and record narrations, granted per instructor and language

Before, an instructor's right followed her interface language, so switching it gave her the right
for any language. Instructors who had the right keep it for the language their account had then.

Revision ID: 0009_review_grants
Revises: 0007_review
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_review_grants"
down_revision = "0007_review"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_grants",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("right", sa.String(length=16), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["granted_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("user_id", "locale", "right"),
    )
    users = sa.table("users", sa.column("id"), sa.column("role"), sa.column("locale"))
    grants = sa.table("review_grants", sa.column("user_id"), sa.column("locale"), sa.column("right"),
                      sa.column("granted_at"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.locale).where(
        users.c.role == "instructor", users.c.locale.in_(("so", "ar", "fi", "en")))).all()
    now = sa.func.current_timestamp()
    for row in rows:
        for right in ("wording", "narration"):
            bind.execute(grants.insert().values(user_id=row.id, locale=row.locale, right=right, granted_at=now))


def downgrade():
    op.drop_table("review_grants")
