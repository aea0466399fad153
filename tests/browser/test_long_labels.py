"""Issue 15 item 11: a Finnish label with its gloss ("Merkitse roskapostiksi (Ka dhig qashin)") wraps
inside its button on a 360-px phone, in Somali and in Arabic: nothing spills out of a button or off
the screen."""
from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, sign_in
from workshop.sims import discover

discover()

pytestmark = pytest.mark.browser

# every button-like control: its own box, and each piece of its text, must stay inside it and the screen
SPILLS = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('main button, main .button, main .wm-btn, main a.wm-btn')) {
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    const name = el.innerText.replace(/\\s+/g, ' ').trim();
    if (box.left < -1 || box.right > width + 1) found.push(['off screen', name]);
    if (el.scrollWidth > el.clientWidth + 1) found.push(['spills', name]);
    for (const part of el.querySelectorAll('span')) {
      const r = part.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) found.push(['text outside', name]);
    }
  }
  if (document.documentElement.scrollWidth > width + 1) found.push(['page scrolls sideways', '']);
  return found;
}"""


@pytest.mark.parametrize("locale", ["so", "ar"])
def test_glossed_finnish_labels_wrap_inside_their_buttons_on_a_phone(app, factory, live_server, browser, locale):
    _uid, code, _ = factory.learner(factory.workshop(locale), name="Hodan", locale=locale)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}/practice/mail/")
    links = page.eval_on_selector_all("a.wm-row-link", "els => els.map(e => e.getAttribute('href'))")
    assert links, "the practice inbox has messages"
    seen_spam_button = False
    for href in links:
        page.goto(f"{live_server}{href}")
        page.wait_for_selector(".wm-message")
        seen_spam_button |= page.locator("form[action$='/spam'] button").count() > 0
        assert page.evaluate(SPILLS) == [], href
    assert seen_spam_button
    page.screenshot(path=f"test-results/long-labels-{locale}.png", full_page=True)
    for path in ("/practice/mail/", "/practice/bank/", "/practice/wilma/"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate(SPILLS) == [], path
    context.close()
