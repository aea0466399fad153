"""Backups a restore can trust: `flask backup` writes them, `flask restore` checks all of one before
it touches anything, then replaces the live data in one step.

A backup is a folder, owner-only (0700, files 0600):

    manifest.json     what is in it: format, database kind, schema revision, row counts, and the
                      size and SHA-256 of every file below (written last: no manifest, no backup)
    askel.sqlite3     the database: SQLite's own online copy; from PostgreSQL, the same tables and
                      rows copied from one snapshot into a SQLite file of the same schema
    secret_key        the app's SECRET_KEY: tablets' device cookies, sign-in sessions and the keyed
                      digests of sign-in codes all depend on it, so a restore on a fresh host needs it

The recorded narrations are in the database (workshop.storage: the `stored_files` table, since
revision 0017), so they are in askel.sqlite3 with the rows that name them.

Restore refuses, with a plain message and nothing changed, unless every file matches the manifest,
SQLite's integrity check passes, the schema revision is the one this code expects (the Alembic heads),
the row counts match, and every narration the database names is there (in `stored_files`) with
its checksum. Then:
SQLite: the copy is written to a temporary file beside the live one and moved over it with
os.replace; PostgreSQL: every table is emptied and filled again in one transaction.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade

from .extensions import db
from .models import utcnow
from .review.models import Narration
from .storage import StoredFile

FORMAT = 1
MANIFEST = "manifest.json"
DB_FILE = "askel.sqlite3"
SECRET_FILE = "secret_key"
VERSION_TABLE = "alembic_version"


class BackupError(Exception):
    """A backup that cannot be made or trusted; the message says why, in plain words."""


# --- owner-only files and folders ---------------------------------------------------------------

def private_dir(path: Path) -> Path:
    """A folder only the owner can open (0700), made with its parents if missing."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path, data: bytes = b"", *, exclusive: bool = False) -> Path:
    """Write a file readable by the owner only (0600) from the moment it exists."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- what the code expects -----------------------------------------------------------------------

def expected_revision() -> list[str]:
    """The Alembic heads of this code: a backup must be at exactly this schema."""
    migrate = current_app.extensions["migrate"]
    return sorted(ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory)).get_heads())


def data_tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _sqlite_connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    return sqlite3.connect(str(path))


# --- backup --------------------------------------------------------------------------------------

def make_backup(destination: Path) -> dict:
    """Write a complete backup into `destination` (new or empty). Returns the manifest."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} is not empty: back up into a new folder.")
    private_dir(destination)
    target = destination / DB_FILE
    private_file(target, exclusive=True)
    backend = db.engine.url.get_backend_name()
    if backend == "sqlite":
        _copy_sqlite_online(Path(db.engine.url.database), target)
    else:
        _copy_tables_to_sqlite(target)
    with _sqlite_connect(target) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        revision = sorted(row[0] for row in conn.execute(f"SELECT version_num FROM {VERSION_TABLE}"))
        counts = {t.name: conn.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0] for t in data_tables()}
    conn.close()
    private_file(destination / SECRET_FILE, current_app.config["SECRET_KEY"].encode())
    files = [DB_FILE, SECRET_FILE]
    manifest = {
        "format": FORMAT,
        "made_at": utcnow().isoformat(timespec="seconds") + "Z",
        "database": backend,
        "revision": revision,
        "rows": counts,
        "files": {name: {"bytes": (destination / name).stat().st_size, "sha256": sha256(destination / name)}
                  for name in files},
    }
    private_file(destination / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def _copy_sqlite_online(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while other connections write."""
    src = _sqlite_connect(source)
    dst = _sqlite_connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _no_foreign_keys(dbapi_connection, _record):  # rows arrive table by table
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    return engine


def _copy_tables_to_sqlite(target: Path) -> None:
    """PostgreSQL: every table, read from one snapshot, into a SQLite file of the same tables."""
    out = _sqlite_engine(target)
    try:
        db.metadata.create_all(out)
        version = sa.Table(VERSION_TABLE, sa.MetaData(), sa.Column("version_num", sa.String(32), primary_key=True))
        version.create(out)
        with db.engine.connect() as live, out.begin() as dst:
            live.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
            rows = live.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
            dst.execute(version.insert(), [{"version_num": r[0]} for r in rows])
            for table in data_tables():
                result = live.execution_options(stream_results=True).execute(table.select().order_by(*table.primary_key))
                for chunk in result.mappings().partitions(1000):
                    dst.execute(table.insert(), [dict(r) for r in chunk])
            live.rollback()
    finally:
        out.dispose()


# --- checking a backup ---------------------------------------------------------------------------

@dataclass
class CheckedBackup:
    folder: Path
    manifest: dict

    @property
    def database(self) -> Path:
        return self.folder / DB_FILE

    def secret_key(self) -> str:
        return (self.folder / SECRET_FILE).read_text().strip()


def check_backup(folder: Path) -> CheckedBackup:
    """Everything a restore needs, checked; BackupError names the first thing that is wrong."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a backup made by `flask backup`.")
    try:
        manifest = json.loads(path.read_text())
        files = manifest["files"]
        if (manifest.get("format") != FORMAT or not isinstance(files, dict)
                or not all(isinstance(entry, dict) for entry in files.values())
                or not isinstance(manifest.get("rows"), dict) or not isinstance(manifest.get("revision"), list)):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise BackupError(f"{path} is damaged or of an unknown format: this backup cannot be used.") from None
    for name in (DB_FILE, SECRET_FILE):
        if name not in files:
            raise BackupError(f"The manifest lists no {name}: this backup is incomplete.")
    root = folder.resolve()
    for name, expected in sorted(files.items()):
        file = (folder / name).resolve()
        if root not in file.parents:
            raise BackupError(f"The manifest names a file outside the backup ({name}): refused.")
        if not file.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if file.stat().st_size != expected.get("bytes") or sha256(file) != expected.get("sha256"):
            raise BackupError(f"{name} is damaged: its checksum is not the one the backup recorded.")
    checked = CheckedBackup(folder, manifest)
    _check_database(checked)
    return checked


def _check_database(checked: CheckedBackup) -> None:
    try:
        conn = _sqlite_connect(checked.database, readonly=True)
    except sqlite3.Error:
        raise BackupError(f"{DB_FILE} cannot be opened: the backup is damaged.") from None
    try:
        verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise BackupError(f"{DB_FILE} failed SQLite's integrity check ({verdict[0]}): the backup is damaged.")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if VERSION_TABLE not in tables:
            raise BackupError(f"{DB_FILE} holds no schema revision: it is empty or not an Askel database.")
        revision = sorted(row[0] for row in conn.execute(f"SELECT version_num FROM {VERSION_TABLE}"))
        expected = expected_revision()
        if revision != expected or revision != checked.manifest.get("revision"):
            raise BackupError(
                f"The backup's schema revision ({', '.join(revision) or 'none'}) is not the one this version of "
                f"Askel expects ({', '.join(expected)}): restore it with the version that made it, then upgrade.")
        missing = [t.name for t in data_tables() if t.name not in tables]
        if missing:
            raise BackupError(f"{DB_FILE} lacks the table {missing[0]}: the backup is incomplete.")
        rows = checked.manifest.get("rows") or {}
        for table in data_tables():
            count = conn.execute(f'SELECT COUNT(*) FROM "{table.name}"').fetchone()[0]
            if rows.get(table.name) != count:
                raise BackupError(f"{DB_FILE} holds {count} rows of {table.name}, the manifest says "
                                  f"{rows.get(table.name)}: the backup is damaged.")
        problems = list(conn.execute("PRAGMA foreign_key_check"))
        if problems:
            raise BackupError(f"{DB_FILE} has rows pointing at missing rows ({problems[0][0]}): the backup is damaged.")
        for locale, filename, size, digest in conn.execute(
                f"SELECT locale, filename, size, digest FROM {Narration.__tablename__}").fetchall():
            sound = conn.execute(f"SELECT data FROM {StoredFile.__tablename__} WHERE name = ?",
                                 (f"narrations/{locale}/{filename}",)).fetchone()
            if sound is None:
                raise BackupError(f"The narration {locale}/{filename} is missing from the backup.")
            if len(sound[0]) != size or hashlib.sha256(sound[0]).hexdigest() != digest:
                raise BackupError(f"The narration {locale}/{filename} is not the recording the database names.")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{DB_FILE} is damaged ({exc}).") from None
    finally:
        conn.close()


# --- restoring -------------------------------------------------------------------------------------

def restore(checked: CheckedBackup) -> list[str]:
    """Replace the live database (narrations included) and secret key by a checked backup. Returns notes for
    the person restoring (e.g. a SECRET_KEY set in the environment that differs from the backup's)."""
    backend = db.engine.url.get_backend_name()
    if checked.manifest.get("database") != backend:
        raise BackupError(f"This backup was made from {checked.manifest.get('database')}; the site now uses "
                          f"{backend}. Restore it into the same kind of database.")
    if backend == "sqlite":
        _restore_sqlite(checked)
    else:
        _restore_postgresql(checked)
    return _restore_secret_key(checked)


def _restore_secret_key(checked: CheckedBackup) -> list[str]:
    key = checked.secret_key()
    notes = []
    if current_app.config["SECRET_KEY_SOURCE"] == "environment" and current_app.config["SECRET_KEY"] != key:
        notes.append("SECRET_KEY is set in the environment and differs from the backup's: set it to the "
                     f"value in {checked.folder / SECRET_FILE}, or set-up tablets and sign-in codes stop working.")
    instance = private_dir(Path(current_app.instance_path))
    temporary = private_file(instance / f".{SECRET_FILE}-{secrets.token_hex(4)}", key.encode(), exclusive=True)
    os.replace(temporary, instance / SECRET_FILE)
    return notes


def _restore_sqlite(checked: CheckedBackup) -> None:
    live = Path(db.engine.url.database)
    private_dir(live.parent)
    temporary = live.parent / f".{live.name}-restore-{secrets.token_hex(4)}"
    private_file(temporary, exclusive=True)
    try:
        _copy_sqlite_online(checked.database, temporary)
        with _sqlite_connect(temporary) as conn:
            if [row[0] for row in conn.execute("PRAGMA integrity_check")] != ["ok"]:
                raise BackupError("The copy of the backup failed SQLite's integrity check: nothing was restored.")
            conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
        db.session.remove()
        db.engine.dispose()
        if live.exists():
            # Fold the live write-ahead log into its file and drop it, so no stale log is applied to the
            # restored file. If it is still there, another process holds the database: the site is running.
            conn = _sqlite_connect(live)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            wal = live.with_name(live.name + "-wal")
            if wal.exists() and wal.stat().st_size:
                raise BackupError("The database is in use (its write-ahead log stays open): stop the site, then restore.")
            for extra in (wal, live.with_name(live.name + "-shm")):
                extra.unlink(missing_ok=True)
        os.replace(temporary, live)
    finally:
        temporary.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            temporary.with_name(temporary.name + suffix).unlink(missing_ok=True)


def _restore_postgresql(checked: CheckedBackup) -> None:
    """Empty every table and fill it from the backup in one transaction: all or nothing."""
    db.session.remove()
    inspector = sa.inspect(db.engine)
    if not inspector.has_table(VERSION_TABLE):
        if any(inspector.has_table(t.name) for t in data_tables()):
            raise BackupError("The database has Askel's tables but no schema revision: restore into an empty "
                              "database or one made by `flask db upgrade`.")
        upgrade(revision="heads")  # a fresh, empty database: make the schema first
    with db.engine.connect() as conn:
        live_revision = sorted(r[0] for r in conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")))
    if live_revision != checked.manifest["revision"]:
        raise BackupError(f"The database is at schema revision {', '.join(live_revision)}, the backup at "
                          f"{', '.join(checked.manifest['revision'])}: run `flask db upgrade` first.")
    tables = data_tables()
    source = _sqlite_engine(checked.database)
    try:
        with db.engine.begin() as dst, source.connect() as src:
            names = ", ".join(f'"{t.name}"' for t in tables)
            dst.execute(sa.text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
            for table in reversed(tables):
                dst.execute(table.delete())
            for table in tables:
                own = [c for c in table.columns for fk in c.foreign_keys if fk.column.table is table]
                result = src.execution_options(stream_results=True).execute(table.select().order_by(*table.primary_key))
                for chunk in result.mappings().partitions(1000):
                    rows = [dict(r) for r in chunk]
                    # a row may point at a later row of its own table: those links are set after
                    dst.execute(table.insert(), [{**r, **{c.name: None for c in own}} for r in rows])
                    for column in own:
                        key = table.primary_key.columns.values()[0]
                        links = [{"_pk": r[key.name], "_v": r[column.name]} for r in rows if r[column.name] is not None]
                        if links:
                            dst.execute(table.update().where(key == sa.bindparam("_pk"))
                                        .values({column.name: sa.bindparam("_v")}), links)
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (column.autoincrement == "auto" and isinstance(
                            column.type, sa.Integer) and len(table.primary_key.columns) == 1 and not column.foreign_keys):
                        dst.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                            f"COALESCE((SELECT MAX(\"{column.name}\") FROM \"{table.name}\"), 0) + 1, false)"),
                            {"table": table.name, "column": column.name})
    except sa.exc.SQLAlchemyError as exc:
        raise BackupError(f"PostgreSQL refused the backup's rows ({exc.__class__.__name__}): nothing was restored.") from None
    finally:
        source.dispose()
