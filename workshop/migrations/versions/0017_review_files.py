"""review: narrations kept in the database (stored_files), not on one host's disk

A recording made through one host was a 404 on every other: the sound was a file under
instance/narrations/<locale>/. The upgrade moves every file a narration row names into the new
table and leaves the folder as it was (a restore of an older backup puts one back, and the
upgrade then moves its files in; once upgraded, the folder can be deleted). The downgrade
writes the files back out.

Revision ID: 0017_review_files
Revises: 0009_review_grants
"""
import os
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa
from flask import current_app, has_app_context

revision = "0017_review_files"
down_revision = "0009_review_grants"
branch_labels = None
depends_on = None

files = sa.table("stored_files", sa.column("name", sa.String), sa.column("data", sa.LargeBinary),
                 sa.column("size", sa.Integer), sa.column("created_at", sa.DateTime))
narrations = sa.table("review_narrations", sa.column("locale", sa.String), sa.column("filename", sa.String))


def _folder() -> Path | None:
    return Path(current_app.instance_path) / "narrations" if has_app_context() else None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    folder = _folder()
    if folder is None or not folder.is_dir():
        return
    connection = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for locale, filename in connection.execute(sa.select(narrations.c.locale, narrations.c.filename)).all():
        path = folder / locale / filename
        if path.is_file():  # a row whose file was lost stays a 404, as before
            data = path.read_bytes()
            connection.execute(files.insert().values(name=f"narrations/{locale}/{filename}", data=data,
                                                     size=len(data), created_at=now))


def downgrade():
    folder = _folder()
    if folder is not None:
        connection = op.get_bind()
        for name, data in connection.execute(sa.select(files.c.name, files.c.data)).all():
            if name.startswith("narrations/"):
                path = folder.parent / name
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                    f.write(data)
    op.drop_table("stored_files")
