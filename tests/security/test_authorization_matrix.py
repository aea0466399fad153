"""The authorisation matrix, generated from the app's URL map.

Every route has a rule the application declares (workshop/access.py), read here through tests/routes.py;
the app does not start with a route that has none. The test builds a small world
(two groups, each with an instructor and learners; a coordinator), finds a real URL for every route
by crawling the pages its owner sees (so the ids are the owner's own objects: her messages, her
payments, the instructor's group), and replays each URL as anonymous, the owner, another learner,
the group's instructor, another group's instructor and the coordinator, checking the answer.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from workshop.counsel.rules import give_consent
from workshop.review.models import set_grants

from tests.conftest import csrf_token, sign_in
from tests.routes import ENDS_SESSION, refused
from tests.routes import kind as rule_kind
from tests.security.crawl import crawl, example_url
from workshop.extensions import db
from workshop.models import HelpRequest, Role, User, Workshop


def test_every_route_has_a_rule(app):
    """The rules are the application's own (workshop.access); the app refuses to start without one
    for every route, and this checks each is a kind the walks know."""
    kinds = {rule.endpoint: rule_kind(app, rule.endpoint) for rule in app.url_map.iter_rules()}
    assert set(kinds.values()) <= {"public", "signed-in", "learner", "staff", "coordinator", "device"}
    assert kinds["learn.step"] == "learner" and kinds["teach.group"] == "staff" and kinds["admin.index"] == "coordinator"


def _staff_client(app, username: str):
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={"username": username, "password": "matrix-password", "csrf_token": token})
    assert response.status_code == 303
    return client


@pytest.fixture
def world(app, factory):
    deeqa = factory.staff("deeqa", password="matrix-password")
    rasha = factory.staff("rasha", password="matrix-password")
    factory.staff("liisa", role=Role.COORDINATOR, password="matrix-password")
    group_a = factory.workshop("so", name="A", instructor=deeqa)
    group_b = factory.workshop("so", name="B", instructor=rasha)
    _a, code_a, _ = factory.learner(group_a, name="Amina", locale="en")
    _a2, _code_a2, _ = factory.learner(group_a, name="Ayaan", locale="en")
    _b, code_b, _ = factory.learner(group_b, name="Basra", locale="en")
    with app.app_context():
        for uid in (deeqa, rasha):
            db.session.get(User, uid).locale = "so"
            set_grants(uid, {("so", "wording"), ("so", "narration")})
        enrollment = db.session.get(Workshop, group_a).enrollments[0]
        db.session.add(HelpRequest(enrollment_id=enrollment.id, course="start", lesson="01-welcome", step="welcome"))
        # her consent: the counselling forms and the notes form on her lessons page are there to crawl
        give_consent(enrollment.learner_id, deeqa)
        db.session.commit()
    clients = {"anonymous": app.test_client()}
    for role, code in (("learner", code_a), ("other learner", code_b)):
        clients[role] = app.test_client()
        assert sign_in(clients[role], code).status_code == 303
    clients["instructor"] = _staff_client(app, "deeqa")
    clients["other instructor"] = _staff_client(app, "rasha")
    clients["coordinator"] = _staff_client(app, "liisa")
    return clients


def _samples(app, clients) -> dict[str, tuple[str, str]]:
    """A real URL (and method) for each endpoint, found by crawling as the owner of the objects."""
    adapter = app.url_map.bind("localhost")
    samples: dict[str, tuple[str, str]] = {}
    starts = {
        "learner": ["/home", "/my-progress"] + [f"/practice/open/{s}" for s in app.extensions["askel_sims"]],
        "instructor": ["/teach/", "/review/", "/tablet/setup/"],
        "coordinator": ["/admin/"],
    }
    for role, start in starts.items():
        pages, forms = crawl(clients[role], start, limit=250)
        for method, urls in (("GET", pages), ("POST", [urlsplit(f.action).path for f in forms])):
            for url in urls:
                try:
                    endpoint, _args = adapter.match(urlsplit(url).path, method=method)
                except Exception:
                    continue
                samples.setdefault(endpoint, (method, url))
    return samples


def _expected(kind: str, role: str, owned: bool) -> set[int]:
    ok = {200, 302, 303, 400, 422}  # 400/422: a POST without its form fields is refused politely
    if kind == "public":
        return ok | {404}
    status = refused(kind, role, owned)
    return ok if status is None else {status}


def test_authorisation_matrix(app, world):
    clients = world
    samples = _samples(app, clients)
    problems = []
    reached = 0
    # GETs first; then POSTs, and those only by roles that must be refused: an allowed POST changes
    # things (deactivates an instructor, signs out) and is what the feature tests check.
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint in samples),
                   key=lambda r: samples[r.endpoint][0] == "POST")
    for rule in rules:
        kind = rule_kind(app, rule.endpoint)
        method, url = samples[rule.endpoint]
        owned = bool(re.search(r"/\d+(/|$|\.)", urlsplit(url).path))
        reached += 1
        for role, client in clients.items():
            expected = _expected(kind, role, owned)
            if method == "POST" and (expected & {200, 303} or rule.endpoint in ENDS_SESSION):
                continue
            if method == "POST":
                response = client.post(url, data={"csrf_token": csrf_token(client)})
            else:
                response = client.get(url)
            if role == "anonymous" and kind not in ("public", "device") and response.status_code == 302:
                if "/sign-in" not in response.headers.get("Location", ""):
                    problems.append(f"{role} {method} {url}: redirected to {response.headers['Location']}")
                continue
            if response.status_code not in expected:
                problems.append(f"{role:16} {method} {url} ({rule.endpoint}, {kind}): {response.status_code}, expected {sorted(expected)}")
    # Routes no page links to in this world (behind a practice sign-in, downloads, ...): the role gate
    # is checked with ids nobody owns; a learner or an instructor gets 403 or 404, never the page.
    unreached = [r for r in app.url_map.iter_rules()
                 if r.endpoint not in samples and rule_kind(app, r.endpoint) not in ("public", "device")]
    for rule in unreached:
        kind = rule_kind(app, rule.endpoint)
        url = example_url(rule)
        method = "GET" if "GET" in rule.methods else "POST"
        for role, client in clients.items():
            expected = _expected(kind, role, owned=False)
            allowed = role != "anonymous" and bool(expected & {200, 303})
            if method == "POST" and allowed:
                continue
            if allowed:  # past the role gate, with an id nobody owns: any polite answer, no error
                expected = set(range(200, 500)) - {401, 403}
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": csrf_token(client)})
            if response.status_code not in expected:
                problems.append(f"{role:16} {method} {url} ({rule.endpoint}, {kind}, unowned id): {response.status_code}, expected {sorted(expected)}")
    print(f"matrix: {reached} routes reached by crawling, {len(unreached)} checked with unowned ids")
    assert not problems, "\n".join(problems)
    assert reached >= 60
