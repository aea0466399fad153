"""Her data (issue 12, item 15): the export holds everything, every practice service included; a
deletion leaves no trace of her text in the database files; error logs never hold what she typed."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token, Factory, sign_in, staff_client
from workshop import create_app
from workshop.auth.tablet_models import set_picture_password
from workshop.extensions import db
from workshop.models import User
from workshop.sims import discover

MARKER = "Zqx-her-own-words-7741"


def _practise(client, marker: str = MARKER):
    """She opens every practice service (each seeds her sandbox) and writes a draft in the inbox."""
    for sim in discover():
        assert client.get(f"/practice/{sim}/").status_code == 200, sim
    response = client.post("/practice/mail/compose", data={
        "csrf_token": csrf_token(client, "/practice/mail/compose"), "to": "opettaja@koulu.example",
        "subject": "Kysymys", "body": marker, "action": "draft"})
    assert response.status_code == 303


def test_her_file_holds_every_practice_service_and_her_picture_password(app, factory, teacher):
    client, _uid, wid = teacher
    amina, code, _ = factory.learner(wid, name="Amina")
    other, other_code, _ = factory.learner(wid, name="Bilan")
    learner = app.test_client()
    assert sign_in(learner, code).status_code == 303
    _practise(learner)
    someone = app.test_client()
    assert sign_in(someone, other_code).status_code == 303
    _practise(someone, marker="Bilan-wrote-this")
    with app.app_context():
        set_picture_password(amina, [2, 7, 0])
        db.session.commit()
    data = json.loads(client.get(f"/teach/groups/{wid}/learners/{amina}/data.json").get_data())
    assert set(data["practice"]) == set(discover())  # every registered service contributes
    for name, part in data["practice"].items():
        assert part and any(part.values()), f"{name} gave nothing although she used it"
    assert MARKER in json.dumps(data) and "Bilan-wrote-this" not in json.dumps(data)
    assert data["practice"]["bank"]["accounts"] and data["practice"]["wilma"]["threads"]
    with app.app_context():  # and each service gives all of her rows, in every table it keeps
        for name, part in data["practice"].items():
            tables = [t for t in db.metadata.sorted_tables if t.name.startswith(f"sim_{name}_")]
            assert tables, name
            stored = sum(db.session.scalar(sa.select(sa.func.count()).select_from(t).where(t.c.learner_id == amina))
                         for t in tables)
            assert sum(len(rows) for rows in part.values()) == stored, name
    assert data["picture_password"]["set"] is True and data["picture_password"]["set_at"]
    assert "password_hash" not in json.dumps(data)
    assert data["signed_in_devices"] and {d["kind"] for d in data["signed_in_devices"]} <= {"own", "browser", "tablet"}
    assert "token_digest" not in json.dumps(data)
    other_data = json.loads(client.get(f"/teach/groups/{wid}/learners/{other}/data.json").get_data())
    assert other_data["picture_password"] == {"set": False, "set_at": None}


def test_every_sim_keeps_the_contract():
    for name, module in discover().items():
        assert callable(module.export) and callable(module.reset), name


@pytest.fixture
def sqlite_app(tmp_path, monkeypatch):
    """Its own site on a SQLite file, whichever database the suite runs on: the files are the point."""
    monkeypatch.setenv("ASKEL_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}",
                      "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None, "REVIEW_REFRESH_SECONDS": 0,
                      "IDENTITY_SECONDS": 0})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()


def _raw(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_after_deleting_her_no_trace_of_her_text_stays_in_the_database_files(sqlite_app, tmp_path):
    app, factory = sqlite_app, Factory(sqlite_app)
    teacher_id = factory.staff("deeqa")
    wid = factory.workshop("so", instructor=teacher_id)
    amina, code, _ = factory.learner(wid, name="Amina")
    learner = app.test_client()
    assert sign_in(learner, code).status_code == 303
    _practise(learner)
    database = tmp_path / "site.sqlite3"
    assert MARKER.encode() in _raw(database)  # the check can see her text while she exists
    deeqa = staff_client(app, "deeqa")
    path = f"/teach/groups/{wid}/learners/{amina}/delete"
    assert deeqa.post(path, data={"csrf_token": csrf_token(deeqa, path)}).status_code == 303
    with app.app_context():
        assert db.session.get(User, amina) is None
    # the site is still running (its connections open): neither the file nor its log holds her words
    assert MARKER.encode() not in _raw(database)
    assert b"Amina" not in _raw(database)


def test_error_logs_never_hold_what_she_typed(app, learner_client, monkeypatch, caplog):
    """A database fault while her draft is saved: a 500 page, and a log without her words."""
    client, _uid, _code = learner_client
    from workshop.sims.mail import views

    def broken_save(learner, **fields):  # a constraint fails while her words are the statement's values
        db.session.execute(sa.text("INSERT INTO users (id, role, display_name, active, session_version) "
                                   "VALUES (:id, 'learner', :body, true, 1)"), {"id": learner.id, "body": fields["body"]})

    monkeypatch.setattr(views.mb, "save", broken_save)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(app.logger, "disabled", False)  # an in-process Alembic upgrade's fileConfig disables it
    client.get("/practice/mail/")
    token = csrf_token(client, "/practice/mail/compose")
    with caplog.at_level(logging.ERROR):
        response = client.post("/practice/mail/compose", data={
            "csrf_token": token, "to": "x@koulu.example", "subject": f"subject {MARKER}", "body": MARKER,
            "action": "draft"})
    assert response.status_code == 500
    logged = "\n".join([caplog.text, *(r.getMessage() for r in caplog.records)])
    assert "Exception on /practice/mail/compose [POST]" in logged and "IntegrityError" in logged
    assert "INSERT INTO users" in logged  # the statement, without its values
    assert MARKER not in logged


def test_an_error_on_a_card_link_does_not_log_the_token(app, factory, monkeypatch, caplog):
    _uid, _code, token = factory.learner(factory.workshop())
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(app.logger, "disabled", False)  # an in-process Alembic upgrade's fileConfig disables it
    monkeypatch.setattr("workshop.auth.render_template", lambda *a, **k: 1 / 0)
    monkeypatch.setattr("workshop.auth.redirect", lambda *a, **k: 1 / 0)
    with caplog.at_level(logging.ERROR):
        assert app.test_client().get(f"/card/{token}").status_code == 500
    assert "/card/<token>" in caplog.text and token not in caplog.text
