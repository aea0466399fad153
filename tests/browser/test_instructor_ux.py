"""What an instructor finds on a tablet: the way to tablet set-up (issue 15)."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TABLET, staff_sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_instructor_finds_tablet_set_up_from_her_groups_and_the_class_view(app, factory, live_server, browser,
                                                                             javascript):
    deeqa = factory.staff("deeqa")
    wid = factory.workshop("so", name="Somali group", instructor=deeqa)
    context = browser.new_context(**TABLET, java_script_enabled=javascript)
    page = context.new_page()
    staff_sign_in(page, live_server, "deeqa", "/teach/")
    link = page.locator(f"main a[href='/tablet/setup/{wid}']")
    assert link.is_visible()
    page.goto(f"{live_server}/teach/groups/{wid}")
    link = page.locator(f"main a[href='/tablet/setup/{wid}']")
    box = link.bounding_box()
    assert box and box["y"] + box["height"] <= 1280 and box["x"] >= 0 and box["x"] + box["width"] <= 800  # in view
    link.click()
    page.wait_for_url(re.compile(rf".*/tablet/setup/{wid}$"))
    assert page.locator("h1").inner_text().endswith("Somali group")
    context.close()
