"""Issue 15 item 10: when the teacher's answer arrives by itself in the practice inbox, the Inbox count
goes up with it (htmx brings it out of band); with JavaScript off, "Check for new messages" asks."""
from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in
from workshop.sims import discover

discover()

pytestmark = pytest.mark.browser
M = "/practice/mail"
COUNT = "() => (document.querySelector('#wm-count-inbox [aria-hidden]') || {innerText: '0'}).innerText"


def answer_the_teacher(page, base):
    page.goto(f"{base}{M}/")
    page.click("a.wm-row-link:has-text('Luokan retki perjantaina')")
    page.click("a[href$='/reply']")
    page.wait_for_selector("#wm-body")
    page.fill("#wm-body", "Hei, kyllä, lapsi saa osallistua. Hodan")
    page.click("button[name=action][value=send]")
    page.wait_for_url(re.compile(rf".*{M}/$"))


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_inbox_count_follows_the_answer_that_arrives_by_itself(app, factory, live_server, browser, monkeypatch, size):
    monkeypatch.setitem(app.config, "MAIL_REPLY_DELAY", 1)
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Hodan", locale="so")
    context = browser.new_context(**size)
    page = context.new_page()
    sign_in(page, live_server, code)
    answer_the_teacher(page, live_server)
    before = int(page.evaluate(COUNT))
    assert page.locator(".wm-check").count() == 0 or not page.locator(".wm-check").is_visible()
    page.wait_for_selector(".wm-arrived", timeout=20000)
    page.wait_for_function(f"({COUNT})() === '{before + 1}'", timeout=5000)
    assert page.locator(".wm-row.is-unread", has_text="VS: Luokan retki perjantaina").count() == 1
    context.close()


def test_without_javascript_she_checks_for_new_messages(app, factory, live_server, browser, monkeypatch):
    from flask_babel import force_locale, gettext

    monkeypatch.setitem(app.config, "MAIL_REPLY_DELAY", 1)
    _uid, code, _ = factory.learner(factory.workshop("ar"), name="Fatima", locale="ar")
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, code)
    answer_the_teacher(page, live_server)
    before = int(page.evaluate(COUNT))
    check = page.locator(".wm-check a")
    with app.test_request_context(), force_locale("ar"):
        assert check.inner_text() == gettext("Check for new messages")
    box = check.bounding_box()
    assert box["height"] >= 44 and box["y"] + box["height"] <= 740 * 2
    time.sleep(2)  # the answer is due
    check.click()
    page.wait_for_load_state()
    assert int(page.evaluate(COUNT)) == before + 1
    assert page.locator(".wm-row.is-unread", has_text="VS: Luokan retki perjantaina").count() == 1
    context.close()
