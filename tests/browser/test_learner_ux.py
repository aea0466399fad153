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
