"""Migrations upgrade a database that has data in it, from every earlier revision, on SQLite and
(when TEST_DATABASE_URL is set) on PostgreSQL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from workshop import create_app
from workshop.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "workshop" / "migrations"


def revisions() -> list[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    return [r.revision for r in script.walk_revisions("base", "heads")][::-1]


def _database_urls(tmp_path) -> list[str]:
    urls = [f"sqlite:///{tmp_path / 'migrate.sqlite3'}"]
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = sa.engine.make_url(base)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        name = f"{url.database}_migrations"
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        urls.append(url.set(database=name).render_as_string(hide_password=False))
    return urls


def _core_rows(conn) -> None:
    """Data as the first revision's schema holds it: a group, an instructor, a learner, progress."""
    now = "2026-01-05 10:00:00.000000"  # as SQLAlchemy writes it; PostgreSQL casts the literal
    conn.execute(sa.text(
        "INSERT INTO users (id, role, display_name, username, password_hash, active, session_version, created_at) "
        "VALUES (1, 'instructor', 'Deeqa', 'deeqa', 'x', :t, 1, :now), "
        "(2, 'learner', 'Amina', NULL, NULL, :t, 1, :now)"), {"now": now, "t": True})
    conn.execute(sa.text(
        "INSERT INTO workshops (id, name, language, location, weekday, start_time, starts_on, ends_on, created_at) "
        "VALUES (1, 'Itäkeskus', 'so', 'Itäkeskus', 1, :st, :s, :e, :now)"),
        {"st": "10:00:00.000000", "s": "2026-01-01", "e": "2026-06-01", "now": now})
    conn.execute(sa.text("INSERT INTO workshop_instructors (workshop_id, user_id) VALUES (1, 1)"))
    conn.execute(sa.text("INSERT INTO enrollments (id, workshop_id, learner_id, created_at) VALUES (1, 1, 2, :now)"), {"now": now})
    conn.execute(sa.text(
        "INSERT INTO progress (id, enrollment_id, course, lesson, status, current_step, steps_done, started_at, updated_at) "
        "VALUES (1, 1, 'start', '01-welcome', 'in_progress', 'three-things', :done, :now, :now)"),
        {"done": '["welcome"]', "now": now})
    conn.execute(sa.text(
        "INSERT INTO step_events (id, learner_id, enrollment_id, course, lesson, step, kind, idempotency_key, created_at) "
        "VALUES (1, 2, 1, 'start', '01-welcome', 'welcome', 'next', 'k-0001-abcdef', :now)"), {"now": now})


@pytest.mark.parametrize("start", revisions())
def test_upgrade_from_each_revision_keeps_the_data(tmp_path, monkeypatch, start):
    for url in _database_urls(tmp_path):
        monkeypatch.setenv("ASKEL_INSTANCE", str(tmp_path / "instance"))
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x"})
        with app.app_context():
            upgrade(revision="0001_core")
            with db.engine.begin() as conn:
                _core_rows(conn)
            if start != "0001_core":
                upgrade(revision=start)
            upgrade(revision="heads")
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar() == 2
                assert conn.execute(sa.text("SELECT count(*) FROM step_events")).scalar() == 1
                assert conn.execute(sa.text("SELECT status FROM progress")).scalar() == "in_progress"
            from workshop.models import Progress

            assert db.session.get(Progress, 1).steps_done == ["welcome"]
            db.session.remove()
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.engine.dispose()


def test_upgrade_rekeys_stored_codes_and_stops_id_reuse(tmp_path, monkeypatch):
    """0008: codes stored as plain SHA-256 before still sign in (re-keyed by the server's secret),
    and SQLite stops giving a deleted user's id to the next one (issue 12, items 1 and 4)."""
    import hashlib

    from workshop.models import digest

    for url in _database_urls(tmp_path):
        monkeypatch.setenv("ASKEL_INSTANCE", str(tmp_path / "instance"))
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                          "SECRET_KEY": "x"})
        with app.app_context():
            upgrade(revision="0001_core")
            with db.engine.begin() as conn:
                _core_rows(conn)
                conn.execute(sa.text("UPDATE users SET code_digest = :d WHERE id = 2"),
                             {"d": hashlib.sha256(b"ACDE3467").hexdigest()})
            upgrade(revision="heads")
            with db.engine.begin() as conn:
                assert conn.execute(sa.text("SELECT code_digest FROM users WHERE id = 2")).scalar() == digest("ACDE3467")
                if conn.dialect.name == "postgresql":  # the rows above were inserted with their ids
                    conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('users', 'id'), 2)"))
                conn.execute(sa.text("DELETE FROM users WHERE id = 2"))
                assert conn.execute(sa.text("SELECT count(*) FROM step_events")).scalar() == 0  # cascade still there
                conn.execute(sa.text(
                    "INSERT INTO users (role, display_name, active, session_version, created_at) "
                    "VALUES ('learner', 'Hodan', :t, 1, '2026-01-06 10:00:00')"), {"t": True})
                assert conn.execute(sa.text("SELECT max(id) FROM users")).scalar() == 3
        with app.app_context():
            db.engine.dispose()
