"""Adding a practice service means adding a package and a lesson, nothing else (issue 16, item 2).

The test writes a throw-away service, "tryout", as the next developer would: a package with one route,
one table with its migration, one template, one CSS file, one task check, and one lesson that opens
it. Discovery scans a temporary folder besides workshop/sims/ (the package's parent is the only thing
the test chooses). Then it proves the service is served, authorised, migrated, checked (and shown
done with help in the class view), exported, deleted and backed up, and that the files it wrote are
the only ones that changed anywhere.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import workshop.sims
from tests.conftest import Factory, csrf_token, sign_in
from tests.routes import kind
from tests.conftest import staff_client
from workshop import create_app
from workshop.config import ROOT
from workshop.curriculum import TASKS
from workshop.extensions import db
from workshop.models import User

NAME = "tryout"
PACKAGE = {
    "__init__.py": '''"""A throw-away practice service: a note to write."""
from ..contract import Sim
from . import checks, models, views  # noqa: F401

sim = Sim("tryout", blueprint=views.bp, state=models.TryoutNote, tables=(models.TryoutNote,), seed=models.seed)
''',
    "models.py": '''import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db


class TryoutNote(db.Model):
    __tablename__ = "sim_tryout_notes"

    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(200), default="")


def seed(learner):
    db.session.add(TryoutNote(learner_id=learner.id, text=""))
''',
    "views.py": '''from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ...extensions import db
from ..contract import sandbox, sim_blueprint
from .models import TryoutNote, seed

bp = sim_blueprint(__package__)


@bp.route("/", methods=["GET", "POST"])
def index():
    note = sandbox(TryoutNote, seed, current_user)
    if request.method == "POST":
        note.text = (request.form.get("text") or "")[:200]
        db.session.commit()
        return redirect(url_for("tryout.index"), code=303)
    return render_template("tryout/index.html", note=note)
''',
    "checks.py": '''from ...curriculum import Result, task
from ...extensions import db
from ..contract import not_opened, owned
from .models import TryoutNote


@task("tryout.wrote_note")
def wrote_note(learner) -> Result:
    note = db.session.scalar(owned(TryoutNote, learner))
    if note is None:
        return not_opened()
    return Result(bool(note.text), "" if note.text else "Write a note.")
''',
    "templates/tryout/index.html": '''{% extends "sims/_base.html" %}
{% block sim_head %}<link rel="stylesheet" href="{{ static_url('tryout.css', 'tryout.static') }}">{% endblock %}
{% block sim %}<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<textarea name="text">{{ note.text }}</textarea><button>Tallenna</button></form>
<p class="tryout-note">{{ note.text }}</p>{% endblock %}
''',
    "static/tryout.css": ".tryout-note { font-weight: bold; }\n",
    "migrations/0900_tryout.py": '''"""tryout: a note"""
from alembic import op
import sqlalchemy as sa

revision = "0900_tryout"
down_revision = "0001_core"
branch_labels = ("tryout",)
depends_on = None


def upgrade():
    op.create_table(
        "sim_tryout_notes",
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("learner_id"),
    )


def downgrade():
    op.drop_table("sim_tryout_notes")
''',
}
LESSON = {
    "course.toml": '''title = "Try out"
description = "A throw-away course."
icon = "icons/course-email.svg"
order = 90
lessons = ["01-note"]
''',
    "01-note.toml": '''title = "Write a note"
summary = "You write a note in the practice."

[[steps]]
id = "practice-note"
type = "practice"
picture = "wilma/practice-open.svg"
alt = "A tablet with a practice service"
goal = "Open the practice. Write a note and save it."
task = "tryout.wrote_note"
''',
}
STEP = "/learn/tryout/01-note/steps/practice-note"


def _repo_state() -> str:
    """What git sees changed or added in the project, ignored files aside."""
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def _write(root: Path, files: dict[str, str]) -> set[Path]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return {root / rel for rel in files}


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture
def new_service(tmp_path, monkeypatch):
    before = _repo_state()
    packages, lessons = tmp_path / "sims", tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", lessons)
    existing_lessons = _files(lessons)
    created = _write(packages / NAME, PACKAGE) | _write(lessons / NAME, LESSON)
    monkeypatch.setattr(workshop.sims, "__path__", [*workshop.sims.__path__, str(packages)])
    monkeypatch.setenv("ASKEL_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}", "LESSONS_DIR": str(lessons),
                      "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None, "REVIEW_REFRESH_SECONDS": 0,
                      "IDENTITY_SECONDS": 0})
    try:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(revision="heads")
        yield app
        with app.app_context():
            db.engine.dispose()
        # the files the developer added are the only ones: nothing else in the project changed
        assert _files(packages) | (_files(lessons) - existing_lessons) == created
        assert _repo_state() == before
    finally:  # forget the throw-away service in this test process
        table = db.metadata.tables.get("sim_tryout_notes")
        if table is not None:
            db.metadata.remove(table)
        TASKS.pop("tryout.wrote_note", None)
        for module in [m for m in sys.modules if m == f"workshop.sims.{NAME}" or m.startswith(f"workshop.sims.{NAME}.")]:
            del sys.modules[module]


def test_a_new_service_is_a_package_and_a_lesson(new_service):
    app = new_service
    factory = Factory(app)
    sim = app.extensions["askel_sims"][NAME]

    # migrated: its own Alembic branch, found by discovery, ran with the others
    with app.app_context():
        heads = {row[0] for row in db.session.execute(db.text("SELECT version_num FROM alembic_version"))}
        assert "0900_tryout" in heads
        from workshop.backup import data_tables, expected_revision

        assert "0900_tryout" in expected_revision()  # a backup knows its schema and its rows
        assert "sim_tryout_notes" in {t.name for t in data_tables()}

    # authorised: the route tests know it from the registry; anonymous and staff are turned away
    assert kind(app, "tryout.index") == "learner" and kind(app, "tryout.static") == "public"
    teacher_id = factory.staff("deeqa", password="correct horse battery")
    wid = factory.workshop("en", instructor=teacher_id)
    amina, code, _ = factory.learner(wid, name="Amina", locale="en")
    assert app.test_client().get(f"/practice/{NAME}/").status_code == 302
    deeqa = staff_client(app, "deeqa")
    assert deeqa.get(f"/practice/{NAME}/").status_code == 403

    # served: from the lesson into the practice, its page and its own CSS
    learner = app.test_client()
    assert sign_in(learner, code).status_code == 303
    page = learner.get(STEP).get_data(as_text=True)
    assert f"/practice/open/{NAME}" in page
    opened = learner.get(f"/practice/open/{NAME}?step=tryout/01-note/practice-note")
    assert opened.headers["Location"].endswith(f"/practice/{NAME}/")
    html = learner.get(f"/practice/{NAME}/").get_data(as_text=True)
    assert "Write a note and save it." in html and 'class="tryout-note"' in html
    css = re.search(r'href="(/practice/tryout/static/tryout\.css\?v=[0-9a-f]+)"', html).group(1)
    assert b"tryout-note" in app.test_client().get(css).get_data()

    # checked: the lesson's practice step asks its check, which reads what she did
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    check = learner.post(STEP, data={"csrf_token": csrf_token(learner, STEP), "key": key})
    assert check.status_code == 200 and "Write a note." in check.get_data(as_text=True)
    # she asks for help on the step first, so the class view says she did it with help
    assert learner.post("/help", data={"csrf_token": csrf_token(learner, STEP), "course": "tryout",
                                       "lesson": "01-note", "step": "practice-note"}).status_code in (200, 303)
    saved = learner.post(f"/practice/{NAME}/", data={"csrf_token": csrf_token(learner, f"/practice/{NAME}/"),
                                                     "text": "Zqx-tryout-note"})
    assert saved.status_code == 303
    page = learner.get(STEP).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    check = learner.post(STEP, data={"csrf_token": csrf_token(learner, STEP), "key": key})
    assert check.status_code == 303 and check.headers["Location"].endswith("answered=task")
    assert sim.checks == {"tryout.wrote_note": TASKS["tryout.wrote_note"]}
    progress = deeqa.get(f"/teach/groups/{wid}/progress.csv").get_data(as_text=True)
    assert "Write a note" in progress and "(with help)" in progress.splitlines()[1]  # done with help

    # exported: her file holds what the new service keeps
    data = deeqa.get(f"/teach/groups/{wid}/learners/{amina}/data.json").get_json()
    assert data["practice"][NAME] == {"notes": [{"text": "Zqx-tryout-note"}]}

    # deleted: deleting her deletes it
    path = f"/teach/groups/{wid}/learners/{amina}/delete"
    assert deeqa.post(path, data={"csrf_token": csrf_token(deeqa, path)}).status_code == 303
    with app.app_context():
        assert db.session.get(User, amina) is None
        assert db.session.execute(db.text("SELECT count(*) FROM sim_tryout_notes")).scalar() == 0
