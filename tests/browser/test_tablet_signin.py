"""On a tablet set up for the Somali group, a learner signs in with her name and three pictures.

Also: wrong tries are rate limited (the learner's own limit), and axe-core finds no serious or critical violation on the
tablet pages in any of the four locales.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, staff_sign_in

pytestmark = pytest.mark.browser

SHOTS = "test-results/tablet"


def set_up_this_tablet(page, base: str, workshop_id: int) -> None:
    page.goto(f"{base}/tablet/setup/{workshop_id}")
    page.click(f"form[action='/tablet/setup/{workshop_id}'] button[type=submit]")
    page.wait_for_selector(".notice[role=status]:not([hidden])")  # "This tablet is ready", in the staff member's language


def tap_pictures(page, pictures) -> None:
    for n, picture in enumerate(pictures):
        page.click(f"button[name=picture][value='{picture}']")
        if n < len(pictures) - 1:
            page.wait_for_selector(f".dot.is-filled >> nth={n}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_learner_signs_in_on_the_somali_groups_tablet(app, factory, live_server, browser, javascript):
    deeqa = factory.staff("deeqa")
    somali = factory.workshop("so", name="Somali group", instructor=deeqa)
    amina, _code, _ = factory.learner(somali, name="Amina")
    factory.learner(somali, name="Hodan")
    context = browser.new_context(**TABLET, java_script_enabled=javascript)
    page = context.new_page()
    # the instructor sets the tablet up once, chooses Amina's pictures and signs out
    staff_sign_in(page, live_server, "deeqa", "/teach/")
    set_up_this_tablet(page, live_server, somali)
    page.goto(f"{live_server}/tablet/pictures/{amina}")
    for n, picture in enumerate((2, 7, 0), start=1):
        page.check(f"input[name=picture{n}][value='{picture}']")
    page.click("form[action^='/tablet/pictures'] button[type=submit]:not([name])")
    page.wait_for_selector("text=Saved")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    # a learner: her name, then her three pictures; the page speaks Somali (the group's language)
    assert page.evaluate("document.documentElement.lang") == "so"
    assert page.locator(".name-button").count() == 2
    page.screenshot(path=f"{SHOTS}-names-{'js' if javascript else 'nojs'}.png", full_page=True)
    page.click("a.name-button:has-text('Amina')")
    page.wait_for_selector(".picture-grid")
    assert page.locator(".picture-button").count() == 12
    page.screenshot(path=f"{SHOTS}-pictures-{'js' if javascript else 'nojs'}.png", full_page=True)
    tap_pictures(page, (2, 7, 0))
    page.wait_for_url(re.compile(r".*/home$"))
    # signing out on the tablet brings the names back for the next learner
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    context.close()


def test_wrong_tries_are_rate_limited(app, factory, live_server, browser):
    from tests.auth.helpers import set_pictures
    from workshop.auth.throttle import ITEMS

    deeqa = factory.staff("deeqa")
    somali = factory.workshop("so", name="Somali group", instructor=deeqa)
    amina, _code, _ = factory.learner(somali, name="Amina", locale="en")  # she reads English: the test reads it too
    set_pictures(app, amina, (2, 7, 0))
    context = browser.new_context(**TABLET)
    context.add_cookies([{"name": "askel_lang", "value": "en", "url": live_server}])
    page = context.new_page()
    staff_sign_in(page, live_server, "deeqa", "/teach/")
    set_up_this_tablet(page, live_server, somali)
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    page.click("a.name-button:has-text('Amina')")
    for attempt in range(ITEMS["picture-learner"].amount):  # the learner's own limit (docs/security.md)
        tap_pictures(page, (0, 0, 0))
        page.wait_for_selector("text=Those pictures are not right")
    page.screenshot(path=f"{SHOTS}-wrong.png", full_page=True)
    page.click("button[name=picture][value='2']")
    page.wait_for_selector("text=Too many tries")
    page.screenshot(path=f"{SHOTS}-limited.png", full_page=True)
    assert "/home" not in page.url
    context.close()


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_tablet_pages_have_no_serious_violations(app, factory, live_server, browser, axe, locale):
    from tests.auth.helpers import set_pictures

    deeqa = factory.staff("deeqa")
    workshop = factory.workshop("ar" if locale == "ar" else "so", name="Group", instructor=deeqa)
    amina, _code, _ = factory.learner(workshop, name="Amina")
    factory.learner(workshop, name="Hodan")
    set_pictures(app, amina, (2, 7, 0))
    found = {}
    for device, size in (("tablet", TABLET), ("phone", PHONE)):
        context = browser.new_context(**size, bypass_csp=True)  # axe is injected as a script
        context.add_cookies([{"name": "askel_lang", "value": locale, "url": live_server}])
        page = context.new_page()
        page.goto(f"{live_server}/tablet/")
        found[f"{device} no device"] = axe(page)
        staff_sign_in(page, live_server, "deeqa", "/teach/")
        page.goto(f"{live_server}/tablet/setup/")
        found[f"{device} setup index"] = axe(page)
        set_up_this_tablet(page, live_server, workshop)
        found[f"{device} setup"] = axe(page)
        page.goto(f"{live_server}/tablet/pictures/{amina}")
        found[f"{device} set pictures"] = axe(page)
        page.click("button[name=random]")
        page.wait_for_selector(".saved-pictures")
        found[f"{device} pictures saved"] = axe(page)
        page.screenshot(path=f"{SHOTS}-set-pictures-{locale}-{device}.png", full_page=True)
        page.click("form[action='/sign-out'] button")
        page.wait_for_url(re.compile(r".*/tablet/$"))
        assert page.evaluate("document.documentElement.lang") == locale
        found[f"{device} names"] = axe(page)
        page.click("a.name-button:has-text('Amina')")
        found[f"{device} pictures"] = axe(page)
        page.screenshot(path=f"{SHOTS}-grid-{locale}-{device}.png", full_page=True)
        tap_pictures(page, (0, 0, 0))
        page.wait_for_selector("p.notice-error[role=alert]:not([hidden])")
        found[f"{device} wrong pictures"] = axe(page)
        context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad
