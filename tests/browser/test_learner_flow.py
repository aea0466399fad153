"""What a learner does, in a real browser: sign in with her code, do a lesson, come back to it."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, open_lesson, sign_in, walk_lesson

pytestmark = pytest.mark.browser


def lesson(app, course="start", lesson_id="01-welcome"):
    return app.extensions["askel_catalogue"].lesson(course, lesson_id)


def do_lesson(page, app, base: str, the_lesson) -> None:
    """From her home, tap through every step (walk_lesson): Next on explanations, the right answer
    (after one wrong one) on questions; each step shows where she is in the lesson and its picture.
    `window.__sameDocument` is set on the first step's page: gone after any full page load."""
    def every_step(page, step):
        n = the_lesson.steps.index(step) + 1
        if n == 1:
            page.wait_for_selector("#player")
            page.evaluate("window.__sameDocument = true")
        assert page.locator("progress.steps-bar").get_attribute("value") == str(n)
        assert page.locator(".picture img").count() == 1

    walk_lesson(page, app, base, the_lesson.course, the_lesson.id, every_step=every_step, wrong_first=True,
                from_home=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_somali_learner_completes_a_lesson_on_a_phone(app, factory, live_server, browser, javascript):
    workshop = factory.workshop("so")
    _uid, code, _ = factory.learner(workshop, name="Amina")
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server + "/")
    page.click("button[value=so]")  # the first-visit chooser
    page.wait_for_url(re.compile(r".*/sign-in$"))
    assert page.evaluate("document.documentElement.lang") == "so"
    sign_in(page, live_server, code)
    the_lesson = lesson(app)
    do_lesson(page, app, live_server, the_lesson)
    if javascript:  # htmx swapped the steps: the page was never reloaded
        assert page.evaluate("window.__sameDocument === true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/signed-out$"))
    sign_in(page, live_server, code)
    status = page.locator(f"a[href='/learn/start/01-welcome/'] .status")
    assert "status-done" in status.get_attribute("class")
    page.screenshot(path=f"test-results/so-home-{'js' if javascript else 'nojs'}.png", full_page=True)
    context.close()


def test_arabic_player_is_right_to_left(app, factory, live_server, browser):
    workshop = factory.workshop("ar")
    _uid, code, _ = factory.learner(workshop, name="Fatima")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    open_lesson(page, "start", "01-welcome")
    page.wait_for_selector("#player")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    # the Next button sits on the left in Arabic, the Back/Home button on the right
    nxt = page.locator(".step-nav .button-primary").bounding_box()
    back = page.locator(".step-nav a.button").first.bounding_box()
    assert nxt["x"] < back["x"]
    page.screenshot(path="test-results/ar-step.png", full_page=True)
    context.close()


def test_help_button_over_htmx(app, factory, live_server, browser):
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Hodan", locale="en")
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, live_server, code)
    open_lesson(page, "start", "01-welcome")
    page.click(".help-area button")
    page.wait_for_selector(".notice-help")
    assert "Your instructor" in page.inner_text(".notice-help")  # told, and when she will be seen (issue 15 item 12)


def test_a_dropped_connection_loses_nothing_and_counts_once(app, factory, live_server, browser):
    from workshop.extensions import db
    from workshop.models import StepEvent

    _uid, code, _ = factory.learner(factory.workshop("so"), name="Ubax", locale="en")
    # without the offline worker (a shared tablet, a first visit): the notice and the retry;
    # with it, the answer waits on the phone instead (tests/browser/test_offline.py)
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    sign_in(page, live_server, code)
    the_lesson = lesson(app)
    open_lesson(page, "start", "01-welcome")
    page.wait_for_selector("#player")
    context.set_offline(True)
    page.click(".step-nav button.button-primary")
    page.wait_for_selector("#offline:not([hidden])")
    assert "offline" in page.inner_text("#offline")
    context.set_offline(False)
    page.wait_for_url(re.compile(rf".*/steps/{the_lesson.steps[1].id}$"))
    page.wait_for_selector("#offline[hidden]", state="attached")
    with app.app_context():
        events = db.session.scalars(db.select(StepEvent).where(StepEvent.step == the_lesson.steps[0].id)).all()
        assert len(events) == 1
    context.close()
