"""The lesson player: steps, answers, feedback, idempotent progress, resume, htmx fragments."""
from __future__ import annotations

import re

from tests.conftest import CSRF_RE, recorded_queries, sign_in
from workshop.extensions import db
from workshop.models import Progress, StepEvent

KEY_RE = re.compile(r'name="key" value="([^"]+)"')


def form_fields(html: str) -> dict:
    return {"csrf_token": CSRF_RE.search(html).group(1), "key": KEY_RE.search(html).group(1)}


def catalogue(app):
    return app.extensions["askel_catalogue"]


def first_choose(lesson):
    return next(s for s in lesson.steps if s.type == "choose")


def complete_lesson(client, lesson) -> None:
    """Walk through every step as a learner would: Next on explain steps, the right answer on questions."""
    url = f"/learn/{lesson.course}/{lesson.id}/"
    page = client.get(url, follow_redirects=True)
    for step in lesson.steps:
        assert page.request.path.endswith(f"/{step.id}"), page.request.path
        fields = form_fields(page.get_data(as_text=True))
        if step.type == "choose":
            right = next(o for o in step.options if o.correct)
            page = client.post(page.request.path, data={**fields, "answer": right.id}, follow_redirects=True)
            assert "Right!" in page.get_data(as_text=True)
            next_link = re.search(r'class="button button-primary" href="([^"]+)"', page.get_data(as_text=True)).group(1)
            page = client.get(next_link, follow_redirects=True)
        else:
            page = client.post(page.request.path, data=fields, follow_redirects=True)
    assert page.request.path.endswith("/done")
    assert "Well done!" in page.get_data(as_text=True)


def test_step_page_shows_counter_picture_and_navigation(app, learner_client):
    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "01-welcome")
    page = client.get(f"/learn/start/01-welcome/steps/{lesson.steps[1].id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Step 2 of {len(lesson.steps)}" in html
    assert re.search(rf'src="/media/{re.escape(lesson.steps[1].picture)}\?v=[0-9a-f]{{10}}"[^>]*fetchpriority="high"', html)
    assert f'href="/learn/start/01-welcome/steps/{lesson.steps[0].id}"' in html  # back
    assert 'action="/help"' in html


def test_completing_a_lesson_marks_it_done_and_survives_a_new_session(app, factory):
    workshop = factory.workshop()
    uid, code, _ = factory.learner(workshop, locale="en")
    client = app.test_client()
    sign_in(client, code)
    lesson = catalogue(app).lesson("start", "01-welcome")
    complete_lesson(client, lesson)
    with app.app_context():
        progress = db.session.scalar(db.select(Progress))
        assert progress.status == "done" and set(progress.steps_done) == {s.id for s in lesson.steps}
    other_device = app.test_client()
    sign_in(other_device, code)
    home = other_device.get("/home").get_data(as_text=True)
    block = home.split('href="/learn/start/01-welcome/"')[1].split("</a>")[0]
    assert "Done" in block
    assert other_device.get("/learn/start/01-welcome/").headers["Location"].endswith("/done")


def test_wrong_answer_gets_its_feedback_and_a_retry(app, learner_client):
    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "01-welcome")
    step = first_choose(lesson)
    url = f"/learn/start/01-welcome/steps/{step.id}"
    wrong = next(o for o in step.options if not o.correct)
    response = client.post(url, data={**form_fields(client.get(url).get_data(as_text=True)), "answer": wrong.id})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert wrong.feedback.split(".")[0].replace('"', "&#34;") in html
    assert 'name="answer"' in html  # she can try again
    with app.app_context():
        event_ = db.session.scalar(db.select(StepEvent))
        assert event_.correct is False and event_.answer == wrong.id


def test_missing_answer_is_explained(app, learner_client):
    client, _uid, _ = learner_client
    step = first_choose(catalogue(app).lesson("start", "01-welcome"))
    url = f"/learn/start/01-welcome/steps/{step.id}"
    response = client.post(url, data=form_fields(client.get(url).get_data(as_text=True)))
    assert "Please choose one answer." in response.get_data(as_text=True)


def test_same_idempotency_key_records_one_event(app, learner_client):
    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "01-welcome")
    url = f"/learn/start/01-welcome/steps/{lesson.steps[0].id}"
    fields = form_fields(client.get(url).get_data(as_text=True))
    first = client.post(url, data=fields)
    second = client.post(url, data=fields)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(StepEvent.id))) == 1


def test_same_answer_twice_with_one_key_records_one_event(app, learner_client):
    client, _uid, _ = learner_client
    step = first_choose(catalogue(app).lesson("start", "01-welcome"))
    url = f"/learn/start/01-welcome/steps/{step.id}"
    fields = form_fields(client.get(url).get_data(as_text=True))
    right = next(o for o in step.options if o.correct)
    for _ in range(3):
        assert client.post(url, data={**fields, "answer": right.id}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(StepEvent.id))) == 1


def test_a_bad_idempotency_key_is_refused(app, learner_client):
    client, _uid, _ = learner_client
    url = f"/learn/start/01-welcome/steps/{catalogue(app).lesson('start', '01-welcome').steps[0].id}"
    fields = form_fields(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**fields, "key": "x"}).status_code == 400


def test_resume_where_she_left_off(app, learner_client):
    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "02-steps")
    url = f"/learn/start/02-steps/steps/{lesson.steps[0].id}"
    client.post(url, data=form_fields(client.get(url).get_data(as_text=True)))
    resume = client.get("/learn/start/02-steps/")
    assert resume.headers["Location"].endswith(f"/{lesson.steps[1].id}")


def test_htmx_gets_only_the_step_and_vary_is_set(app, learner_client):
    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "01-welcome")
    url = f"/learn/start/01-welcome/steps/{lesson.steps[0].id}"
    full = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    assert "<html" in full.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="player"' in body
    assert fragment.headers["HX-Push-Url"] == url
    assert len(fragment.data) <= 8 * 1024  # the next-step budget, before compression


def test_history_restore_gets_the_whole_page(app, learner_client):
    client, _uid, _ = learner_client
    url = f"/learn/start/01-welcome/steps/{catalogue(app).lesson('start', '01-welcome').steps[0].id}"
    response = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_unknown_lesson_or_step_is_a_friendly_404(learner_client):
    client, _uid, _ = learner_client
    for path in ["/learn/nope/01/", "/learn/start/01-welcome/steps/not-a-step", "/learn/start/nope/x"]:
        response = client.get(path)
        assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_a_learner_never_sees_another_learners_progress(app, factory):
    workshop = factory.workshop()
    _a, code_a, _ = factory.learner(workshop, name="Amina", locale="en")
    _b, code_b, _ = factory.learner(workshop, name="Hodan", locale="en")
    a, b = app.test_client(), app.test_client()
    sign_in(a, code_a)
    sign_in(b, code_b)
    complete_lesson(a, catalogue(app).lesson("start", "01-welcome"))
    home_b = b.get("/home").get_data(as_text=True)
    assert "Amina" not in home_b
    block = home_b.split('class="lesson-link" href="/learn/start/01-welcome/"')[1].split("</a>")[0]  # its row in the list
    assert "Not started" in block
    assert b.get("/learn/start/01-welcome/done").status_code == 302  # not done for her
    progress_b = b.get("/my-progress").get_data(as_text=True)
    assert "0 of 3 lessons done" in progress_b


def test_step_page_needs_few_queries(app, learner_client):
    client, _uid, _ = learner_client
    url = f"/learn/start/01-welcome/steps/{catalogue(app).lesson('start', '01-welcome').steps[0].id}"
    client.get(url)
    with recorded_queries(app) as statements:
        client.get(url)
        client.get(url, headers={"HX-Request": "true"})
    # each request: who is signed in (her device session, user and enrolments in one statement) and
    # the reviewed-wording version; the step itself is rendered from the catalogue, cached per version
    assert len(statements) <= 4, statements
    assert sum("review_version" in s for s in statements) == 2, statements


def test_help_request_without_javascript(app, learner_client):
    from workshop.models import HelpRequest

    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "01-welcome")
    url = f"/learn/start/01-welcome/steps/{lesson.steps[2].id}"
    token = CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "course": "start", "lesson": "01-welcome", "step": lesson.steps[2].id, "back": url}
    response = client.post("/help", data=data, follow_redirects=True)
    assert "Your instructor" in response.get_data(as_text=True)  # told, and when she will be seen (issue 15 item 12)
    assert "Take back my request" in response.get_data(as_text=True)
    client.post("/help", data=data)  # pressing twice keeps one open request
    with app.app_context():
        requests = db.session.scalars(db.select(HelpRequest)).all()
        assert len(requests) == 1 and requests[0].step == lesson.steps[2].id


def test_help_request_over_htmx_returns_the_confirmation_only(app, learner_client):
    client, _uid, _ = learner_client
    token = CSRF_RE.search(client.get("/home").get_data(as_text=True)).group(1)
    response = client.post("/help", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "Your instructor" in response.get_data(as_text=True)  # told, and when she will be seen (issue 15 item 12)
    assert "Take back my request" in response.get_data(as_text=True)


def test_cached_step_gets_fresh_tokens_per_request_and_learner(app, factory):
    workshop = factory.workshop()
    clients = []
    for name in ("Amina", "Hodan"):
        _uid, code, _ = factory.learner(workshop, name=name, locale="en")
        client = app.test_client()
        sign_in(client, code)
        clients.append(client)
    url = f"/learn/start/01-welcome/steps/{catalogue(app).lesson('start', '01-welcome').steps[0].id}"
    pages = [c.get(url).get_data(as_text=True) for c in clients] + [clients[0].get(url).get_data(as_text=True)]
    keys = [KEY_RE.search(p).group(1) for p in pages]
    assert len(set(keys)) == 3  # a new idempotency key on every render
    for page in pages:
        assert "askel-csrf" not in page and "askel-key" not in page
    token_a = CSRF_RE.search(pages[0]).group(1)
    token_b = CSRF_RE.search(pages[1]).group(1)
    assert token_a != token_b
    # each learner's token is the one her own session accepts
    assert clients[1].post(url, data={"csrf_token": token_a, "key": keys[1]}).status_code == 400
    assert clients[1].post(url, data={"csrf_token": token_b, "key": keys[1]}).status_code == 303


def test_lesson_pictures_have_versioned_urls_cached_for_a_year(app, learner_client):
    """A step's picture is linked with its content's version and that URL is cached for a year
    (a changed picture gets a new URL); the first picture is fetched first (fetchpriority)."""
    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "01-welcome")
    html = client.get(f"/learn/start/01-welcome/steps/{lesson.steps[0].id}").get_data(as_text=True)
    src = re.search(r'<img src="(/media/[^"]+)"[^>]*fetchpriority="high"', html).group(1)
    picture = client.get(src)
    assert picture.status_code == 200
    assert "max-age=31536000" in picture.headers["Cache-Control"] and "immutable" in picture.headers["Cache-Control"]
    home = client.get("/home").get_data(as_text=True)
    icons = re.findall(r'<img src="(/media/[^"]+)"', home)
    assert icons and all("?v=" in url for url in icons)
    assert home.count('fetchpriority="high"') == 1


def test_an_answered_question_keeps_its_answer_and_next_after_back_or_a_reload(app, learner_client):
    """Issue 15, item 6: back on a question she had answered (Back, or a reload without
    ?answered=), the page showed no Next until she answered again."""
    client, _uid, _ = learner_client
    lesson = catalogue(app).lesson("start", "01-welcome")
    step = first_choose(lesson)
    url = f"/learn/start/01-welcome/steps/{step.id}"
    before = client.get(url).get_data(as_text=True)
    assert 'name="answer"' in before and "Right!" not in before  # not answered yet: no Next
    following = lesson.steps[lesson.index(step.id) + 1].id
    assert f'class="button button-primary" href="/learn/start/01-welcome/steps/{following}"' not in before
    right = next(o for o in step.options if o.correct)
    client.post(url, data={**form_fields(before), "answer": right.id})
    for again in (client.get(url), client.get(url, headers={"HX-Request": "true"})):  # Back, with and without htmx
        html = again.get_data(as_text=True)
        assert "Right!" in html and 'name="answer"' not in html
        assert f'class="button button-primary" href="/learn/start/01-welcome/steps/{following}"' in html
