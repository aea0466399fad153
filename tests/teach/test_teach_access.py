"""Every route of the `teach` blueprint, as every role: a route without a rule here fails the test.

Roles: anonymous, a learner, the group's own instructor, another group's instructor, the coordinator.
Each (route, role) gets a fresh group, learner and help request, so a delete by one role cannot hide
what the next role may do. CSRF is switched off here only, so the status says what authorisation does.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import sign_in, staff_client
from workshop.extensions import db
from workshop.models import HelpRequest, Role, utcnow

ROLES = ("anonymous", "learner", "owner", "other", "coordinator")
# Not signed in: sent to sign in (302). A learner: 403. Another instructor: 404 (her groups do not
# exist for her). The group's instructor and the coordinator: the page (200), a redirect after a
# change (303) or, for a form sent with missing fields, the form again with its message (422).
DENIED = {"anonymous": 302, "learner": 403, "other": 404}
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("teach.index", "GET"): {"anonymous": 302, "learner": 403, "other": 200, "owner": 200, "coordinator": 200},
    ("teach.group_new", "GET"): {"anonymous": 302, "learner": 403, "other": 200, "owner": 200, "coordinator": 200},
    ("teach.group_new", "POST"): {"anonymous": 302, "learner": 403, "other": 303, "owner": 303, "coordinator": 303},
    ("teach.group", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.group_edit", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.group_edit", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.lessons_plan", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.lessons_plan", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.learners", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.learner_add", "POST"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.learner_rename", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.learner_remove", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.learner_remove", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.learner", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.note_add", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.learner_export", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.learner_delete", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.learner_delete", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.cards", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.cards", "POST"): {**DENIED, "owner": 422, "coordinator": 422},  # nobody chosen: nothing renewed
    ("teach.learner_renew", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.learner_renew", "POST"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.help_handled", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.export_csv", "GET"): {**DENIED, "owner": 200, "coordinator": 200},
    ("teach.learner_sign_out", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
    ("teach.learner_address", "POST"): {**DENIED, "owner": 303, "coordinator": 303},
}
FORM = {
    "name": "Amina", "text": "She reads well.", "language": "so", "location": "Itäkeskus", "weekday": "1",
    "start_time": "17:30", "starts_on": "2026-01-05", "ends_on": "2026-05-30",
}


def teach_routes(app) -> list[tuple[str, str, object]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] == "teach":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, rule))
    return routes


def test_every_teach_route_has_a_rule(app):
    missing = [(e, m) for e, m, _r in teach_routes(app) if (e, m) not in EXPECTED]
    assert not missing, f"teach routes without an authorisation rule in EXPECTED: {missing}"
    stale = set(EXPECTED) - {(e, m) for e, m, _r in teach_routes(app)}
    assert not stale, f"rules for routes that do not exist: {stale}"


@pytest.fixture
def clients(app, factory):
    owner_id = factory.staff("deeqa")
    factory.staff("liisa")
    factory.staff("mirja", role=Role.COORDINATOR)
    _uid, code, _ = factory.learner(factory.workshop("so", name="Her own group"), locale="en")
    learner = app.test_client()
    assert sign_in(learner, code).status_code == 303
    return owner_id, {
        "anonymous": app.test_client(),
        "learner": learner,
        "owner": staff_client(app, "deeqa"),
        "other": staff_client(app, "liisa"),
        "coordinator": staff_client(app, "mirja"),
    }


def fresh_world(app, factory, owner_id) -> dict:
    wid = factory.workshop("so", name="Tuesday group", instructor=owner_id)
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    with app.app_context():
        from workshop.models import Enrollment

        enrollment = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == learner_id))
        help_request = HelpRequest(enrollment_id=enrollment.id, created_at=utcnow() - timedelta(minutes=2))
        db.session.add(help_request)
        db.session.commit()
        return {"workshop_id": wid, "learner_id": learner_id, "request_id": help_request.id}


def test_walk_every_route_as_every_role(app, factory, clients, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    owner_id, by_role = clients
    wrong = []
    for endpoint, method, rule in teach_routes(app):
        expected = EXPECTED[(endpoint, method)]
        for role in ROLES:
            ids = fresh_world(app, factory, owner_id)
            with app.test_request_context():
                from flask import url_for

                url = url_for(endpoint, **{k: ids[k] for k in rule.arguments})
            client = by_role[role]
            response = client.get(url) if method == "GET" else client.post(url, data=FORM)
            if response.status_code != expected[role]:
                wrong.append((endpoint, method, role, expected[role], response.status_code))
    assert not wrong, wrong


def test_another_instructor_never_sees_a_name_from_a_group_not_hers(app, factory, clients):
    owner_id, by_role = clients
    ids = fresh_world(app, factory, owner_id)
    html = by_role["other"].get("/teach/").get_data(as_text=True)
    assert "Tuesday group" not in html and "Hodan" not in html
    assert "Tuesday group" in by_role["coordinator"].get("/teach/").get_data(as_text=True)
    # The right group with a learner of another group: not found either.
    other_wid = factory.workshop("ar", name="Other", instructor=owner_id)
    url = f"/teach/groups/{other_wid}/learners/{ids['learner_id']}"
    assert by_role["owner"].get(url).status_code == 404
