"""Recording narrations in a real browser: the stored file plays in Chromium; a recording session
with Chromium's fake microphone (its own browser, launched with the fake-media flags).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, TABLET, staff_page
from tests.review import sounds
from workshop.extensions import db
from workshop.models import User
from workshop.review.models import Narration

pytestmark = pytest.mark.browser
COURSE, LESSON = "start", "01-welcome"


@pytest.fixture(scope="module")
def media_browser(browser, tmp_path_factory):
    """A second Chromium (from the same Playwright as the suite's) whose microphone is a file: a
    take of silence, a voice-like tone, silence, played in a loop."""
    voice = tmp_path_factory.mktemp("fake-microphone") / "voice.wav"
    voice.write_bytes(sounds.take(4.0, lead=0.5, tail=0.5, rate=48000))
    media = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={voice}",
    ])
    yield media
    media.close()


def instructor(app, factory, username: str, locale: str) -> int:
    from tests.review.helpers import grant

    uid = factory.staff(username)
    with app.app_context():
        db.session.get(User, uid).locale = locale
        db.session.commit()
    grant(app, uid, locale, rights=("narration",))
    return uid


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until `expression` is true in the page. Given as a function: a bare expression would be
    evaluated with eval(), which the page's CSP forbids."""
    page.wait_for_function(f"() => ({expression})", timeout=timeout * 1000)


# The microphone's stream, kept where the test can see it (session.js keeps its own to itself).
KEEP_MICROPHONE = """(() => {
  const devices = navigator.mediaDevices;
  if (!devices || !devices.getUserMedia) return;
  const ask = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => ask(constraints).then((stream) => { window.__microphone = stream; return stream; });
})();"""
DELIVERED = "window.__microphone.getAudioTracks()[0].stats.deliveredFramesDuration"


def record_for(page, ms: int) -> None:
    """The take goes on until the microphone has delivered `ms` more of its sound (the track's own
    count of audio frames), which is what the take's length depends on, not the wall clock."""
    wait_until(page, "window.__microphone !== undefined")
    start = page.evaluate(DELIVERED)
    wait_until(page, f"{DELIVERED} >= {start + ms}")


def test_a_ten_second_take_is_stored_small_and_plays_in_chromium(app, factory, live_server, media_browser):
    """The upload form takes a 10-second WAV (2 s silence, 6 s voice, 2 s silence); what is stored
    is WebM/Opus under 30 KB, and Chromium plays it for the 6 spoken seconds."""
    instructor(app, factory, "deeqa", "so")
    step = app.extensions["askel_catalogue"].lesson(COURSE, LESSON).steps[0]
    context, page = staff_page(media_browser, live_server, "deeqa", "/teach/", **TABLET)
    page.goto(f"{live_server}/review/so/{COURSE}/{LESSON}/{step.id}/narration")
    page.set_input_files("input[name=audio]", files=[
        {"name": "take.wav", "mimeType": "audio/wav", "buffer": sounds.take(10.0, lead=2.0, tail=2.0)}])
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("audio.review-audio[src*='/review/narrations/so/']")
    with app.app_context():
        row = db.session.scalar(db.select(Narration))
        assert row.mimetype == "audio/webm" and row.filename.endswith(".webm") and row.size < 30 * 1024
        assert abs(row.duration_ms - 6000) <= 200
    assert page.evaluate("document.createElement('audio').canPlayType('audio/webm; codecs=\"opus\"')") == "probably"
    page.evaluate("""(() => { const a = document.querySelector('audio.review-audio');
        a.addEventListener('ended', () => window.__ended = true);
        a.addEventListener('error', () => window.__error = a.error && a.error.code);
        a.playbackRate = 4; a.play(); })()""")
    wait_until(page, "window.__ended === true || window.__error !== undefined")
    played = page.evaluate("(() => { const a = document.querySelector('audio.review-audio');"
                           " return {error: window.__error || null, duration: a.duration, at: a.currentTime}; })()")
    assert played["error"] is None
    assert abs(played["duration"] - 6.0) <= 0.2, played
    assert abs(played["at"] - 6.0) <= 0.2, played  # it played to the end
    context.close()


def test_three_texts_recorded_in_a_row_with_the_keyboard_alone_then_a_learner_hears_them(
        app, factory, live_server, media_browser):
    """Issue 20's acceptance: Chromium's fake microphone, a recording session, only keys pressed:
    Space records, Space stops (the take plays back), R records again once, Space keeps it (saved
    at once) and the next text comes up by itself. Then the learner's steps play each recording."""
    deeqa = instructor(app, factory, "deeqa", "so")
    group = factory.workshop("so", instructor=deeqa)
    _uid, code, _ = factory.learner(group, name="Hodan", locale="so")
    from workshop.review import narration

    with app.test_request_context():
        first_three = [u.context for u in narration.units("so", COURSE)][:3]
    context, page = staff_page(media_browser, live_server, "deeqa", "/teach/", **TABLET)
    context.add_init_script(KEEP_MICROPHONE)
    page.goto(f"{live_server}/review/so/session/record?course={COURSE}")
    assert page.locator("[data-session]").is_visible() and not page.locator("[data-session-nojs]").is_visible()
    focused = "document.activeElement && document.activeElement.hasAttribute('data-session-main')"
    for number, expected in enumerate(first_three, start=1):
        shown = page.locator(".session-text:not([hidden])")
        assert shown.count() == 1 and shown.get_attribute("data-context") == expected
        assert page.evaluate(focused)  # the big button has the focus: visible, and Space presses it
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        page.keyboard.press("Space")  # record
        wait_until(page, "document.querySelector('[data-session]').dataset.state === 'recording'")
        record_for(page, 2500)
        page.keyboard.press("Space")  # stop: it plays back
        wait_until(page, "document.querySelector('[data-session]').dataset.state === 'review'")
        if number == 2:  # not good: record it again with R
            page.keyboard.press("r")
            wait_until(page, "document.querySelector('[data-session]').dataset.state === 'recording'")
            record_for(page, 2500)
            page.keyboard.press("Space")
            wait_until(page, "document.querySelector('[data-session]').dataset.state === 'review'")
        page.keyboard.press("Space")  # keep: saved at once, then the next text
        wait_until(page, f"document.querySelector('[data-session-count]').textContent === '{number}'", timeout=30)
    with app.app_context():
        rows = {row.context: row for row in db.session.scalars(db.select(Narration))}
    assert sorted(rows) == sorted(first_three)
    for row in rows.values():
        assert row.mimetype == "audio/webm" and row.locale == "so" and 1000 <= row.duration_ms <= 3200
    assert page.locator(".session-text:not([hidden])").get_attribute("data-context") not in first_three
    # On (N) to the quiz's wrong answer's feedback: a text of its own in the session, after the step's.
    feedback = f"{COURSE}/{LESSON}/quiz-what/option/finnish-course/feedback"
    shown = "[...document.querySelectorAll('.session-text')].findIndex(li => !li.hidden)"
    target = page.evaluate(f"[...document.querySelectorAll('.session-text')].findIndex(li => li.dataset.context === {feedback!r})")
    assert target > page.evaluate(shown)
    while (at := page.evaluate(shown)) < target:
        page.keyboard.press("n")
        wait_until(page, f"{shown} === {at + 1}")
    assert page.locator(".session-text:not([hidden])").get_attribute("data-context") == feedback
    page.keyboard.press("Space")
    wait_until(page, "document.querySelector('[data-session]').dataset.state === 'recording'")
    record_for(page, 1500)
    page.keyboard.press("Space")
    wait_until(page, "document.querySelector('[data-session]').dataset.state === 'review'")
    page.keyboard.press("Space")
    wait_until(page, "document.querySelector('[data-session-count]').textContent === '4'", timeout=30)
    with app.app_context():
        kept = db.session.scalar(db.select(Narration).where(Narration.context == feedback))
    assert kept is not None and kept.variant == ""
    context.close()
    _learner_hears(app, live_server, media_browser, code, rows, (feedback, kept.filename))


HEARD = """
window.__heard = [];
document.addEventListener('playing', (event) => {
  const part = event.target.closest('[data-listen-part]');
  window.__heard.push([part && part.getAttribute('data-listen-part'), event.target.currentSrc]);
}, true);
"""


def _learner_hears(app, live_server, browser, code: str, rows: dict, feedback: tuple[str, str]) -> None:
    """On each recorded text's step she presses Listen: the step plays through, and each of the
    session's recordings starts playing, from its own URL. Then, sound by itself on, she picks the
    quiz's wrong answer: the feedback's recording plays by itself as the feedback shows."""
    from tests.browser.conftest import PHONE, sign_in

    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    steps: dict[str, list[str]] = {}
    for text_context in rows:
        steps.setdefault("/".join(text_context.split("/")[:3]), []).append(text_context)  # course/lesson/step
    for step_context, texts in steps.items():
        course, lesson, step = step_context.split("/")
        page.goto(f"{live_server}/learn/{course}/{lesson}/steps/{step}")
        for text_context in texts:
            src = f"/review/narrations/so/{rows[text_context].filename}"
            audio = page.locator(f'[data-listen-part="{text_context}"] audio')
            assert audio.get_attribute("src") == src
            assert audio.get_attribute("preload") == "none"  # nothing fetched before she plays
        page.evaluate(HEARD)
        page.locator("[data-listen-play]").click()
        for text_context in texts:
            wait_until(page, f"window.__heard.some(h => h[0] === {text_context!r} && h[1].endsWith("
                             f"{rows[text_context].filename!r}))", timeout=30)
    text_context, filename = feedback
    course, lesson, step = text_context.split("/")[:3]
    page.evaluate("localStorage.setItem('askel-listen-auto', '1')")
    page.add_init_script(HEARD)  # on every page from here: the answer may come as a new page
    page.goto(f"{live_server}/learn/{course}/{lesson}/steps/{step}")
    page.locator("button.option[value=finnish-course]").click()
    page.wait_for_selector(".feedback-wrong ~ [data-listen-first]", state="attached")
    wait_until(page, f"window.__heard.some(h => h[0] === {text_context!r} && h[1].endsWith({filename!r}))", timeout=30)
    context.close()


def test_session_pages_have_no_serious_axe_violations_in_four_locales(app, factory, live_server, browser, axe):
    """The chooser and the teleprompter (its script running), on a tablet and a phone, in so/ar/fi/en;
    nothing scrolls sideways."""
    from tests.browser.conftest import PHONE

    uid = instructor(app, factory, "deeqa", "so")
    problems = {}
    for size, viewport in (("tablet", TABLET), ("phone", PHONE)):
        context, page = staff_page(browser, live_server, "deeqa", "/teach/", bypass_csp=True, **viewport)
        for locale in ("so", "ar", "fi", "en"):
            with app.app_context():
                db.session.get(User, uid).locale = locale
                db.session.commit()
            for name, path in (("chooser", "/review/so/session/"),
                               ("session", f"/review/so/session/record?course={COURSE}")):
                page.goto(live_server + path)
                assert page.locator(f"html[lang={locale}]").count() == 1
                if name == "session":
                    assert page.locator("[data-session]").is_visible()
                found = axe(page)
                if found:
                    problems[f"{size} {locale} {name}"] = found
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["viewport"]["width"] + 1, f"{size} {locale} {name} scrolls sideways ({width}px)"
                page.screenshot(path=f"/tmp/askel-session-{name}-{locale}-{size}.png")
        context.close()
    assert not problems, problems


def test_without_javascript_the_session_page_offers_each_texts_upload_form(app, factory, live_server, browser):
    instructor(app, factory, "deeqa", "so")
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=False, **TABLET)
    page.goto(f"{live_server}/review/so/session/record?course={COURSE}")
    assert page.locator("[data-session-nojs]").is_visible()
    assert not page.locator("[data-session]").is_visible()
    page.locator(".session-upload a").first.click()
    expect(page.locator("form.upload input[type=file]")).to_be_visible()  # the existing upload form, once that page has loaded
    context.close()
