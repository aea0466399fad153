"""Backup and restore of the SQLite database, with the site's own commands."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask.cli import ScriptInfo

from workshop import create_app
from workshop.extensions import db
from workshop.models import User


def test_backup_then_restore_brings_the_data_back(tmp_path, monkeypatch):
    monkeypatch.setenv("ASKEL_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x"})
    runner = app.test_cli_runner()
    obj = ScriptInfo(create_app=lambda: app)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        db.session.add(User(role="instructor", display_name="Before", username="before"))
        db.session.commit()
    narrations = tmp_path / "instance" / "narrations" / "so"
    narrations.mkdir(parents=True)
    (narrations / "a.wav").write_bytes(b"RIFF-before")
    result = runner.invoke(args=["backup", str(tmp_path / "b")], obj=obj)
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.add(User(role="instructor", display_name="After", username="after"))
        db.session.commit()
    (narrations / "a.wav").write_bytes(b"RIFF-after")
    (narrations / "b.wav").write_bytes(b"RIFF-new")
    assert runner.invoke(args=["backup", str(tmp_path / "b")], obj=obj).exit_code != 0  # never over a backup
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "b")], obj=obj)
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = {u.username for u in db.session.scalars(db.select(User))}
        db.engine.dispose()
    assert names == {"before"}
    assert (narrations / "a.wav").read_bytes() == b"RIFF-before" and not (narrations / "b.wav").exists()


def test_backup_on_postgresql_gives_guidance(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("runs when the suite runs on PostgreSQL (TEST_DATABASE_URL)")
    import tempfile

    target = Path(tempfile.mkdtemp()) / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(target)], obj=ScriptInfo(create_app=lambda: app))
    assert "pg_dump" in result.output and "pg_restore" in result.output
