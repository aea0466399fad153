"""review: a narration of the masculine wording, where an Arabic learner addressed as a man reads other words

A lesson text in Arabic addresses the learner as a woman; a learner addressed as a man reads the
masculine overlay's wording (translations/ar/LC_MESSAGES/lessons-masculine.po) where it differs.
That is a different text to read aloud: it gets a recording of its own, `variant` "masculine", so a
father never hears the feminine-addressed recording. Every existing recording is of the catalogs'
wording (`variant` ""). One recording per language, text and variant. The downgrade deletes the
masculine recordings with their sounds.

Revision ID: 0033_narration_variants
Revises: 0026_narration_texts
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = "0033_narration_variants"
down_revision = "0026_narration_texts"
branch_labels = None
depends_on = None

narrations = sa.table("review_narrations", sa.column("id", sa.Integer), sa.column("locale", sa.String),
                      sa.column("filename", sa.String), sa.column("variant", sa.String))
files = sa.table("stored_files", sa.column("name", sa.String))
version = sa.table("review_version", sa.column("id", sa.Integer), sa.column("token", sa.String))
# SQLite keeps the old constraint unnamed: the batch copy names it by this convention to drop it.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def _old_unique(connection) -> str:
    for constraint in sa.inspect(connection).get_unique_constraints("review_narrations"):
        if sorted(constraint["column_names"]) == ["context", "locale"] and constraint.get("name"):
            return constraint["name"]
    return "uq_review_narrations_locale_context"


def upgrade():
    connection = op.get_bind()
    old = _old_unique(connection)
    with op.batch_alter_table("review_narrations", naming_convention=NAMING) as batch:
        batch.add_column(sa.Column("variant", sa.String(length=16), nullable=False, server_default=""))
        batch.drop_constraint(old, type_="unique")
        batch.create_unique_constraint("uq_review_narrations_text", ["locale", "context", "variant"])
    _bump(connection)


def _bump(connection) -> None:
    """Running processes keep a copy of which narrations exist: a new token makes them read it again."""
    token = secrets.token_hex(16)
    if connection.execute(version.update().where(version.c.id == 1).values(token=token)).rowcount == 0:
        connection.execute(version.insert().values(id=1, token=token))


def downgrade():
    connection = op.get_bind()
    for row_id, locale, filename in connection.execute(
            sa.select(narrations.c.id, narrations.c.locale, narrations.c.filename).where(narrations.c.variant != "")).all():
        connection.execute(files.delete().where(files.c.name == f"narrations/{locale}/{filename}"))
        connection.execute(narrations.delete().where(narrations.c.id == row_id))
    _bump(connection)
    with op.batch_alter_table("review_narrations") as batch:
        batch.drop_constraint("uq_review_narrations_text", type_="unique")
        batch.create_unique_constraint("uq_review_narrations_locale_context", ["locale", "context"])
        batch.drop_column("variant")
