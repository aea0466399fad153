"""core: device sessions, keyed digests of sign-in secrets, user ids never reused on SQLite

- `device_sessions`: a signed-in device is named in cookies by a random token, never by a user id.
  Every session and remember cookie made before this revision opens nothing after it: people
  sign in once more.
- Codes, card tokens and tablet tokens were stored as plain SHA-256; they become HMAC-SHA-256 of
  that SHA-256, keyed by the app's SECRET_KEY (models.keyed_digest), so the database alone no longer
  lets anyone test guesses offline. Needs the app's configuration (run through `flask db upgrade`).
- SQLite: the users table is rebuilt with AUTOINCREMENT, so a deleted learner's id is never given
  to the next one (PostgreSQL sequences never reuse ids anyway).

Revision ID: 0008_sessions
Revises: 0001_core
"""
import re

from alembic import op
import sqlalchemy as sa
from flask import current_app

from workshop.models import keyed_digest

revision = "0008_sessions"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "device_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    op.create_index("ix_device_sessions_user_id", "device_sessions", ["user_id"])

    bind = op.get_bind()
    key = current_app.config["SECRET_KEY"]
    tables = set(sa.inspect(bind).get_table_names())
    _rekey(bind, "users", ("code_digest", "card_digest"), key)
    if "tablet_devices" in tables:
        _rekey(bind, "tablet_devices", ("token_digest",), key)

    if bind.dialect.name == "sqlite":
        _sqlite_autoincrement(bind, "users")


def _rekey(bind, table: str, columns: tuple[str, ...], key) -> None:
    t = sa.table(table, sa.column("id"), *(sa.column(c) for c in columns))
    for row in bind.execute(sa.select(t)).all():
        values = {c: keyed_digest(getattr(row, c), key) for c in columns if getattr(row, c)}
        if values:
            bind.execute(t.update().where(t.c.id == row.id).values(**values))


def _sqlite_autoincrement(bind, table: str) -> None:
    """Rebuild a table with AUTOINCREMENT, keeping its rows and every reference to it.

    With foreign keys on, SQLite's DROP TABLE deletes the rows first (and cascades); with a modern
    ALTER TABLE ... RENAME the references in other tables follow the renamed table. So the copy is
    made with foreign keys off and the legacy rename, as SQLite's documentation describes for
    changing a table's definition.
    """
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:n"), {"n": table}).scalar()
    if sql is None or "AUTOINCREMENT" in sql.upper():
        return
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()  # PRAGMA foreign_keys is a no-op inside a transaction
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar() != 0:
            raise RuntimeError("could not switch SQLite foreign keys off to rebuild the users table")
        bind.exec_driver_sql("PRAGMA legacy_alter_table=ON")
        new_sql = re.sub(r",\s*PRIMARY KEY \(id\)", "", sql, count=1)
        new_sql = new_sql.replace("id INTEGER NOT NULL", "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", 1)
        new_sql = new_sql.replace(f"CREATE TABLE {table}", f"CREATE TABLE {table}_new", 1)
        if "PRIMARY KEY AUTOINCREMENT" not in new_sql:
            raise RuntimeError(f"unexpected definition of {table}: {sql}")
        indexes = [r[0] for r in bind.exec_driver_sql(
            f"SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='{table}' AND sql IS NOT NULL")]
        bind.exec_driver_sql(new_sql)
        bind.exec_driver_sql(f"INSERT INTO {table}_new SELECT * FROM {table}")
        bind.exec_driver_sql(f"DROP TABLE {table}")
        bind.exec_driver_sql(f"ALTER TABLE {table}_new RENAME TO {table}")
        for index in indexes:
            bind.exec_driver_sql(index)
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
        if problems:
            raise RuntimeError(f"foreign keys broken by rebuilding {table}: {problems[:5]}")
    finally:
        if raw.in_transaction:
            raw.commit()  # as above: foreign keys can only be switched back on outside a transaction
        bind.exec_driver_sql("PRAGMA legacy_alter_table=OFF")
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar() != 1:
            raise RuntimeError("could not switch SQLite foreign keys back on")


def downgrade():
    raise NotImplementedError("digests cannot be un-keyed; restore a backup instead")
