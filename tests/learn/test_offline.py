"""The server's side of Askel offline (learn/offline.py): the manifest, the worker's script, the
header that lets the worker keep a page, what saving a course downloads, an answer sent later."""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import csrf_token
from workshop.extensions import db
from workshop.learn import offline
from workshop.models import StepEvent


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_the_manifest_names_askel_in_each_language_and_opens_her_home(client, locale):
    response = client.get(f"/app/{locale}.webmanifest")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["lang"] == locale and manifest["dir"] == ("rtl" if locale == "ar" else "ltr")
    assert manifest["start_url"] == "/home" and manifest["display"] == "standalone"
    assert manifest["short_name"] and manifest["name"] and manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        picture = client.get(icon["src"])
        assert picture.status_code == 200 and picture.data[:8] == b"\x89PNG\r\n\x1a\n"
    if locale != "en":
        assert manifest["name"] != client.get("/app/en.webmanifest").get_json(force=True)["name"]


def test_an_unknown_language_has_no_manifest(client):
    assert client.get("/app/xx.webmanifest").status_code == 404


def test_the_worker_is_served_at_the_root_with_the_static_files_it_keeps(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    first_line = response.get_data(as_text=True).split("\n", 1)[0]
    files = json.loads(first_line.removeprefix("self.ASKEL_STATIC = ").removesuffix(";"))["files"]
    assert len(files) == len(offline.STATIC_FILES) and all(f.startswith("/static/") and "?v=" in f for f in files)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_learner_page_is_marked_for_the_worker_and_a_staff_page_is_not(learner_client, teacher):
    client, _uid, _code = learner_client
    home = client.get("/home")
    tag, edition = home.headers[offline.HEADER].split(".")
    assert len(tag) == 16 and len(edition) == 12
    assert b'rel="manifest"' in home.data and b"offline.js" in home.data
    assert b"data-offline-course=" in home.data and b'id="offline-next"' in home.data
    step = client.get("/learn/start/01-welcome/steps/welcome", headers={"HX-Request": "true"})
    assert step.headers[offline.HEADER] == home.headers[offline.HEADER]
    staff_page = teacher[0].get("/teach/")
    assert offline.HEADER not in staff_page.headers and b"offline.js" not in staff_page.data


def test_the_language_makes_another_edition(learner_client):
    client, _uid, _code = learner_client
    before = client.get("/home").headers[offline.HEADER]
    token = csrf_token(client, "/language")
    client.post("/language", data={"locale": "so", "csrf_token": token})
    after = client.get("/home").headers[offline.HEADER]
    assert before.split(".")[0] == after.split(".")[0] and before != after


def test_saving_a_course_lists_each_lesson_and_its_pictures_and_a_lesson_comes_in_one_response(learner_client, app):
    client, _uid, _code = learner_client
    course = app.extensions["askel_catalogue"].course("start")
    plan = client.get("/learn/start/offline").get_json()
    assert plan["lessons"] == [f"/learn/start/{lesson.id}/offline" for lesson in course.lessons]
    assert plan["pictures"] and all(p.startswith("/media/start/") for p in plan["pictures"])
    assert plan["bytes"] > 1024
    bundle = client.get(plan["lessons"][0])
    assert bundle.headers["Cache-Control"] == "private, no-store" and offline.HEADER in bundle.headers
    steps = bundle.get_json()["steps"]
    lesson = course.lessons[0]
    assert set(steps) == {f"/learn/start/{lesson.id}/steps/{step.id}" for step in lesson.steps}
    # the keys of a JSON object come sorted: the steps' order is sent too, for the worker to open the first
    assert bundle.get_json()["order"] == [f"/learn/start/{lesson.id}/steps/{step.id}" for step in lesson.steps]
    assert all('id="player"' in html and "\x00" not in html for html in steps.values())
    assert client.get("/learn/nope/offline").status_code == 404
    assert client.get("/learn/start/nope/offline").status_code == 404


def test_an_answer_sent_later_is_stored_once_and_answered_204(learner_client, app):
    client, uid, _code = learner_client
    token = csrf_token(client, "/learn/start/01-welcome/steps/welcome")
    for _attempt in range(2):
        response = client.post("/learn/start/01-welcome/steps/welcome", data={"key": "offline-key-123456"},
                               headers={"X-CSRFToken": token, offline.QUEUED: "1", "HX-Request": "true"})
        assert response.status_code == 204
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(StepEvent.id)).where(StepEvent.learner_id == uid)) == 1


def test_signing_out_tells_the_worker_to_forget_and_the_sign_in_page_locks(learner_client, client):
    learner, _uid, _code = learner_client
    token = csrf_token(learner, "/home")
    response = learner.post("/sign-out", data={"csrf_token": token})
    assert response.headers[offline.HEADER] == offline.CLEAR
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert learner.get("/signed-out").headers[offline.HEADER] == offline.CLEAR
    assert client.get("/sign-in").headers[offline.HEADER] == offline.LOCKED


def test_the_offline_page_says_both_things_for_the_worker_to_choose(learner_client):
    client, _uid, _code = learner_client
    page = client.get("/offline").get_data(as_text=True)
    assert 'data-offline-for="page"' in page and 'data-offline-for="practice"' in page
    assert 'href="/home"' in page


def test_only_pages_and_what_saving_fetches_are_marked_never_the_manifest_or_the_script(learner_client):
    client, _uid, _code = learner_client
    assert offline.HEADER not in client.get("/app/so.webmanifest").headers
    assert offline.HEADER not in client.get("/sw.js").headers
    assert offline.HEADER in client.get("/learn/start/offline").headers


def test_her_home_does_not_render_every_step_again_after_a_review(learner_client, app):
    """Her home shows each course's size for saving it offline, which is counted by rendering every
    step; that is done once per process and language. Reviewed wording (a new edition) changes no
    URL of a course's plan and its size only a little: her next home renders no step again."""
    from flask import template_rendered

    from workshop.review import state

    client, _uid, _code = learner_client
    rendered = []

    def count(sender, template, context, **extra):
        rendered.append(template.name)

    client.get("/home")  # the sizes counted once
    with app.app_context():
        state.bump()
        db.session.commit()
    with template_rendered.connected_to(count, app):
        assert client.get("/home").status_code == 200
        assert client.get("/learn/start/offline").status_code == 200  # the plan the worker saves from
    assert "learn/home.html" in rendered
    assert "learn/_player.html" not in rendered and "learn/_step.html" not in rendered, rendered


def test_an_answer_kept_offline_by_another_learner_on_this_phone_is_not_counted_for_the_one_signed_in(auth, app):
    """Her session ended without signing out (a renewed card, the idle time), her sister signed in on
    the same phone, and the worker sends the waiting answers with the page's CSRF token, which is the
    sister's: the key was drawn for the first learner, so the answer counts for nobody and the worker
    drops it (409); the first learner's own session still stores it."""
    first, first_id, _code = auth.learner(name="Hodan")
    sister, _sister_id, _code = auth.learner(name="Sahra")
    page = first.get("/learn/start/01-welcome/steps/welcome").get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    queued = {offline.QUEUED: "1", "HX-Request": "true"}
    token = csrf_token(sister, "/learn/start/01-welcome/steps/welcome")
    response = sister.post("/learn/start/01-welcome/steps/welcome", data={"key": key},
                           headers={"X-CSRFToken": token, **queued})
    assert response.status_code == 409
    token = csrf_token(first, "/learn/start/01-welcome/steps/welcome")
    response = first.post("/learn/start/01-welcome/steps/welcome", data={"key": key},
                          headers={"X-CSRFToken": token, **queued})
    assert response.status_code == 204
    # a lesson saved for offline use carries keys sealed to her too
    bundle = first.get("/learn/start/01-welcome/offline").get_json()["steps"]
    bundled = re.search(r'name="key" value="([^"]+)"', next(iter(bundle.values()))).group(1)
    response = sister.post("/learn/start/01-welcome/steps/welcome", data={"key": bundled},
                           headers={"X-CSRFToken": csrf_token(sister, "/home"), **queued})
    assert response.status_code == 409
    with app.app_context():
        counted = dict(db.session.execute(db.select(StepEvent.learner_id, db.func.count(StepEvent.id))
                                          .group_by(StepEvent.learner_id)).all())
    assert counted == {first_id: 1}


def test_her_follow_up_plan_is_never_kept_on_the_phone(auth, teacher, app):
    """Her plan is counselling data: deleted when she withdraws her consent and at the end of the
    retention period. The worker keeps only marked pages, so /my-plan is not marked (her progress is)."""
    from tests.counsel.helpers import counselled

    _teacher_client, instructor_id, workshop_id = teacher
    client, uid, _code = auth.learner(workshop_id)
    with app.app_context():
        counselled(uid, workshop_id, instructor_id)
    plan = client.get("/my-plan")
    assert plan.status_code == 200 and "Haluan oppia suomea" in plan.get_data(as_text=True)
    assert offline.HEADER not in plan.headers and plan.headers["Cache-Control"] == "no-store"
    assert offline.HEADER in client.get("/my-progress").headers
