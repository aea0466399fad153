"""What a learner finds on a phone (issue 15): starting a practice again asks first."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, sign_in as site_sign_in
from tests.browser.test_bank_flows import B, bank_sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_start_this_practice_again_asks_first_in_her_language(app, factory, live_server, browser, javascript):
    workshop = factory.workshop("so")
    _uid, code, _ = factory.learner(workshop, name="Hodan", locale="so")
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    site_sign_in(page, live_server, code)
    bank_sign_in(page, live_server)
    page.click(".sim-reset a")
    page.wait_for_url(re.compile(r".*/practice/reset/bank\?next=.*"))
    heading = page.locator("h1#reset-title")
    assert heading.inner_text() == "Ma dib u bilaabaysaa tababarkan?"
    box = heading.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 740  # where she is looking
    yes = page.locator("button[name=confirm][value=yes]")
    yes_box = yes.bounding_box()
    assert yes_box and yes_box["y"] + yes_box["height"] <= 740 and yes_box["x"] >= 0 and yes_box["x"] + yes_box["width"] <= 360
    # "No": back where she was, still signed in to the bank, nothing wiped
    page.click("a:has-text('Maya, dib u noqo')")
    page.wait_for_url(re.compile(rf".*{B}/$"))
    assert page.locator("#user_id").count() == 0
    # "Yes": the bank starts again from its sign-in
    page.click(".sim-reset a")
    page.click("button[name=confirm][value=yes]")
    page.wait_for_url(re.compile(rf".*{B}/$"))
    assert page.locator("#user_id").count() == 1
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_answered_question_keeps_its_next_after_back_and_a_reload(app, factory, live_server, browser, javascript):
    """Issue 15, item 6, on a phone: answer a question, go on, tap Back, reload: the answer and Next stay."""
    workshop = factory.workshop("so")
    _uid, code, _ = factory.learner(workshop, name="Amina", locale="so")
    the_lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    question = next(s for s in the_lesson.steps if s.type == "choose")
    following = the_lesson.steps[the_lesson.index(question.id) + 1]
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    site_sign_in(page, live_server, code)
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{question.id}")
    assert page.locator(".step-nav a.button-primary").count() == 0  # not answered yet: no Next
    right = next(o for o in question.options if o.correct)
    page.click(f"button[name=answer][value='{right.id}']")
    page.wait_for_selector(".feedback-right")
    page.click(".step-nav a.button-primary")
    page.wait_for_url(re.compile(rf".*/steps/{following.id}$"))
    page.click(".step-nav a.button:not(.button-primary)")  # Back
    page.wait_for_url(re.compile(rf".*/steps/{question.id}$"))
    for _ in range(2):  # as Back brought it, then after a reload
        page.wait_for_selector(".feedback-right")
        next_button = page.locator(".step-nav a.button-primary")
        assert next_button.is_visible() and next_button.get_attribute("href").endswith(f"/steps/{following.id}")
        box = next_button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        page.reload()
    page.click(".step-nav a.button-primary")
    page.wait_for_url(re.compile(rf".*/steps/{following.id}$"))
    context.close()


def test_her_help_request_s_two_buttons_do_not_touch_without_javascript(app, factory, live_server, browser):
    """After "I need help", with JavaScript off, "Take back my request" sat on "Check again" with no space
    between them on a 360-px phone: a finger meant for one could tap the other."""
    from tests.browser.test_sims_on_a_phone import TOUCHING

    _uid, code, _ = factory.learner(factory.workshop("ar"), name="Mariam", locale="ar")
    page = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    site_sign_in(page, live_server, code)
    page.goto(f"{live_server}/learn/start/01-welcome/")
    page.click("form[action='/help'] button")
    page.wait_for_selector(".help-actions")
    assert page.locator(".help-actions .button").count() == 2
    assert page.evaluate(TOUCHING, "main") == []
    page.context.close()
