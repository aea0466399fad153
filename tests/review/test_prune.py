"""A recording goes with its text: when a lesson text is removed from the lesson files (an answer,
a step, a lesson), `flask review prune` deletes its recordings and their sounds, and only those."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.review.helpers import LESSON, make_world, stored_narration
from workshop import storage
from workshop.extensions import db
from workshop.review.models import Narration

GONE = f"{LESSON[0]}/{LESSON[1]}/quiz-what/option/finnish-course/text"
KEPT = [f"{LESSON[0]}/{LESSON[1]}/quiz-what/question", f"{LESSON[0]}/{LESSON[1]}/quiz-what/option/three-services/text",
        f"{LESSON[0]}/{LESSON[1]}/welcome/text"]


@pytest.fixture
def world(app, factory):
    return make_world(app, factory)


def recordings(app) -> list[tuple[str, str]]:
    with app.app_context():
        return sorted(tuple(row) for row in db.session.execute(db.select(Narration.locale, Narration.context)))


def sounds(app) -> list[str]:
    with app.app_context():
        return storage.files().names("narrations/")


def site_without_the_answer(app, tmp_path: Path):
    """The same database, served from lesson files where start/01-welcome's wrong answer to
    'quiz-what' was taken out (it had to be replaced by a second wrong one: a choose step needs two)."""
    from workshop import create_app

    lessons = tmp_path / "lessons"
    shutil.copytree(app.config["LESSONS_DIR"], lessons)
    path = lessons / LESSON[0] / f"{LESSON[1]}.toml"
    text = path.read_text()
    old = text[text.index('id = "finnish-course"'):text.index("[[steps]]", text.index('id = "finnish-course"'))]
    path.write_text(text.replace(old, 'id = "cooking"\ntext = "Cooking"\nfeedback = "Not quite. Askel teaches e-mail, '
                                 'the online bank and Wilma."\n\n'))
    return create_app({key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "RATELIMIT_STORAGE_URI", "IDENTITY_SECONDS")}
        | {"INSTANCE_PATH": str(tmp_path / "instance"), "LESSONS_DIR": str(lessons)})


def test_a_removed_answer_takes_its_recordings_and_only_them(app, world, tmp_path):
    for locale in ("so", "ar"):
        for context in [GONE, *KEPT]:
            stored_narration(app, locale, context)
    with app.app_context():  # a sound no recording names (left by a crash on another store)
        storage.files().put("narrations/so/looselooseloose.wav", b"RIFF")
        db.session.commit()
    runner = app.test_cli_runner()
    unchanged = runner.invoke(args=["review", "prune"], input="y\n")
    assert "looselooseloose" in unchanged.output and GONE not in unchanged.output  # today's lessons still have it
    assert len(recordings(app)) == 8 and "narrations/so/looselooseloose.wav" not in sounds(app)

    new = site_without_the_answer(app, tmp_path)
    runner = new.test_cli_runner()
    asked = runner.invoke(args=["review", "prune"], input="n\n")
    assert asked.exit_code == 0 and f"so {GONE}: its text is gone" in asked.output and "Nothing deleted" in asked.output
    assert len(recordings(app)) == 8
    done = runner.invoke(args=["review", "prune", "--yes"])
    assert done.exit_code == 0 and "Deleted 2 recordings" in done.output, done.output
    assert recordings(app) == sorted((loc, c) for loc in ("so", "ar") for c in KEPT)
    assert len(sounds(app)) == 6  # each kept recording's sound, and no other
    assert "nothing to delete" in runner.invoke(args=["review", "prune"]).output
    with new.app_context():
        db.engine.dispose()
