"""axe-core on every page type of the learner's side, in all four locales, on a phone."""
from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_no_serious_violations(app, factory, live_server, browser, axe, locale):
    _uid, code, _ = factory.learner(factory.workshop("ar" if locale == "ar" else "so"), locale=locale)
    context = browser.new_context(**PHONE, bypass_csp=True)  # axe is injected as a script
    context.add_cookies([{"name": "askel_lang", "value": locale, "url": live_server}])
    page = context.new_page()
    found = {}
    page.goto(live_server + "/language")
    found["chooser"] = axe(page)
    page.goto(live_server + "/sign-in")
    found["sign-in"] = axe(page)
    page.fill("input[name=code]", "WRONG")
    page.click("form[action='/sign-in'] button[type=submit]")
    found["sign-in with error"] = axe(page)
    page.fill("input[name=code]", code)
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_url("**/home")
    found["home"] = axe(page)
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    for step in (lesson.steps[0], next(s for s in lesson.steps if s.type == "choose")):
        page.goto(f"{live_server}/learn/start/01-welcome/steps/{step.id}")
        found[f"step {step.type}"] = axe(page)
    page.goto(live_server + "/my-progress")
    found["my progress"] = axe(page)
    context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad
