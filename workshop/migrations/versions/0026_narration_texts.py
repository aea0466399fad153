"""review: a narration belongs to one lesson text (course/lesson/step/field), with the hash of the wording read

A narration was one recording per step (context course/lesson/step). It now belongs to one text of
the lessons catalog: a step's text, its question, each answer to choose, a practice goal; and it
keeps the hash of the wording it was read from (and the wording), so a text changed since is
"record again". Each existing narration becomes the recording of its step's main text (the one
"Listen" read: `text` of explain and summary, `question` of choose and tap, `goal` of practice),
read from the step's type in its lesson file; its wording is not known (NULL: "record again", and
learners still hear it). A step no longer in its lesson file keeps `text` (`flask review prune`
removes recordings of texts that are gone). The downgrade turns main-text recordings back into step
recordings and deletes the others (answers' recordings), with their sounds.

Revision ID: 0026_narration_texts
Revises: 0017_review_files
"""
import secrets
import tomllib
from pathlib import Path

from alembic import op
import sqlalchemy as sa
from flask import current_app, has_app_context

revision = "0026_narration_texts"
down_revision = "0017_review_files"
branch_labels = None
depends_on = None

# The field each step type read aloud at this revision (Step.spoken_field).
SPOKEN = {"explain": "text", "summary": "text", "choose": "question", "tap": "question", "practice": "goal"}
MAIN_FIELDS = set(SPOKEN.values())

narrations = sa.table("review_narrations", sa.column("id", sa.Integer), sa.column("locale", sa.String),
                      sa.column("context", sa.String), sa.column("filename", sa.String))
files = sa.table("stored_files", sa.column("name", sa.String))
version = sa.table("review_version", sa.column("id", sa.Integer), sa.column("token", sa.String))


def _lessons() -> Path:
    if has_app_context():
        return Path(current_app.config["LESSONS_DIR"])
    return Path(__file__).resolve().parents[3] / "lessons"


def _spoken_field(root: Path, course: str, lesson: str, step: str) -> str:
    path = root / course / f"{lesson}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "text"
    for item in data.get("steps", []):
        if isinstance(item, dict) and item.get("id") == step:
            return SPOKEN.get(item.get("type"), "text")
    return "text"


def upgrade():
    with op.batch_alter_table("review_narrations") as batch:
        batch.add_column(sa.Column("text_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))
    connection = op.get_bind()
    root = _lessons()
    for row_id, context in connection.execute(sa.select(narrations.c.id, narrations.c.context)).all():
        parts = context.split("/")
        if len(parts) != 3:
            continue
        field = _spoken_field(root, *parts)
        connection.execute(narrations.update().where(narrations.c.id == row_id).values(context=f"{context}/{field}"))
    _bump(connection)


def _bump(connection) -> None:
    """Running processes keep a copy of which narrations exist: a new token makes them read it again."""
    token = secrets.token_hex(16)
    if connection.execute(version.update().where(version.c.id == 1).values(token=token)).rowcount == 0:
        connection.execute(version.insert().values(id=1, token=token))


def downgrade():
    connection = op.get_bind()
    for row_id, locale, context, filename in connection.execute(
            sa.select(narrations.c.id, narrations.c.locale, narrations.c.context, narrations.c.filename)).all():
        parts = context.split("/")
        if len(parts) == 4 and parts[3] in MAIN_FIELDS:
            connection.execute(narrations.update().where(narrations.c.id == row_id).values(context="/".join(parts[:3])))
        else:
            connection.execute(files.delete().where(files.c.name == f"narrations/{locale}/{filename}"))
            connection.execute(narrations.delete().where(narrations.c.id == row_id))
    _bump(connection)
    with op.batch_alter_table("review_narrations") as batch:
        batch.drop_column("text")
        batch.drop_column("text_hash")
