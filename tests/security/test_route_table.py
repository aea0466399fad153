"""The permission layer (workshop/access.py) and the one route table of the walks (tests/routes.py).

Every route is closed until opened: a blueprint's guard or a view's own declaration gives it a rule,
the app refuses to start with a route that has none, and a route added after start-up is refused.
"""
from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from tests.conftest import sign_in
from tests.routes import ANSWERS, kind, walked_routes
from workshop import access, create_app


def _another_app(app):
    """An application of its own (the session's must not gain routes), on the same database."""
    keys = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "RATELIMIT_STORAGE_URI")
    return create_app({key: app.config[key] for key in keys})


def test_the_app_does_not_start_with_a_route_that_has_no_rule(app):
    """create_app gives every route its rule at start-up (access.init_app): one without fails, named."""
    flask_app = _another_app(app)
    assert set(flask_app.extensions[access.ATTRIBUTE]) == {r.endpoint for r in flask_app.url_map.iter_rules()}
    undeclared = access.guard(Blueprint("undeclared", __name__), None)

    @undeclared.route("/forgotten")
    def forgotten():
        return "her data"

    flask_app.register_blueprint(undeclared)
    with pytest.raises(RuntimeError, match="undeclared.forgotten"):
        access.init_app(flask_app)


def test_a_blueprint_guard_closes_a_route_nobody_opened():
    """A route of a guarded blueprint takes the guard's rule without being listed anywhere."""
    flask_app = Flask(__name__)
    guarded = access.guard(Blueprint("guarded", __name__), access.LEARNER)

    @guarded.route("/new-page")
    def new_page():
        return "hers"

    @guarded.route("/open-page")
    @access.public
    def open_page():
        return "anyone's"

    flask_app.register_blueprint(guarded)
    found = access.rules(flask_app)
    assert found["guarded.new_page"] is access.LEARNER
    assert found["guarded.open_page"] is access.PUBLIC
    assert found["static"] is access.PUBLIC


def test_a_route_added_after_start_up_is_refused(app):
    flask_app = _another_app(app)
    flask_app.add_url_rule("/late", "late", lambda: "late")
    response = flask_app.test_client().get("/late")
    assert response.status_code == 403


def test_every_learn_route_but_the_open_ones_is_for_learners(app):
    learn = {r.endpoint: kind(app, r.endpoint) for r in app.url_map.iter_rules() if r.endpoint.startswith("learn.")}
    assert {e for e, k in learn.items() if k != "learner"} == {"learn.index", "learn.language", "learn.media",
                                                               "learn.offline.manifest", "learn.offline.service_worker"}
    practice = {r.endpoint: kind(app, r.endpoint) for r in app.url_map.iter_rules() if r.rule.startswith("/practice/")}
    statics = {e for e in practice if e.endswith(".static")}  # a sim's own CSS and pictures
    assert statics and all(practice[e] == "public" for e in statics)
    assert all(k == "learner" for e, k in practice.items() if e not in statics)


def test_a_learner_in_no_group_is_told_so_on_every_learner_route(app, factory):
    """The learner rule in one place: a learner whose group was removed sees the same page in the
    lesson player and in a sim."""
    uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    with app.app_context():
        from workshop.extensions import db
        from workshop.models import Enrollment

        db.session.execute(db.delete(Enrollment).where(Enrollment.learner_id == uid))
        db.session.commit()
    for path in ("/home", "/practice/mail/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "You are not in a group yet" in response.get_data(as_text=True)


def test_the_table_answers_for_every_walked_route_and_no_other(app):
    routes = walked_routes(app)
    need = {route for route in routes if kind(app, route[0]) != "device"}
    assert not need - set(ANSWERS), f"walked routes without an answer in tests/routes.py ANSWERS: {sorted(need - set(ANSWERS))}"
    assert not set(ANSWERS) - need, f"ANSWERS names routes that are not walked: {sorted(set(ANSWERS) - need)}"
