"""Issue 15 item 1: once the tablet or the card knows who she is, the page speaks her language, not the
tablet's or the browser's: the picture names, the "wrong pictures" message, the card's greeting."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, staff_sign_in

pytestmark = pytest.mark.browser


def said(app, locale: str, message: str, **values) -> str:
    """What the interface says in `locale` (the catalogs, not a copy of them)."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(locale):
        return gettext(message, **values)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_pictures_speak_her_language_on_a_finnish_tablet(app, factory, live_server, browser, javascript):
    from tests.auth.helpers import set_pictures

    deeqa = factory.staff("deeqa")
    somali = factory.workshop("so", name="Somali group", instructor=deeqa)
    amina, _code, _ = factory.learner(somali, name="Amina")  # no language of her own yet: her group's
    set_pictures(app, amina, (2, 7, 0))
    # a Finnish tablet: the browser's language and a Finnish choice made on it earlier
    context = browser.new_context(**TABLET, locale="fi-FI", java_script_enabled=javascript)
    context.add_cookies([{"name": "askel_lang", "value": "fi", "url": live_server}])
    page = context.new_page()
    staff_sign_in(page, live_server, "deeqa", "/teach/")
    page.goto(f"{live_server}/tablet/setup/{somali}")
    page.click(f"form[action='/tablet/setup/{somali}'] button[type=submit]")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    page.click("a.name-button:has-text('Amina')")
    page.wait_for_selector(".picture-grid")
    assert page.evaluate("document.documentElement.lang") == "so"
    names = page.locator(".picture-button span").all_inner_texts()
    assert names[0] == said(app, "so", "Sun") != "Sun"
    assert said(app, "fi", "Sun") not in names
    assert page.locator("h1").inner_text() == said(app, "so", "Hello, %(name)s", name="Amina")
    for picture in (0, 0, 0):
        page.click(f"button[name=picture][value='{picture}']")
        page.wait_for_load_state()
    error = page.locator("p.notice-error[role=alert]:not([hidden])")
    error.wait_for()
    assert error.inner_text() == said(app, "so", "Those pictures are not right. Try again, or ask your instructor.")
    context.close()


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_card_page_speaks_the_language_of_her_group(app, factory, live_server, browser, size):
    arabic = factory.workshop("ar", name="Arabic group")
    _id, _code, token = factory.learner(arabic, name="Fatima")
    context = browser.new_context(**size, locale="fi-FI")  # a Finnish phone
    page = context.new_page()
    page.goto(f"{live_server}/card/{token}")
    page.wait_for_url(re.compile(r".*/card$"))
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.locator("h1").inner_text() == said(app, "ar", "Hello, %(name)s", name="Fatima")
    button = page.locator("form button[type=submit]")
    assert button.inner_text() == said(app, "ar", "Sign in")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= size["viewport"]["height"]  # she can tap it without scrolling
    button.click()
    page.wait_for_url(re.compile(r".*/home$"))
    context.close()
