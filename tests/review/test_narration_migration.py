"""0017_review_files: narrations recorded when they were files on one host's disk move into the
database on upgrade (and back out on a downgrade)."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from workshop import create_app
from workshop.extensions import db


def test_existing_narration_files_move_into_the_database(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("ASKEL_INSTANCE", str(instance))
    app = create_app({"TESTING": True, "SECRET_KEY": "migration-test", "INSTANCE_PATH": str(instance),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    sound = b"RIFF" + os.urandom(200)
    with app.app_context():
        upgrade(revision="0009_review_grants")  # the review branch as it was: sounds on the disk
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO review_narrations (locale, context, filename, mimetype, size, duration_ms, digest, created_at) "
                "VALUES ('so', 'start/01-welcome/welcome', 'AbCdEfGhIjKlMnOp.wav', 'audio/wav', 204, 1000, 'x', "
                "'2026-01-05 10:00:00'), ('ar', 'start/01-welcome/welcome', 'lostlostlostlost.wav', 'audio/wav', 1, "
                "1000, 'y', '2026-01-05 10:00:00')"))
        (instance / "narrations" / "so").mkdir(parents=True)
        (instance / "narrations" / "so" / "AbCdEfGhIjKlMnOp.wav").write_bytes(sound)
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name, data, size FROM stored_files ORDER BY name")).all()
        assert [(r.name, bytes(r.data), r.size) for r in rows] == [("narrations/so/AbCdEfGhIjKlMnOp.wav", sound, 204)]
        (instance / "narrations" / "so" / "AbCdEfGhIjKlMnOp.wav").unlink()  # the database alone serves it now
        downgrade(revision="0009_review_grants")
        assert (instance / "narrations" / "so" / "AbCdEfGhIjKlMnOp.wav").read_bytes() == sound
        assert "stored_files" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
