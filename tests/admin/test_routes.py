"""Every route of the admin blueprint and of the tablet sign-in, walked as every role.

Roles: anonymous, a learner, the group's instructor, another group's instructor, the coordinator.
A route added to `admin` or under `auth.tablet` without an entry in EXPECTED fails
test_every_route_has_an_authorisation_rule, so no route can ship without one.
"""
from __future__ import annotations

import secrets

import pytest

from tests.conftest import sign_in, staff_client
from tests.auth.helpers import set_pictures
from tests.admin.helpers import answers_by_role
from workshop.auth.tablet_models import TabletDevice
from workshop.extensions import db
from workshop.models import Role, digest

ROLES = ("anonymous", "learner", "instructor", "other_instructor", "coordinator")


def only(status_for_coordinator: int) -> dict[str, int]:
    """A coordinator-only page: sign-in for the anonymous, 403 for everyone else."""
    return {"anonymous": 302, "learner": 403, "instructor": 403, "other_instructor": 403,
            "coordinator": status_for_coordinator}


def staff_own_group(ok: int) -> dict[str, int]:
    """A staff page about group A: its instructor and the coordinator; another instructor gets 404."""
    return {"anonymous": 302, "learner": 403, "instructor": ok, "other_instructor": 404, "coordinator": ok}


NO_DEVICE = {role: 403 for role in ROLES}  # picture sign-in needs a tablet set up for the group


def _device(world) -> int:
    with world["app"].app_context():
        device = TabletDevice(workshop_id=world["a"], token_digest=digest(secrets.token_urlsafe(32)))
        db.session.add(device)
        db.session.commit()
        return device.id


# (endpoint, method) -> (path, form data, expected status per role). Paths and data may be callables
# of the world (ids are known only once it is made).
EXPECTED = {
    ("admin.index", "GET"): ("/admin/", None, only(200)),
    ("admin.group", "GET"): (lambda w: f"/admin/groups/{w['a']}", None, only(200)),
    ("admin.group", "POST"): (lambda w: f"/admin/groups/{w['a']}", lambda w: {"instructors": [str(w["deeqa"])]}, only(303)),
    ("admin.instructors", "GET"): ("/admin/instructors", None, only(200)),
    ("admin.instructors", "POST"): ("/admin/instructors",
                                    lambda w: {"username": f"new{secrets.token_hex(3)}", "display_name": "New", "language": "so"},
                                    only(200)),
    ("admin.instructor", "GET"): (lambda w: f"/admin/instructors/{w['target']}", None, only(200)),
    ("admin.reset_password", "POST"): (lambda w: f"/admin/instructors/{w['target']}/password", {}, only(200)),
    ("admin.set_active", "POST"): (lambda w: f"/admin/instructors/{w['target']}/active", {"active": "1"}, only(303)),
    ("admin.set_rights", "POST"): (lambda w: f"/admin/instructors/{w['target']}/rights", {"wording-so": "1"}, only(303)),
    ("admin.report", "GET"): ("/admin/report?start=2020-01-01", None, only(200)),
    ("admin.report_csv", "GET"): ("/admin/report/learners.csv", None, only(200)),
    ("auth.tablet.names", "GET"): ("/tablet/", None, NO_DEVICE),
    ("auth.tablet.idle", "GET"): ("/tablet/idle", None, NO_DEVICE),
    ("auth.tablet.still_here", "POST"): ("/tablet/still-here", {}, NO_DEVICE),
    ("auth.tablet.learner", "GET"): (lambda w: f"/tablet/learners/{w['amina']}", None, NO_DEVICE),
    ("auth.tablet.learner", "POST"): (lambda w: f"/tablet/learners/{w['amina']}", {"picture": "2"}, NO_DEVICE),
    ("auth.tablet.setup_index", "GET"): ("/tablet/setup/", None,
                                         {"anonymous": 302, "learner": 403, "instructor": 200, "other_instructor": 200,
                                          "coordinator": 200}),
    ("auth.tablet.setup", "GET"): (lambda w: f"/tablet/setup/{w['a']}", None, staff_own_group(200)),
    ("auth.tablet.setup", "POST"): (lambda w: f"/tablet/setup/{w['a']}", {}, staff_own_group(303)),
    ("auth.tablet.remove_device", "POST"): (lambda w: f"/tablet/setup/{w['a']}/devices/{_device(w)}/remove", {},
                                            staff_own_group(303)),
    ("auth.tablet.pictures", "GET"): (lambda w: f"/tablet/pictures/{w['amina']}", None, staff_own_group(200)),
    ("auth.tablet.pictures", "POST"): (lambda w: f"/tablet/pictures/{w['amina']}", {"random": "1"}, staff_own_group(200)),
}


def walked_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") or rule.endpoint.startswith("auth.tablet.") or rule.rule.startswith(("/admin", "/tablet")):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.add((rule.endpoint, method))
    return routes


def test_every_route_has_an_authorisation_rule(app):
    routes = walked_routes(app)
    missing = routes - set(EXPECTED)
    assert not missing, f"routes without an entry in EXPECTED (add their expected status per role): {sorted(missing)}"
    stale = set(EXPECTED) - routes
    assert not stale, f"EXPECTED names routes that do not exist: {sorted(stale)}"


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
    clients["other_instructor"] = staff_client(app, "rasha")
    clients["coordinator"] = staff_client(app, "liisa")
    return {"app": app, "a": a, "b": b, "deeqa": deeqa, "rasha": rasha, "target": target, "amina": amina,
            "clients": clients}


@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[1]} {r[0]}")
def test_route_as_every_role(world, route):
    path, data, expected = EXPECTED[route]
    assert set(expected) == set(ROLES)
    assert answers_by_role(world, ROLES, route, path, data) == expected
