"""A shared tablet left alone signs out by itself (issue 12, item 2): the last seconds are counted
down on the screen with "I am still here"; without JavaScript the page asks the server when the
time is up. Arabic on a tablet, right to left."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TABLET, staff_sign_in
from tests.browser.test_tablet_signin import set_up_this_tablet, tap_pictures

pytestmark = pytest.mark.browser


def _learner_on_tablet(app, factory, live_server, browser, javascript: bool):
    rasha = factory.staff("rasha")
    group = factory.workshop("ar", name="Arabic group", instructor=rasha)
    layla, _code, _ = factory.learner(group, name="Layla", locale="ar")
    context = browser.new_context(**TABLET, java_script_enabled=javascript)
    if javascript:
        # the countdown is the page's own timer: the test moves the page's clock on instead of waiting
        context.clock.install()
    page = context.new_page()
    staff_sign_in(page, live_server, "rasha", "/teach/")
    set_up_this_tablet(page, live_server, group)
    page.goto(f"{live_server}/tablet/pictures/{layla}")
    for n, picture in enumerate((1, 5, 9), start=1):
        page.check(f"input[name=picture{n}][value='{picture}']")
    page.click("form[action^='/tablet/pictures'] button[type=submit]:not([name])")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    page.click("a.name-button:has-text('Layla')")
    tap_pictures(page, (1, 5, 9))
    page.wait_for_url(re.compile(r".*/home$"))
    return context, page


def test_the_countdown_shows_and_she_can_stay(app, factory, live_server, browser, monkeypatch):
    monkeypatch.setitem(app.config, "TABLET_IDLE_SECONDS", 8)  # the countdown shows in the last 4 s
    context, page = _learner_on_tablet(app, factory, live_server, browser, javascript=True)
    box = page.locator("#idle-countdown")
    assert box.is_hidden()
    # from 2 s after she landed (pause_at takes seconds), her page's time moves only when the test says
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 2)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.clock.run_for(2_500)
    box.wait_for(state="visible", timeout=8000)
    minutes, _colon, seconds = box.locator("[data-left]").inner_text().partition(":")
    assert minutes == "0" and 1 <= int(seconds) <= 4
    top = page.evaluate("document.getElementById('idle-countdown').getBoundingClientRect().top")
    assert 0 <= top < 1280  # where she is looking, not off-screen
    page.screenshot(path="test-results/tablet-idle-countdown-ar.png")
    box.locator("[data-stay]").click()
    assert box.is_hidden()
    page.clock.run_for(6_000)  # later than she would have been signed out without "I am still here"
    # she stayed: counted from her tap, 2 or 3 of her 8 seconds are left (a sign-out would have left 0:01)
    assert box.locator("[data-left]").inner_text() in ("0:02", "0:03")
    assert page.url.endswith("/home")
    # left alone again: signed out, and the tablet shows the group's names for the next person
    page.clock.run_for(3_000)
    page.wait_for_url(re.compile(r".*/tablet/$"), timeout=15000)
    assert page.locator("a.name-button:has-text('Layla')").count() == 1
    page.goto(f"{live_server}/home")
    assert "/sign-in" in page.url or page.url.endswith("/tablet/")
    context.close()


def test_without_javascript_the_page_signs_out_when_time_is_up(app, factory, live_server, browser, monkeypatch):
    monkeypatch.setitem(app.config, "TABLET_IDLE_SECONDS", 3)
    context, page = _learner_on_tablet(app, factory, live_server, browser, javascript=False)
    page.wait_for_url(re.compile(r".*/tablet/$"), timeout=15000)
    page.goto(f"{live_server}/home")
    assert not page.url.endswith("/home")
    context.close()
