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


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_set_up_tablet_opens_on_the_names_and_first_pictures_speak_of_no_old_ones(app, factory, live_server, browser,
                                                                                 javascript):
    deeqa = factory.staff("deeqa")
    wid = factory.workshop("so", name="Somali group", instructor=deeqa)
    hodan, _code, _ = factory.learner(wid, name="Hodan")
    context = browser.new_context(**TABLET, java_script_enabled=javascript)
    page = context.new_page()
    staff_sign_in(page, live_server, "deeqa", "/teach/")
    page.goto(f"{live_server}/tablet/setup/{wid}")
    page.click(f"form[action='/tablet/setup/{wid}'] button[type=submit]")
    page.wait_for_selector(".notice[role=status]:not([hidden])")
    page.goto(f"{live_server}/tablet/pictures/{hodan}")
    for n, picture in enumerate((2, 7, 0), start=1):
        page.check(f"input[name=picture{n}][value='{picture}']")
    page.click("form[action^='/tablet/pictures'] button[type=submit]:not([name])")
    page.wait_for_selector("#saved-title")
    assert page.locator("text=Her old pictures no longer work.").count() == 0  # she had none
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    page.goto(f"{live_server}/")  # the tablet's start page, e.g. from its home-screen icon
    page.wait_for_url(re.compile(r".*/tablet/$"))
    assert page.evaluate("document.documentElement.lang") == "so"
    assert page.locator("a.name-button:has-text('Hodan')").is_visible()
    context.close()
