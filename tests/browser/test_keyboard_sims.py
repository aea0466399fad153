"""Every practice service works with the keyboard alone (issue #7).

In each test a learner does the sim's main task with Tab, Shift+Tab, Enter, Space, the arrow keys
and typing: no clicks, no filled-in fields, no mouse. At every stop of Tab the focus must be
visible (an outline or box-shadow that stands out from what is behind it, 3:1; on the screen; not
covered; and the picture really changes when the element takes focus), and nothing may trap focus:
Tab goes round the whole page and Shift+Tab goes back the same way.

- mail: Somali, on a phone: the inbox, the teacher's message, a reply, Lähetetyt.
- bank: Arabic (right to left), on a phone: sign in with the practice codes and the app, pay the
  electricity bill by typing what is on it, confirm in the app.
- wilma: Arabic, on a tablet: answer the teacher's message, explain the child's absence.
Live updates (a message arriving, a teacher's answer on its way) must not take focus away.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET
from workshop.curriculum.tasks import TASKS
from workshop.extensions import db
from workshop.models import User
from workshop.sims import discover
from workshop.sims.bank import finance
from workshop.sims.bank.models import Bill, Payment

discover()  # the practice steps' task checks exist before the app loads the lessons

pytestmark = pytest.mark.browser

# The element that has focus, described, with what keeps a sighted keyboard user from seeing it.
FOCUS = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const ids = window.__kbIds || (window.__kbIds = new WeakMap());
  if (!ids.has(el)) ids.set(el, (window.__kbNext = (window.__kbNext || 0) + 1));
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  const cls = typeof el.className === 'string' ? el.className.trim() : '';
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (cls ? '.' + cls.split(/\s+/).join('.') : '')
    + (el.name && !el.id ? `[name=${el.name}][value=${el.value}]` : '') + (text ? ` "${text}"` : '');
  const tag = el.outerHTML.slice(0, el.outerHTML.indexOf('>') + 1);

  const problems = [];
  const s = getComputedStyle(el);
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = (c) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const outline = s.outlineStyle !== 'none' && (s.outlineStyle === 'auto' || parseFloat(s.outlineWidth) >= 2);
  if (outline && s.outlineStyle !== 'auto') {
    // the ring is drawn on the element (a negative offset) or around it, on its nearest painted ancestor
    let behind = [255, 255, 255];
    for (let at = parseFloat(s.outlineOffset) < 0 ? el : el.parentElement; at; at = at.parentElement) {
      const c = rgb(getComputedStyle(at).backgroundColor);
      if (c.length === 3 || c[3] > 0) { behind = c.slice(0, 3); break; }
    }
    const [hi, lo] = [lum(rgb(s.outlineColor)), lum(behind)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < 3) problems.push(`its outline ${s.outlineColor} stands out only ${ratio.toFixed(2)}:1 from rgb(${behind.join(', ')}) behind it (3:1 needed)`);
  } else if (!outline && s.boxShadow === 'none') {
    problems.push(`it has no focus style (outline: ${s.outlineStyle} ${s.outlineWidth}, box-shadow: none)`);
  }
  const r = el.getBoundingClientRect();
  const x0 = Math.max(r.left, 0), x1 = Math.min(r.right, innerWidth), y0 = Math.max(r.top, 0), y1 = Math.min(r.bottom, innerHeight);
  if (r.width < 1 || r.height < 1 || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) {
    problems.push('it is not shown');
  } else if (x1 <= x0 || y1 <= y0) {
    problems.push('it is outside the screen');
  } else {
    const hit = document.elementFromPoint((x0 + x1) / 2, (y0 + y1) / 2);
    if (hit && !el.contains(hit) && !hit.contains(el)) problems.push(`it is covered by ${hit.outerHTML.slice(0, 60)}`);
  }
  return {id: ids.get(el), name, tag: tag + text, problems, clip: [x0, y0, x1, y1]};
}"""


IS_FOCUSED = "([s, t]) => document.activeElement.matches(s) && (!t || document.activeElement.innerText.includes(t))"


class Keyboard:
    """A learner with a keyboard and no mouse. Every Tab stop is checked for visible focus."""

    def __init__(self, page, limit: int = 45):
        self.page = page
        self.limit = limit
        self.looked_at: set[str] = set()  # elements whose focus ring was already compared on screen

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUS)

    def _stop(self, key: str) -> dict | None:
        """Press Tab (or Shift+Tab); where focus went must be visible. None: focus left the page (it goes round)."""
        self.press(key)
        stop = self.focused()
        if stop is None:
            return None
        where = urlsplit(self.page.url).path
        if stop["problems"]:
            raise AssertionError(f"focus on {stop['name']} at {where} is not visible: {'; '.join(stop['problems'])}")
        if stop["tag"] not in self.looked_at:
            self.looked_at.add(stop["tag"])
            self._ring_shows(stop, where)
        return stop

    def _ring_shows(self, stop: dict, where: str) -> None:
        """The screen around the element changes when it takes focus (not just a style nobody can tell apart)."""
        x0, y0, x1, y1 = stop["clip"]
        size = self.page.viewport_size
        clip = {"x": max(0, x0 - 8), "y": max(0, y0 - 8)}
        clip.update(width=min(size["width"], x1 + 8) - clip["x"], height=min(size["height"], y1 + 8) - clip["y"])
        focused = self.page.screenshot(clip=clip, scale="css", caret="hide")
        self.page.evaluate("() => { window.__kbLast = document.activeElement; window.__kbLast.blur(); }")
        plain = self.page.screenshot(clip=clip, scale="css", caret="hide")
        again = self.page.evaluate("() => { const el = window.__kbLast; el.focus({preventScroll: true}); "
                                   "return document.activeElement === el && el.matches(':focus-visible'); }")
        if not again:
            raise AssertionError(f"could not give focus back to {stop['name']} at {where}")
        if focused == plain:
            raise AssertionError(f"focus on {stop['name']} at {where} looks exactly like no focus")

    def tab_to(self, selector: str, text: str | None = None, key: str = "Tab") -> dict:
        """Press Tab until the element matching `selector` (and containing `text`) has focus."""
        start = self.focused()
        start_id = start and start["id"]
        passed: list[str] = []
        seen: set[int] = {start_id} if start_id else set()
        went_round = False
        for _ in range(self.limit):
            stop = self._stop(key)
            if stop is None:  # past the last element: the next Tab starts again from the top
                if went_round:
                    break
                went_round, seen = True, set()
                passed.append("(out of the page)")
                continue
            if self.page.evaluate(IS_FOCUSED, [selector, text]):
                return stop
            if went_round and stop["id"] == start_id:
                break  # all the way round, and it was not there
            if stop["id"] in seen:
                raise AssertionError(f"focus is trapped: {stop['name']} came back after {' → '.join(passed[-8:])}")
            seen.add(stop["id"])
            passed.append(stop["name"])
        what = selector + (f' with "{text}"' if text else "")
        raise AssertionError(f"could not reach {what} with {key} in {self.limit} presses; focus went: {' → '.join(passed)}")

    def follow(self, selector: str, text: str | None = None, key: str = "Enter", url="**") -> None:
        """Tab to a link or button and press Enter (or Space): the next page loads."""
        self.tab_to(selector, text)
        with self.page.expect_navigation(url=url):
            self.press(key)

    def round_trip(self) -> None:
        """From here, Tab goes round the page back here, and Shift+Tab goes the same way backwards."""
        start = self.focused()
        # where focus leaves the page for the browser's own controls differs by direction: not compared
        forward = [name for name in self._walk("Tab", start) if name]
        backward = [name for name in self._walk("Shift+Tab", start) if name]
        assert backward == forward[::-1], f"Shift+Tab does not go back the way Tab went:\n{forward}\n{backward[::-1]}"

    def _walk(self, key: str, start: dict | None) -> list[str | None]:
        start_id = start and start["id"]
        names: list[str | None] = []
        ids: set[int] = set()
        for _ in range(2 * self.limit):
            stop = self._stop(key)
            if (stop and stop["id"]) == start_id:
                return names
            if stop is not None:
                if stop["id"] in ids:
                    raise AssertionError(f"focus is trapped: {stop['name']} came back before the page went round ({key})")
                ids.add(stop["id"])
            names.append(stop and stop["name"])
        raise AssertionError(f"{key} did not come back to {start and start['name']}: {names}")

    def sign_in(self, base: str, code: str) -> None:
        """The learner types her code on the site's sign-in page."""
        self.page.goto(f"{base}/sign-in")
        self.tab_to("input[name=code]")
        self.type(code)
        with self.page.expect_navigation(url=re.compile(r".*/home$")):
            self.press("Enter")


@pytest.fixture
def learner(browser, factory, live_server):
    """learner(locale, device, name) -> (user id, page, keyboard): signed in, by keyboard, on her own device."""
    contexts = []

    def make(locale: str, device: dict, name: str):
        uid, code, _ = factory.learner(factory.workshop(locale), name=name, locale=locale)
        contexts.append(browser.new_context(**device))
        page = contexts[-1].new_page()
        kb = Keyboard(page)
        kb.sign_in(live_server, code)
        return uid, page, kb

    yield make
    for context in contexts:
        context.close()


def task_done(app, uid: int, name: str) -> bool:
    with app.test_request_context():
        return TASKS[name](db.session.get(User, uid)).done


def test_mail_reply_with_the_keyboard_alone_on_a_phone(app, live_server, learner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REPLY_DELAY", 1)  # the teacher answers while she is in the inbox
    uid, page, kb = learner("so", PHONE, "Hodan")
    page.goto(f"{live_server}/practice/open/mail")  # where "Open the practice" goes
    page.wait_for_selector(".wm-list")

    kb.follow(".wm-row-link", text="Luokan retki perjantaina", url=re.compile(r".*/practice/mail/message/\d+$"))
    assert "Luokan retki perjantaina" in page.inner_text("h1.wm-title")
    kb.follow("a.wm-btn[href$='/reply']", url=re.compile(r".*/reply$"))
    kb.tab_to("#wm-body")
    kb.press("Control+Home")  # her answer goes above the teacher's message
    kb.type("Hei, kyllä, Yusuf saa osallistua retkelle.\nHodan\n\n")
    assert page.input_value("#wm-to") == "liisa.virtanen@koulu.example"
    assert page.input_value("#wm-body").startswith("Hei, kyllä, Yusuf saa osallistua retkelle.\nHodan\n\n")
    kb.round_trip()  # the message box lets Tab out, both ways
    kb.follow("button[name=action][value=send]", url=re.compile(r".*/practice/mail/$"))
    assert page.locator(".notice", has_text="Lähetetyt").count() == 1

    # She is on the teacher's message in the list when the answer arrives: focus stays there.
    kb.tab_to(".wm-row-link", text="Luokan retki perjantaina")
    row = page.evaluate("document.activeElement.getAttribute('href')")
    page.wait_for_selector(".wm-arrived", timeout=15000)
    # read after htmx has settled the new content (focus could move then, 20 ms after the swap)
    expect(page.locator(".htmx-added, .htmx-settling")).to_have_count(0)
    assert page.evaluate("[document.activeElement.getAttribute('href'), document.activeElement.matches(':focus-visible')]") \
        == [row, True], f"the new message took focus away (now on {kb.focused()})"

    kb.follow("a.wm-folder[href$='/folder/sent']", url=re.compile(r".*/folder/sent$"))
    kb.follow(".wm-row-link", text="VS: Luokan retki perjantaina", url=re.compile(r".*/message/\d+$"))
    assert "Yusuf saa osallistua retkelle" in page.inner_text(".wm-text")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert task_done(app, uid, "mail.replied_to_teacher")


def test_bank_payment_with_the_keyboard_alone_in_arabic_on_a_phone(app, live_server, learner):
    uid, page, kb = learner("ar", PHONE, "Fatima")
    page.goto(f"{live_server}/practice/open/bank")
    assert page.evaluate("document.documentElement.dir") == "rtl"

    # Sign in: the practice user id, then the practice PIN in the bank's app drawn on the page.
    kb.tab_to("#user_id")
    kb.type("12345678")
    kb.follow("form[action$='/sign-in'] button[type=submit]", key="Space", url=re.compile(r".*/sign-in/app$"))
    kb.tab_to("#pin")
    kb.type("1234")
    kb.follow("button[name=answer][value=confirm]", url=re.compile(r".*/practice/bank/$"))

    # Pay the electricity bill: she looks at the paper bill, then types what is on it.
    with app.app_context():
        bill = db.session.scalars(db.select(Bill).where(Bill.learner_id == uid, Bill.key == "electricity")).one()
        iban, due = finance.format_iban(bill.iban), finance.format_date(bill.due)
    kb.follow(".bank-actions a[href$='/pay']", url=re.compile(r".*/pay$"))
    kb.tab_to("details.bill-peek > summary")
    kb.press("Enter")
    assert page.locator("details.bill-peek[open] img.bill-picture").count() >= 1
    typed = {"#recipient": bill.recipient, "#iban": iban, "#amount": "64,37", "#reference": "261 10783", "#due": due}
    for field, value in typed.items():
        kb.tab_to(field)
        kb.press("Control+A")  # the due date is filled in with today
        kb.type(value)
    assert {field: page.input_value(field) for field in typed} == typed
    kb.round_trip()  # the whole payment page, with the bill open, both ways
    kb.follow("form.pay-form button[type=submit]", url=re.compile(r".*/review$"))
    assert page.inner_text(".pay-iban bdi") == iban
    assert page.inner_text(".pay-reference bdi") == "261 10783"

    # Confirm, and confirm again in the app with the PIN.
    kb.follow("form.bank-actions button[type=submit]", url=re.compile(r".*/app$"))
    kb.tab_to("#pin")
    kb.type("1234")
    kb.follow("button[name=answer][value=confirm]", key="Space", url=re.compile(r".*/payments/\d+$"))
    assert page.locator(".receipt-status").is_visible()
    with app.app_context():
        payment = db.session.scalars(db.select(Payment).where(Payment.learner_id == uid)).one()
        assert (payment.iban, payment.reference, payment.amount_cents) == (bill.iban, bill.reference, 6437)
    assert task_done(app, uid, "bank.paid_electricity_bill")


def test_wilma_reply_and_absence_with_the_keyboard_alone_in_arabic_on_a_tablet(app, live_server, learner):
    uid, page, kb = learner("ar", TABLET, "Fatima")
    page.goto(f"{live_server}/practice/open/wilma")
    assert page.evaluate("document.documentElement.dir") == "rtl"

    # The teacher's message: read it in her language, answer it.
    kb.follow(".sim-tab[href$='/messages']", url=re.compile(r".*/wilma/messages$"))
    kb.follow("a.kr-row.is-unread", text="Korkeasaare", url=re.compile(r".*/messages/\d+$"))
    kb.tab_to(".kr-translate summary")
    kb.press("Enter")
    assert page.locator(".kr-translate[open]").count() == 1
    kb.tab_to("textarea#body")
    answer = "مرحبا، يوسف لا يأكل لحم الخنزير. Kiitos!"
    kb.type(answer)
    kb.round_trip()
    kb.follow("form.kr-form button[type=submit]", url=re.compile(r".*/messages/\d+(#answer)?$"))
    assert answer in page.inner_text(".kr-msg.is-mine")
    assert page.locator(".kr-waiting").count() == 1  # the answer is on its way: the page asks every 5 s

    # While it asks, what she opened stays open and keeps focus.
    on = kb.tab_to(".kr-translate summary")
    kb.press("Space")
    refreshed = page.evaluate("""() => new Promise((done) => {
      document.body.addEventListener('htmx:afterSettle', () => done(true), {once: true});
      setTimeout(() => done(false), 8000);
    })""")
    assert refreshed, "the thread did not ask for the answer within 8 s"
    assert page.locator(".kr-translate[open]").count() == 1, "the refresh closed what she opened"
    focus = kb.focused()
    assert focus and focus["id"] == on["id"], f"the refresh took focus away from {on['name']} (now on {focus})"

    # The absence: the skip link, then Selvitä, a reason with the arrow keys, a note, Lähetä.
    kb.follow(".sim-tab[href$='/marks']", url=re.compile(r".*/wilma/marks$"))
    kb.tab_to("a.skip")
    kb.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    kb.follow(".kr-mark.is-open a.button", url=re.compile(r".*/marks/\d+/explain$"))
    kb.tab_to("input[name=reason]")  # the first reason, not chosen yet
    kb.press("ArrowDown")  # the next one, chosen
    assert page.evaluate("document.querySelector('input[name=reason]:checked').value") == "other"
    assert page.evaluate("document.activeElement.value") == "other"
    kb.tab_to("textarea#note")
    kb.type("كان غائبًا.")
    kb.follow("form.kr-form button[type=submit]", url=re.compile(r".*/wilma/marks$"))
    assert page.locator(".kr-mark.is-open").count() == 0
    assert "كان غائبًا." in page.inner_text(".kr-list")
    assert task_done(app, uid, "wilma.replied_to_teacher")
    assert task_done(app, uid, "wilma.explained_absence")
