"""Listening and translation review in a real browser.

- A Somali instructor uploads a narration; a Somali learner presses "listen" and hears that file;
  a step without a recording (headless Chromium has no speech voices) shows no listen button.
- An Arabic instructor corrects a step's text in place; an Arabic learner sees it; the export puts
  it into a copy of the catalogs; the coordinator reverts it.
- axe on every review page in four locales; screenshots on a phone in Arabic.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.browser.conftest import PHONE, TABLET, sign_in, staff_page
from tests.review import sounds
from workshop.config import ROOT
from workshop.extensions import db
from workshop.models import Role, User
from workshop.review.models import Narration

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/askel-review-shots")
COURSE, LESSON = "start", "01-welcome"


def staff(app, factory, username: str, locale: str | None, role=Role.INSTRUCTOR) -> int:
    uid = factory.staff(username, role=role)
    with app.app_context():
        db.session.get(User, uid).locale = locale
        db.session.commit()
    if locale and role == Role.INSTRUCTOR:
        from tests.review.helpers import grant

        grant(app, uid, locale)
    return uid


def learner_page(browser, base: str, code: str, **context_args):
    context = browser.new_context(**context_args)
    page = context.new_page()
    sign_in(page, base, code)
    return context, page


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until `expression` is true in the page. Given as a function: a bare expression would be
    evaluated with eval(), which the page's CSP forbids."""
    page.wait_for_function(f"() => ({expression})", timeout=timeout * 1000)


def step_url(base: str, step: str) -> str:
    return f"{base}/learn/{COURSE}/{LESSON}/steps/{step}"


def test_somali_narration_uploaded_then_played_by_a_learner(app, factory, live_server, browser):
    SHOTS.mkdir(exist_ok=True)
    deeqa = staff(app, factory, "deeqa", "so")
    group = factory.workshop("so", instructor=deeqa)
    _uid, code, _ = factory.learner(group, name="Hodan", locale="so")
    lesson = app.extensions["askel_catalogue"].lesson(COURSE, LESSON)
    recorded, silent = lesson.steps[0].id, lesson.steps[1].id

    teacher_context, teacher = staff_page(browser, live_server, "deeqa", "/teach/", **TABLET)
    teacher.goto(f"{live_server}/review/so/{COURSE}/{LESSON}/{recorded}/narration")
    assert teacher.locator("[data-recorder-ui]").is_visible()  # MediaRecorder exists: record, preview, save
    teacher.set_input_files("input[name=audio]", files=[
        {"name": "hodan.wav", "mimeType": "audio/wav", "buffer": sounds.wav(1.0, rate=8000)}])
    teacher.click("form.upload button[type=submit]")
    teacher.wait_for_selector("audio.review-audio[src*='/review/narrations/so/']")
    teacher.screenshot(path=str(SHOTS / "narration-so-tablet.png"), full_page=True)
    with app.app_context():
        narration = db.session.scalar(db.select(Narration))
        assert narration.locale == "so" and narration.context == lesson.steps[0].spoken().context
        src = f"/review/narrations/so/{narration.filename}"

    learner_context, learner = learner_page(browser, live_server, code, **PHONE)
    # no voice for Somali, as on her phone: said here, not waited for (voices may come late, with
    # voiceschanged, and there is no sign that none will)
    learner_context.add_init_script("speechSynthesis.getVoices = () => [];")
    learner.goto(step_url(live_server, recorded))
    button = learner.locator("[data-listen-play]")
    assert button.is_visible()
    assert learner.locator("audio.listen-audio").get_attribute("controls") is None  # the button plays it
    learner.evaluate("document.querySelector('audio.listen-audio').addEventListener('playing', () => window.__played = true)")
    button.click()
    wait_until(learner, "window.__played === true")
    state = learner.evaluate("(() => { const a = document.querySelector('audio.listen-audio');"
                             " return {src: a.currentSrc, paused: a.paused, ended: a.ended}; })()")
    assert state["src"] == live_server + src
    assert not state["paused"] or state["ended"]
    assert button.get_attribute("aria-pressed") in ("true", "false")
    learner.screenshot(path=str(SHOTS / "listen-so-phone.png"), full_page=True)

    # No recording and no voice for Somali: no listen button at all.
    learner.goto(step_url(live_server, silent))
    assert learner.locator(".listen-button:visible").count() == 0
    assert learner.locator("audio").count() == 0
    # the next step over htmx: the recorded step's button works after a swap too
    learner.goto(step_url(live_server, silent))
    learner.click("nav.step-nav a.button")  # Back, swapped by htmx
    learner.wait_for_selector("[data-listen-play]:visible")
    learner_context.close()

    # Without JavaScript: the audio player's own controls on the recorded step, nothing on the other.
    nojs_context, nojs = learner_page(browser, live_server, code, java_script_enabled=False, **PHONE)
    nojs.goto(step_url(live_server, recorded))
    assert nojs.locator("audio.listen-audio[controls]").is_visible()
    assert nojs.locator("audio.listen-audio").get_attribute("src") == src
    nojs.goto(step_url(live_server, silent))
    assert nojs.locator(".listen-button:visible").count() == 0 and nojs.locator("audio").count() == 0
    nojs_context.close()
    teacher_context.close()


def test_arabic_wording_edited_seen_exported_and_reverted(app, factory, live_server, browser, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    rasha = staff(app, factory, "rasha", "ar")
    staff(app, factory, "liisa", "en", role=Role.COORDINATOR)
    group = factory.workshop("ar", instructor=rasha)
    _uid, code, _ = factory.learner(group, name="Layla", locale="ar")
    lesson = app.extensions["askel_catalogue"].lesson(COURSE, LESSON)
    step = lesson.steps[0]
    context = f"{step.context}/text"
    new_text = "مرحباً بكِ في أسكِل. هذا نصّ راجعته المدرّبة رشا."

    learner_context, learner = learner_page(browser, live_server, code, **PHONE)
    learner.goto(step_url(live_server, step.id))
    before = learner.locator(".step-text").inner_text()
    assert new_text not in before

    teacher_context, teacher = staff_page(browser, live_server, "rasha", "/teach/", **TABLET)
    teacher.goto(f"{live_server}/review/ar/{COURSE}/{LESSON}/")
    row = teacher.locator(f"#t-{step.id}--text")
    teacher.evaluate("window.__sameDocument = true")
    row.locator("a.button").click()  # htmx swaps the form in place
    textarea = teacher.locator(f"#t-{step.id}--text textarea")
    textarea.wait_for()
    textarea.fill(new_text)
    row.scroll_into_view_if_needed()
    teacher.screenshot(path=str(SHOTS / "edit-ar-tablet.png"))
    teacher.locator(f"#t-{step.id}--text button[type=submit]").click()
    teacher.wait_for_selector(f"#t-{step.id}--text .tag-ok")
    assert new_text in teacher.locator(f"#t-{step.id}--text .text-tr").inner_text()
    assert teacher.evaluate("window.__sameDocument === true")  # edited in place, no page load

    learner.reload()
    assert new_text in learner.locator(".step-text").inner_text()

    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy)
    result = app.test_cli_runner().invoke(args=["review", "export", "--translations", str(copy)])
    assert result.exit_code == 0, result.output
    with (copy / "ar" / "LC_MESSAGES" / "lessons.po").open("rb") as fh:
        message = read_po(fh, locale="ar").get(step.text, context=context)
    assert message.string == new_text
    assert any(c.startswith("reviewed in Askel by rasha on ") for c in message.user_comments)

    coordinator_context, coordinator = staff_page(browser, live_server, "liisa", "/admin/", **TABLET)
    coordinator.goto(f"{live_server}/review/ar/{COURSE}/{LESSON}/")
    coordinator.locator(f"#t-{step.id}--text form button[type=submit]").click()  # Revert
    wait_until(coordinator,
               f"!document.querySelector('#t-{step.id}--text .text-tr').innerText.includes({new_text!r})")
    learner.reload()
    assert new_text not in learner.locator(".step-text").inner_text()
    assert learner.locator(".step-text").inner_text() == before
    history = coordinator.goto(f"{live_server}/review/ar/{COURSE}/{LESSON}/")
    assert history.ok and "liisa" in coordinator.locator("#history ~ ul").inner_text()
    for c in (learner_context, teacher_context, coordinator_context):
        c.close()


# one test per locale (not one test for all four): the suite's longest test no longer keeps one worker
# busy at the end of a run while the other waits
@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_review_pages_have_no_serious_axe_violations(app, factory, live_server, browser, axe, locale):
    SHOTS.mkdir(exist_ok=True)
    staff(app, factory, "liisa", locale, role=Role.COORDINATOR)
    step = app.extensions["askel_catalogue"].lesson(COURSE, LESSON).steps[0]
    context, page = staff_page(browser, live_server, "liisa", "/admin/", **PHONE, bypass_csp=True)  # axe is injected
    page.goto(f"{live_server}/review/so/{COURSE}/{LESSON}/{step.id}/narration")
    page.set_input_files("input[name=audio]", files=[
        {"name": "n.wav", "mimeType": "audio/wav", "buffer": sounds.wav(1.0)}])
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("audio.review-audio")
    paths = {
        "index": "/review/",
        "lesson": f"/review/ar/{COURSE}/{LESSON}/",
        "edit": f"/review/ar/{COURSE}/{LESSON}/edit/{step.id}/text",
        "narration": f"/review/so/{COURSE}/{LESSON}/{step.id}/narration",
        "missing": f"/review/courses/{COURSE}/recordings",
        "recordings": "/review/recordings",
        "answer": f"/review/so/{COURSE}/{LESSON}/quiz-what/narration?text=option/finnish-course/text",
    }
    problems = {}
    for name, path in paths.items():
        page.goto(live_server + path)
        assert page.locator(f"html[lang={locale}]").count() == 1
        found = axe(page)
        if found:
            problems[f"{locale} {name}"] = found
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360 + 1, f"{locale} {name} scrolls sideways on a phone ({width}px)"
        if locale == "ar":
            page.screenshot(path=str(SHOTS / f"{name}-ar-phone.png"))
    assert not problems, problems
    context.close()


def test_chromes_own_mediarecorder_webm_is_measured(app, live_server, browser):
    """A recording as Chrome's MediaRecorder makes it (no Duration in the file): its length is
    computed from the last Cluster and block timecodes."""
    import base64

    from workshop.review import audio

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/sign-in")
    encoded = page.evaluate("""async () => {
        const ctx = new AudioContext();
        await ctx.resume();
        const osc = ctx.createOscillator();
        const dest = ctx.createMediaStreamDestination();
        osc.connect(dest); osc.start();
        const rec = new MediaRecorder(dest.stream, {mimeType: 'audio/webm;codecs=opus'});
        const chunks = [];
        rec.ondataavailable = e => chunks.push(e.data);
        const done = new Promise(resolve => rec.onstop = resolve);
        rec.start(250);
        await new Promise(r => setTimeout(r, 2000));
        rec.stop(); await done;
        const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
        let s = ''; for (const b of bytes) s += String.fromCharCode(b);
        return btoa(s);
    }""")
    context.close()
    data = base64.b64decode(encoded)
    assert data[:4] == b"\x1a\x45\xdf\xa3"
    result = audio.check(data)
    assert result.kind == "webm"
    assert 1.5 <= result.seconds <= 2.5, result.seconds
