"""Issue 15 item 3: after a failed submit, an error summary at the top of the form, each line a link to
its field, and focus on it: she sees it (it is in the viewport) on a phone and on both tablet sizes,
with JavaScript on and off, in her language."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from flask_babel import force_locale

from tests.browser.conftest import sign_in
from tests.browser.test_bank_flows import B, bank_sign_in, the_bill
from workshop.sims.bank import finance
from workshop.sims.bank.views import REFERENCE_ERRORS

pytestmark = pytest.mark.browser

SIZES = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "tablet-768": {"viewport": {"width": 768, "height": 1024}, "is_mobile": True, "has_touch": True},
    "tablet-1024": {"viewport": {"width": 1024, "height": 768}, "is_mobile": True, "has_touch": True},
}

# the summary: focused, its top inside the viewport, and where it sits relative to the form
SEEN = """() => {
  const s = document.querySelector('.error-summary');
  if (!s) return null;
  const r = s.getBoundingClientRect();
  return {focused: document.activeElement === s, top: r.top, bottom: r.bottom, height: innerHeight,
          links: [...s.querySelectorAll('a')].map(a => a.getAttribute('href')),
          inForm: !!s.closest('form'), text: s.innerText};
}"""


IN_VIEW = """() => { const s = document.querySelector('.error-summary');
  if (!s || document.activeElement !== s) return false;
  const r = s.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"""


def assert_seen(page, links: list[str]) -> dict:
    # Chromium scrolls to an autofocused element in a later frame than it focuses it: on a loaded machine
    # the summary was read focused but not yet scrolled to (PostgreSQL CI, a 360-px phone, no JS). Waited
    # for, then read; still failing if it never comes into view.
    try:
        page.wait_for_function(IN_VIEW, timeout=5_000)
    except PlaywrightTimeout:
        pass  # the assertions below say what is wrong
    seen = page.evaluate(SEEN)
    assert seen is not None, "no error summary"
    assert seen["focused"], "focus is not on the summary"
    assert 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen
    assert seen["links"] == links
    return seen


@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_wrong_reference_in_the_bank_shows_a_summary_where_she_looks(app, factory, live_server, browser, size, javascript):
    uid, code, _ = factory.learner(factory.workshop("ar"), name="Fatima", locale="ar")
    context = browser.new_context(**SIZES[size], java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    bank_sign_in(page, live_server)
    bill = the_bill(app, uid, "electricity")
    page.goto(f"{live_server}{B}/pay")
    page.fill("#recipient", bill.recipient)
    page.fill("#iban", finance.format_iban(bill.iban))
    page.fill("#amount", "64,37")
    page.fill("#reference", "261 10784")  # one digit wrong
    page.fill("#due", finance.format_date(bill.due))
    page.click("form.pay-form button[type=submit]")
    page.wait_for_load_state()
    seen = assert_seen(page, ["#reference"])
    assert seen["inForm"]
    with app.test_request_context(), force_locale("ar"):
        expected = str(REFERENCE_ERRORS["reference_check"]())
    assert expected in seen["text"]
    page.screenshot(path=f"test-results/error-summary-bank-{size}-{'js' if javascript else 'nojs'}.png")
    # the link takes her to the field
    page.click(".error-summary a[href='#reference']")
    box = page.locator("#reference").bounding_box()
    assert 0 <= box["y"] <= SIZES[size]["viewport"]["height"]
    if javascript:
        expect(page.locator("#reference")).to_be_focused()  # waited for, not read once
    # nothing filled in: one line per field, in the order of the form
    page.goto(f"{live_server}{B}/pay")
    page.click("form.pay-form button[type=submit]")
    page.wait_for_load_state()
    links = assert_seen(page, page.evaluate(SEEN)["links"])["links"]
    order = page.evaluate("[...document.querySelectorAll('.pay-form [id]')].map(e => '#' + e.id)")
    assert len(links) >= 3 and links == [i for i in order if i in links]
    context.close()


# Every other practice form and the learner's sign-in: (path, the form, how to make it fail, first link)
FORMS = [
    ("/practice/wilma/messages/new", "form.kr-form", None, "#child"),
    ("/practice/wilma/marks/notify", "form.kr-form", None, "#child"),
    ("/practice/wilma/applications/new", "form.kr-form", None, "#child"),
    ("/practice/mail/compose", "form.wm-compose", {"#wm-to": "not an address", "#wm-body": "Salaan"}, "#wm-to"),
]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("path, form, fill, first", FORMS, ids=[f[0].split("/", 2)[2] for f in FORMS])
def test_every_practice_form_shows_a_summary_on_a_phone(app, factory, live_server, browser, javascript, path, form, fill, first):
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Hodan", locale="so")
    context = browser.new_context(**SIZES["phone"], java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}{path}")
    page.eval_on_selector(form, "f => f.noValidate = true")  # what the server says, not the browser's own check
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()
    seen = page.evaluate(SEEN)
    assert seen and seen["focused"] and 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen
    assert seen["links"][0] == first
    assert page.evaluate("document.documentElement.lang") == "so"
    for href in seen["links"]:
        assert page.locator(href).count() == 1, href  # every link has its field
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_wrong_code_at_sign_in_is_summarised_and_focused(app, live_server, browser, javascript):
    context = browser.new_context(**SIZES["phone"], java_script_enabled=javascript)
    context.add_cookies([{"name": "askel_lang", "value": "ar", "url": live_server}])
    page = context.new_page()
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=code]", "WRONG-CODE")
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_load_state()
    seen = assert_seen(page, ["#code"])
    with app.test_request_context(), force_locale("ar"):
        from flask_babel import gettext

        assert gettext("That code is not right. Check the letters and try again, or ask your instructor.") in seen["text"]
    context.close()
