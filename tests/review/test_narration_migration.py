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


def test_step_narrations_become_recordings_of_the_step_main_text(tmp_path, monkeypatch):
    """0026: a recording of a step is kept as the recording of the text "Listen" read (explain: text,
    choose: question); its wording is not known, so it is "record again" (and still plays). The
    downgrade turns them back and deletes answers' recordings with their sounds."""
    from workshop.review import narration

    instance = tmp_path / "instance"
    monkeypatch.setenv("ASKEL_INSTANCE", str(instance))
    app = create_app({"TESTING": True, "SECRET_KEY": "migration-test", "INSTANCE_PATH": str(instance),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    row = ("INSERT INTO review_narrations (locale, context, filename, mimetype, size, duration_ms, digest, created_at) "
           "VALUES ('so', '{context}', '{name}', 'audio/wav', 4, 1000, 'x', '2026-01-05 10:00:00')")
    stored = "INSERT INTO stored_files (name, data, size, created_at) VALUES ('narrations/so/{name}', x'52494646', 4, '2026-01-05 10:00:00')"
    with app.app_context():
        upgrade(revision="0017_review_files")
        with db.engine.begin() as conn:
            for context, name in [("start/01-welcome/welcome", "welcomewelcome.wav"),
                                  ("start/01-welcome/quiz-what", "quizquizquizquiz.wav"),
                                  ("start/01-welcome/gone-step", "gonegonegonegone.wav")]:
                conn.execute(sa.text(row.format(context=context, name=name)))
                conn.execute(sa.text(stored.format(name=name)))
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT context, filename, text_hash FROM review_narrations ORDER BY filename")).all()
        assert [tuple(r) for r in rows] == [
            ("start/01-welcome/gone-step/text", "gonegonegonegone.wav", None),
            ("start/01-welcome/quiz-what/question", "quizquizquizquiz.wav", None),
            ("start/01-welcome/welcome/text", "welcomewelcome.wav", None),
        ]
        with app.test_request_context():
            statuses = {u.context: u.status for u in narration.units("so", "start", "01-welcome")}
        assert statuses["start/01-welcome/welcome/text"] == statuses["start/01-welcome/quiz-what/question"] == "stale"
        with db.engine.begin() as conn:  # an answer recorded after the upgrade
            conn.execute(sa.text(row.format(context="start/01-welcome/quiz-what/option/nothing/text",
                                            name="answeranswer.wav")))
            conn.execute(sa.text(stored.format(name="answeranswer.wav")))
        downgrade(revision="0017_review_files")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT context FROM review_narrations ORDER BY context")).scalars().all()
            names = conn.execute(sa.text("SELECT name FROM stored_files ORDER BY name")).scalars().all()
        assert rows == ["start/01-welcome/gone-step", "start/01-welcome/quiz-what", "start/01-welcome/welcome"]
        assert names == ["narrations/so/gonegonegonegone.wav", "narrations/so/quizquizquizquiz.wav",
                         "narrations/so/welcomewelcome.wav"]  # the answer's recording went with its sound
        db.engine.dispose()
