"""Issue 15 item 2: a notice appears where she is looking and takes focus. Offline, a tap on Next shows
"You are offline…" inside the viewport (it was 228 px above it on a phone), in her language, focused and
announced (role=alert); when the network returns, the next step comes and its heading takes focus."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, open_lesson, sign_in

pytestmark = pytest.mark.browser

NOTE = """() => {
  const n = document.getElementById('offline'), r = n.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, height: innerHeight, focused: document.activeElement === n,
          role: n.getAttribute('role'), text: n.innerText};
}"""


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("locale", ["so", "ar"])
def test_offline_notice_is_in_view_and_focused(app, factory, live_server, browser, size, locale):
    from flask_babel import force_locale, gettext

    _uid, code, _ = factory.learner(factory.workshop(locale), name="Ubax", locale=locale)
    # the notice of a browser without the offline worker (test_offline.py: with it, answers wait on the phone)
    context = browser.new_context(**size, service_workers="block")
    page = context.new_page()
    sign_in(page, live_server, code)
    open_lesson(page, "start", "01-welcome")
    page.wait_for_selector("#player")
    nxt = page.locator(".step-nav button.button-primary")
    nxt.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 10000)")  # she has read to the end of the step
    context.set_offline(True)
    nxt.click()
    page.wait_for_selector("#offline:not([hidden])")
    note = page.evaluate(NOTE)
    assert 0 <= note["top"] and note["bottom"] <= note["height"], note
    assert note["focused"] and note["role"] == "alert"
    with app.test_request_context(), force_locale(locale):
        assert note["text"] == gettext("You are offline. Askel will try again by itself. Nothing you did is lost.")
    page.screenshot(path=f"test-results/offline-{locale}-{size['viewport']['width']}.png")
    context.set_offline(False)
    page.wait_for_url(re.compile(r".*/steps/.*$"))
    page.wait_for_selector("#offline[hidden]", state="attached")
    # a function, not a bare expression: that is evaluated with eval(), which the CSP refuses as soon as
    # the focus is not there at the first look
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'")
    context.close()
