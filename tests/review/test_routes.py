"""Every review route, walked as every role: anonymous, a learner, an instructor of that language
(Somali), an instructor of another language (Arabic) and the coordinator. A review route without
a request in REQUESTS fails test_every_review_route_is_walked; who gets what is tests/routes.py's.
"""
from __future__ import annotations

import io

import pytest

from tests.review import sounds
from tests.review.helpers import LESSON, STEP, a_narration, make_world
from tests.routes import expected, walked_routes
from tests.admin.helpers import answers_by_role

ROLES = ("anonymous", "learner", "instructor", "other instructor", "coordinator")
BASE = f"/review/so/{LESSON[0]}/{LESSON[1]}"


def wav_upload(world):
    return {"audio": (io.BytesIO(sounds.wav(1)), "n.wav")}


# (endpoint, method) -> (path, form data). Who gets what follows from the rules the app declares
# (tests/routes.py); a URL about a language is refused (403) to the instructor without its grant.
REQUESTS = {
    ("review.index", "GET"): ("/review/", None),
    ("review.lesson", "GET"): (f"{BASE}/", None),
    ("review.edit", "GET"): (f"{BASE}/edit/{STEP}/text", None),
    ("review.edit", "POST"): (f"{BASE}/edit/{STEP}/text", {"text": "Ku soo dhawoow"}),
    ("review.revert", "POST"): (f"{BASE}/revert/{STEP}/text", {}),
    ("review.narration", "GET"): (f"{BASE}/{STEP}/narration", None),
    ("review.narration", "POST"): (f"{BASE}/{STEP}/narration", wav_upload),
    ("review.narration_delete", "POST"): (f"{BASE}/{STEP}/narration/delete", {}),
    ("review.missing", "GET"): (f"/review/courses/{LESSON[0]}/recordings", None),
    ("review.recordings", "GET"): ("/review/recordings", None),
    ("review.narration_file", "GET"): (a_narration, None),
    ("review.session", "GET"): ("/review/so/session/", None),
    ("review.session_record", "GET"): (f"/review/so/session/record?course={LESSON[0]}", None),
    ("review.session_take", "POST"): ("/review/so/session/take", lambda world: {
        "context": f"{LESSON[0]}/{LESSON[1]}/{STEP}/text", **wav_upload(world)}),
}


def test_every_review_route_is_walked(app):
    routes = {route for route in walked_routes(app) if route[0].startswith("review.")}
    missing = routes - set(REQUESTS)
    assert not missing, f"review routes this walk does not send: {sorted(missing)}"
    assert not set(REQUESTS) - routes, "REQUESTS names routes that do not exist"


@pytest.fixture
def world(app, factory):
    world = make_world(app, factory)
    world["clients"]["other instructor"] = world["clients"]["other_instructor"]  # Arabic only: no Somali grant
    return world


@pytest.mark.parametrize("route", sorted(REQUESTS), ids=lambda r: f"{r[1]} {r[0]}")
def test_route_as_every_role(world, route):
    app = world["app"]
    path, data = REQUESTS[route]
    about_a_language = "locale" in walked_routes(app)[route].arguments
    assert answers_by_role(world, ROLES, route, path, data, content_type="multipart/form-data") == {
        role: expected(app, *route, role, about_a_language, foreign=403) for role in ROLES}


@pytest.mark.parametrize("path", [
    "/review/xx/start/01-welcome/", "/review/en/start/01-welcome/", "/review/so/start/nope/",
    "/review/so/nope/01-welcome/", "/review/so/start/01-welcome/edit/welcome/nope",
    "/review/so/start/01-welcome/edit/../../x", "/review/so/start/01-welcome/nope/narration",
    "/review/courses/nope/recordings",
])
def test_unknown_things_are_404_for_the_coordinator(world, path):
    assert world["clients"]["coordinator"].get(path).status_code == 404


def test_an_instructor_without_a_grant_is_told_so(app, world):
    from tests.review.helpers import grant, set_locale
    from tests.conftest import staff_client

    grant(app, world["deeqa"])  # no language any more
    set_locale(app, world["deeqa"], "en")  # her pages in English, so the test reads the words
    page = staff_client(app, "deeqa").get("/review/")
    assert page.status_code == 200
    assert "You may not correct lesson wording yet" in page.get_data(as_text=True)
    assert staff_client(app, "deeqa").get("/review/so/start/01-welcome/").status_code == 403


def test_switching_her_interface_language_gives_no_right(app, world):
    """Issue 12.9: the right was her interface language; POST /language gave her Arabic."""
    from tests.conftest import csrf_token
    from tests.conftest import staff_client

    client = staff_client(app, "deeqa")
    assert client.get("/review/ar/start/01-welcome/").status_code == 403
    assert client.post("/language", data={"locale": "ar", "csrf_token": csrf_token(client, "/language")}
                       ).status_code == 303
    assert client.get("/review/ar/start/01-welcome/").status_code == 403
    assert client.get("/review/ar/start/01-welcome/welcome/narration").status_code == 403
    assert client.get("/review/so/start/01-welcome/").status_code == 200  # her grant still holds


def test_the_coordinator_grants_rights_per_language_and_right(app, world):
    from tests.conftest import csrf_token
    from tests.conftest import staff_client

    liisa = world["clients"]["coordinator"]
    page = liisa.get(f"/admin/instructors/{world['deeqa']}").get_data(as_text=True)
    assert 'name="wording-so" value="1" checked' in page and 'name="wording-ar" value="1">' in page
    token = csrf_token(liisa, f"/admin/instructors/{world['deeqa']}")
    answer = liisa.post(f"/admin/instructors/{world['deeqa']}/rights",
                        data={"csrf_token": token, "narration-ar": "1"})
    assert answer.status_code == 303
    deeqa = staff_client(app, "deeqa")
    assert deeqa.get("/review/so/start/01-welcome/").status_code == 403  # wording in Somali taken away
    assert deeqa.get("/review/ar/start/01-welcome/").status_code == 403  # Arabic: narration only
    assert deeqa.get("/review/ar/start/01-welcome/welcome/narration").status_code == 200
    # an instructor cannot grant herself anything
    assert deeqa.post(f"/admin/instructors/{world['deeqa']}/rights",
                      data={"csrf_token": csrf_token(deeqa, "/teach/"), "wording-ar": "1"}).status_code == 403
