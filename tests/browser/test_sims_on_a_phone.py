"""Every page of every practice service on a 360-px phone, in Somali and in Arabic: one page of each
kind, found by following the services' own links from their home pages (so a new page is checked as
soon as a link leads to it). Nothing is cut by the service's frame, no page is wider than the phone,
and (the Arabic audit of test_bidi) amounts, counts and Finnish keep their order.

Found walking the site: a sender's address in a bank message's heading ran out of the frame, and
Suomi.fi-viestit's rows pushed their dates out of it."""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_bank_flows import bank_sign_in
from tests.browser.test_bidi import AUDIT

pytestmark = pytest.mark.browser

# A Finnish label's meaning and the colon after it stay on one line: ": 1 dukumenti cusub" and ": ADYBF"
# began a line of their own after "Asiakirjat (Dukumentiyada…)" and "Tapahtumatunniste (Koodh…)", and in
# Arabic the second line of the button "OmaKela: Ilmoita muutoksista" began with the colon.
LONE_COLON = """() => {
  const found = [];
  for (const gloss of document.querySelectorAll('.sim-frame .gloss')) {
    const next = gloss.nextSibling;
    if (!gloss.getClientRects().length || !next || next.nodeType !== 3 || !next.data.startsWith(':')) continue;
    // A button lays its children out as pieces, one by one: a colon there is a piece that can start a line
    // of its own. Its label is then one piece (a span), inside which the colon stays with its word.
    if (gloss.parentElement.matches('button, .button, .wm-btn')) {
      found.push(`colon as a piece of its own in the button "${gloss.parentElement.innerText.trim().slice(0, 40)}"`);
      continue;
    }
    const range = document.createRange();
    range.setStart(next, 0); range.setEnd(next, 1);
    const colon = range.getClientRects()[0], rects = gloss.getClientRects(), end = rects[rects.length - 1];
    if (colon && Math.abs((colon.top + colon.bottom) / 2 - (end.top + end.bottom) / 2) > end.height / 2)
      found.push(`colon on a line of its own after "${gloss.parentElement.innerText.trim().slice(0, 40)}"`);
  }
  return found;
}"""

# Two controls one above the other with no space between them: a finger meant for one taps the other
# ("Jatka" and "Keskeytä", continue and cancel, touched on Suomi.fi's identification pages).
TOUCHING = """(scope = '.sim-frame') => {
  const controls = [...document.querySelectorAll(`${scope} :is(button, .button, input:not([type=hidden]), select, textarea)`)]
    .filter(el => el.getClientRects().length && !el.closest('[hidden], .visually-hidden') && el.type !== 'radio' && el.type !== 'checkbox')
    .map(el => [el, el.getBoundingClientRect()]);
  const found = [];
  for (const [a, ra] of controls) for (const [b, rb] of controls) {
    if (a === b || a.contains(b) || b.contains(a)) continue;
    const side = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 0;
    const gap = rb.top - ra.bottom;
    if (side && gap >= -1 && gap < 4)
      found.push(`controls touching: "${a.innerText || a.name}" above "${b.innerText || b.name}" (${Math.round(gap)} px apart)`);
  }
  return found;
}"""

# pages that are files, or that only say what a POST did
SKIP = re.compile(r"/(attachments|photos)/|/file$|\.(svg|png|jpg|pdf)$|/sign-out|/kirjaudu-ulos")


PER_KIND = 8  # messages of one kind differ in what they hold (a long sender's address): several of each


def kind_of(path: str) -> str:
    """The kind of a page: /practice/bank/phone/3 and /practice/bank/phone/9 are two phone messages."""
    return re.sub(r"/\d+", "/N", path.split("?")[0])


def suomifi_identify(page, base: str) -> dict[str, list[str]]:
    """Identified in the practice Suomi.fi with Mobiilivarmenne; the pages on the way are audited
    (they are not linked once she is identified): what each showed wrong, by page."""
    found = {}
    page.goto(f"{base}/practice/suomifi/tunnistus")
    page.click("a.sf-method[href*=mobiilivarmenne]")
    page.fill("input[name=phone]", "040 123 4567")
    page.click("form.sf-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/tunnistus/odota.*"))
    found["identification: the code to compare"] = page.evaluate(AUDIT) + page.evaluate(LONE_COLON)
    page.click("a.button-primary[href*=sovellus]")
    page.wait_for_url(re.compile(r".*/sovellus.*"))
    found["identification: the app"] = page.evaluate(AUDIT) + page.evaluate(LONE_COLON)
    page.fill("input[name=pin]", "1234")
    page.click("button[name=action][value=confirm]")
    page.wait_for_url(re.compile(r".*/omakela$"))
    return {name: problems for name, problems in found.items() if problems}


@pytest.mark.parametrize("locale", ["so", "ar"])
def test_every_kind_of_practice_page_fits_a_phone(app, factory, live_server, browser, locale):
    _uid, code, _ = factory.learner(factory.workshop(locale), name="Hodan", locale=locale)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    bank_sign_in(page, live_server)
    problems: dict[str, list[str]] = suomifi_identify(page, live_server)
    queue = [f"/practice/{name}/" for name in sorted(app.extensions["askel_sims"])]
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    while queue:
        path = queue.pop(0)
        if path in seen or kinds.get(kind_of(path), 0) >= PER_KIND:
            continue
        seen.add(path)
        kinds[kind_of(path)] = kinds.get(kind_of(path), 0) + 1
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found = page.evaluate(AUDIT) + page.evaluate(TOUCHING) + page.evaluate(LONE_COLON)
        if found:
            problems[path] = found
        for href in page.eval_on_selector_all(".sim-frame a[href]", "els => els.map(e => e.getAttribute('href'))"):
            link = urlparse(href)
            if link.netloc or not link.path.startswith("/practice/") or SKIP.search(link.path):
                continue
            queue.append(link.path + (f"?{link.query}" if link.query else ""))
    assert len(kinds) > 40, sorted(kinds)  # every service's pages were reached, not only their homes
    assert not problems, "\n".join(f"{path}:\n  " + "\n  ".join(found) for path, found in problems.items())
    context.close()
