"""Every route of the admin blueprint and of the tablet sign-in, walked as every role.

Roles: anonymous, a learner, the group's instructor, another group's instructor, the coordinator.
Who gets what follows from the rules the app declares (tests/routes.py); here is only how to reach
each route with real objects. A walked route without a request here fails test_every_route_is_walked.
"""
from __future__ import annotations

import secrets

import pytest

from tests.conftest import sign_in, staff_client
from tests.routes import expected, names_an_object, walked_routes
from tests.auth.helpers import set_pictures
from tests.admin.helpers import answers_by_role
from workshop.auth.tablet_models import TabletDevice
from workshop.counsel import rules
from workshop.counsel.models import Topic
from workshop.extensions import db
from workshop.models import Role, digest

ROLES = ("anonymous", "learner", "instructor", "other instructor", "coordinator")


def _device(world) -> int:
    with world["app"].app_context():
        device = TabletDevice(workshop_id=world["a"], token_digest=digest(secrets.token_urlsafe(32)))
        db.session.add(device)
        db.session.commit()
        return device.id


def _topic(world) -> int:
    with world["app"].app_context():
        return rules.topics()[0].id


def _own_topic(world) -> int:
    """A topic the coordinator added (a seeded one is translated with the site, not changed here)."""
    with world["app"].app_context():
        rules.topics()
        topic = Topic(key=f"own-{secrets.token_hex(6)}", label_fi=f"Aihe {secrets.token_hex(3)}", position=500)
        db.session.add(topic)
        db.session.commit()
        return topic.id


# (endpoint, method) -> (path, form data). Paths and data may be callables of the world (ids are
# known only once it is made).
REQUESTS = {
    ("admin.index", "GET"): ("/admin/", None),
    ("admin.group", "GET"): (lambda w: f"/admin/groups/{w['a']}", None),
    ("admin.group", "POST"): (lambda w: f"/admin/groups/{w['a']}", lambda w: {"instructors": [str(w["deeqa"])]}),
    ("admin.instructors", "GET"): ("/admin/instructors", None),
    ("admin.instructors", "POST"): ("/admin/instructors",
                                    lambda w: {"username": f"new{secrets.token_hex(3)}", "display_name": "New", "language": "so"}),
    ("admin.instructor", "GET"): (lambda w: f"/admin/instructors/{w['target']}", None),
    ("admin.reset_password", "POST"): (lambda w: f"/admin/instructors/{w['target']}/password", {}),
    ("admin.set_active", "POST"): (lambda w: f"/admin/instructors/{w['target']}/active", {"active": "1"}),
    ("admin.set_rights", "POST"): (lambda w: f"/admin/instructors/{w['target']}/rights", {"wording-so": "1"}),
    ("admin.set_address", "POST"): (lambda w: f"/admin/instructors/{w['target']}/address", {"address": "masculine"}),
    ("admin.report", "GET"): ("/admin/report?start=2020-01-01", None),
    ("admin.report_csv", "GET"): ("/admin/report/learners.csv", None),
    ("admin.outcomes_report", "GET"): ("/admin/outcomes?start=2020-01-01", None),
    ("admin.outcomes_csv", "GET"): ("/admin/outcomes.csv", None),
    ("admin.counsel.log", "GET"): ("/admin/counselling/log", None),
    ("admin.counsel.topics", "GET"): ("/admin/counselling/topics", None),
    ("admin.counsel.topic_add", "POST"): ("/admin/counselling/topics", lambda w: {"label_en": f"Topic {secrets.token_hex(3)}"}),
    ("admin.counsel.topic_edit", "GET"): (lambda w: f"/admin/counselling/topics/{_own_topic(w)}", None),
    ("admin.counsel.topic_edit", "POST"): (lambda w: f"/admin/counselling/topics/{_own_topic(w)}",
                                           lambda w: {"label_so": f"Mawduuc {secrets.token_hex(3)}"}),
    ("admin.counsel.topic_active", "POST"): (lambda w: f"/admin/counselling/topics/{_topic(w)}/active", {"active": "0"}),
    ("auth.tablet.names", "GET"): ("/tablet/", None),
    ("auth.tablet.idle", "GET"): ("/tablet/idle", None),
    ("auth.tablet.still_here", "POST"): ("/tablet/still-here", {}),
    ("auth.tablet.learner", "GET"): (lambda w: f"/tablet/learners/{w['amina']}", None),
    ("auth.tablet.learner", "POST"): (lambda w: f"/tablet/learners/{w['amina']}", {"picture": "2"}),
    ("auth.tablet.setup_index", "GET"): ("/tablet/setup/", None),
    ("auth.tablet.setup", "GET"): (lambda w: f"/tablet/setup/{w['a']}", None),
    ("auth.tablet.setup", "POST"): (lambda w: f"/tablet/setup/{w['a']}", {}),
    ("auth.tablet.remove_device", "POST"): (lambda w: f"/tablet/setup/{w['a']}/devices/{_device(w)}/remove", {}),
    ("auth.tablet.pictures", "GET"): (lambda w: f"/tablet/pictures/{w['amina']}", None),
    ("auth.tablet.pictures", "POST"): (lambda w: f"/tablet/pictures/{w['amina']}", {"random": "1"}),
}


def test_every_route_is_walked(app):
    routes = {route for route in walked_routes(app) if route[0].startswith(("admin.", "auth.tablet."))}
    missing = routes - set(REQUESTS)
    assert not missing, f"routes this walk does not send (add how to reach them to REQUESTS): {sorted(missing)}"
    stale = set(REQUESTS) - routes
    assert not stale, f"REQUESTS names routes that do not exist: {sorted(stale)}"


@pytest.fixture
def world(app, factory):
    deeqa = factory.staff("deeqa")
    rasha = factory.staff("rasha")
    target = factory.staff("target")
    factory.staff("liisa", role=Role.COORDINATOR)
    a = factory.workshop("so", name="Somali group", instructor=deeqa)
    b = factory.workshop("ar", name="Arabic group", instructor=rasha)
    amina, code, _ = factory.learner(a, name="Amina")
    factory.learner(b, name="Layla")
    set_pictures(app, amina)
    clients = {"anonymous": app.test_client()}
    clients["learner"] = app.test_client()
    assert sign_in(clients["learner"], code).status_code == 303
    clients["instructor"] = staff_client(app, "deeqa")
    clients["other instructor"] = staff_client(app, "rasha")
    clients["coordinator"] = staff_client(app, "liisa")
    return {"app": app, "a": a, "b": b, "deeqa": deeqa, "rasha": rasha, "target": target, "amina": amina,
            "clients": clients}


@pytest.mark.parametrize("route", sorted(REQUESTS), ids=lambda r: f"{r[1]} {r[0]}")
def test_route_as_every_role(world, route):
    app = world["app"]
    path, data = REQUESTS[route]
    owned = names_an_object(walked_routes(app)[route])
    assert answers_by_role(world, ROLES, route, path, data) == {
        role: expected(app, *route, role, owned) for role in ROLES}
