"""Backup and restore of the SQLite database, with the site's own commands."""
from __future__ import annotations

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
    result = runner.invoke(args=["backup", str(tmp_path / "b" / "copy.sqlite3")], obj=obj)
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.add(User(role="instructor", display_name="After", username="after"))
        db.session.commit()
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "b" / "copy.sqlite3")], obj=obj)
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = {u.username for u in db.session.scalars(db.select(User))}
        db.engine.dispose()
    assert names == {"before"}


def test_backup_on_postgresql_gives_guidance(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("runs when the suite runs on PostgreSQL (TEST_DATABASE_URL)")
    result = app.test_cli_runner().invoke(args=["backup", "x.dump"], obj=ScriptInfo(create_app=lambda: app))
    assert "pg_dump" in result.output and "pg_restore" in result.output
