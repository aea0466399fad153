"""A step played through in a real browser: a Somali learner who cannot read presses Listen on a
question and hears her instructor's recordings of the question and then of each answer, in order,
each highlighted on the page while it plays; nothing is fetched before she plays; "Play by itself"
is remembered and plays the next step on its own; axe finds nothing serious in four languages.
Chromium plays the generated sounds (a few hundred milliseconds of WAV each)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in
from tests.review import sounds
from tests.review.helpers import stored_narration

pytestmark = pytest.mark.browser
COURSE, LESSON = "start", "01-welcome"
QUIZ = "quiz-what"
BEFORE = "own-language"  # the step before it
PARTS = [f"{COURSE}/{LESSON}/{QUIZ}/question", f"{COURSE}/{LESSON}/{QUIZ}/option/three-services/text",
         f"{COURSE}/{LESSON}/{QUIZ}/option/finnish-course/text"]
# Each part that starts playing, with the text highlighted on the page at that moment.
WATCH = """
window.__played = [];
document.addEventListener('playing', (event) => {
  const part = event.target.closest('[data-listen-part]');
  const lit = document.querySelectorAll('.is-speaking');
  window.__played.push([part && part.getAttribute('data-listen-part'),
                        lit.length === 1 ? lit[0].getAttribute('data-voice') : lit.length]);
}, true);
"""


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until `expression` is true in the page. Given as a function: a bare expression would be
    evaluated with eval(), which the page's CSP forbids."""
    page.wait_for_function(f"() => ({expression})", timeout=timeout * 1000)


def short_sound(app, locale, context):
    """A recording of 0.3 s (about 2.4 KB): enough for Chromium to play, quick to play through."""
    from workshop import storage
    from workshop.extensions import db
    from workshop.review.models import Narration

    stored_narration(app, locale, context)
    data = sounds.wav(0.3)
    with app.app_context():
        row = db.session.scalar(db.select(Narration).where(Narration.locale == locale, Narration.context == context))
        storage.files().put(f"narrations/{locale}/{row.filename}", data)
        row.size, row.duration_ms = len(data), 300
        db.session.commit()


@pytest.fixture
def learner(app, factory, live_server, browser):
    for context in PARTS:
        short_sound(app, "so", context)
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Hodan", locale="so")
    context = browser.new_context(**PHONE)
    context.add_init_script("speechSynthesis.getVoices = () => [];")  # no Somali voice, as on her phone
    context.add_init_script(WATCH)
    page = context.new_page()
    sign_in(page, live_server, code)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "/review/narrations/" in request.url else None)
    yield page, fetched
    context.close()


def test_a_question_plays_through_its_answers_in_order(learner, live_server):
    page, fetched = learner
    page.goto(f"{live_server}/learn/{COURSE}/{LESSON}/steps/{QUIZ}", wait_until="networkidle")
    assert fetched == []  # nothing before she plays
    button = page.locator("[data-listen-play]")
    assert button.is_visible() and page.locator(".listen-parts").is_hidden()
    assert page.locator("[data-listen-auto]").is_visible() and not page.locator("[data-listen-auto]").is_checked()
    button.click()
    wait_until(page, "window.__played.length === 3 && !document.querySelector('.is-speaking')")
    played = page.evaluate("window.__played")
    assert played == [[part, part] for part in PARTS]  # each part, its own text lit while it plays
    assert button.get_attribute("aria-pressed") == "false"
    assert len({url for url in fetched}) == 3
    # pressed again while playing: it stops
    button.click()
    wait_until(page, "window.__played.length === 4")
    button.click()
    # stopped: no recording plays any more (a paused one never ends, so no part after it starts), not
    # a wait of a few parts' length for one that would
    expect(button).to_have_attribute("aria-pressed", "false")
    wait_until(page, "[...document.querySelectorAll('audio.listen-audio')].every(a => a.paused)")
    assert page.evaluate("window.__played.length") == 4 and page.locator(".is-speaking").count() == 0


def test_play_by_itself_is_remembered_and_plays_the_next_step(learner, live_server):
    page, fetched = learner
    page.goto(f"{live_server}/learn/{COURSE}/{LESSON}/steps/{QUIZ}", wait_until="networkidle")
    page.locator("[data-listen-auto]").check()
    assert page.evaluate("localStorage.getItem('askel-listen-auto')") == "1"
    page.goto(f"{live_server}/learn/{COURSE}/{LESSON}/steps/{BEFORE}", wait_until="networkidle")
    assert fetched == []
    page.click(".step-nav button.button-primary")  # Next: the question comes over htmx and plays
    wait_until(page, "window.__played.length === 3")
    assert [part for part, _lit in page.evaluate("window.__played")] == PARTS
    assert page.locator("[data-listen-auto]").is_checked()


def test_without_javascript_each_recording_has_its_player(app, learner, live_server, browser):
    page, _fetched = learner
    context = browser.new_context(java_script_enabled=False, storage_state=page.context.storage_state(), **PHONE)
    plain = context.new_page()
    plain.goto(f"{live_server}/learn/{COURSE}/{LESSON}/steps/{QUIZ}")
    players = plain.locator("audio.listen-audio[controls]")
    assert players.count() == 3 and all(players.nth(i).is_visible() for i in range(3))
    assert plain.locator("[data-listen-play]").is_hidden()
    context.close()


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_the_played_step_has_no_serious_axe_violation(app, factory, live_server, browser, axe, locale):
    for context in PARTS:
        short_sound(app, locale, context)
    _uid, code, _ = factory.learner(factory.workshop(locale), name="Hodan", locale=locale)
    context = browser.new_context(**PHONE, bypass_csp=True)  # axe is injected as a script
    context.add_init_script(WATCH)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}/learn/{COURSE}/{LESSON}/steps/{QUIZ}", wait_until="networkidle")
    page.locator("[data-listen-play]").click()
    wait_until(page, "window.__played.length >= 1")
    assert axe(page) == [], locale
    if locale == "ar":
        assert page.evaluate("document.documentElement.dir") == "rtl"
    context.close()
