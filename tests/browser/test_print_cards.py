"""The sign-in card sheet prints eight cards to an A4 page, each card whole (issue 16, item 11: the
old test only looked for two strings in the stylesheet). Chromium prints the real sheet to PDF."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import staff_page

pytestmark = pytest.mark.browser
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _pages(page) -> int:
    return len(PAGE_OBJECT.findall(page.pdf(format="A4", prefer_css_page_size=True)))


def test_nine_cards_print_on_two_pages_and_eight_on_one(browser, live_server, factory):
    instructor = factory.staff("deeqa")
    group = factory.workshop("so", name="Tuesday group", instructor=instructor)
    for n in range(9):
        factory.learner(group, name=f"Learner {n + 1}")
    context, page = staff_page(browser, live_server, "deeqa", "/teach/")
    try:
        page.goto(f"{live_server}/teach/groups/{group}/cards")
        for box in page.locator("input[name=learner]").all():
            box.check()
        page.locator("form button[type=submit]").last.click()
        page.locator("input[name=confirm][value=yes]").locator("xpath=ancestor::form").locator(
            "button[type=submit]").click()
        page.wait_for_selector(".signin-card >> nth=8")
        assert page.locator(".signin-card").count() == 9
        page.emulate_media(media="print")
        boxes = [page.locator(".signin-card").nth(n).bounding_box() for n in range(9)]
        assert all(b["height"] > 200 for b in boxes), boxes  # 69 mm each, not squeezed
        assert _pages(page) == 2
        page.evaluate("document.querySelectorAll('.signin-card')[8].remove()")
        assert _pages(page) == 1  # the eighth card ends the page without an empty one after it
    finally:
        context.close()
