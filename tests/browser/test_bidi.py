"""Arabic on a 360-px phone, read from the laid-out text (issue 14, items 1-5).

Every page type a learner meets is rendered in Arabic, and the positions of the characters on the
screen (Range.getClientRects, not the HTML source) must show that:
- an amount keeps its euro sign after the number (to its right) and its sign before it;
- a count stays beside its noun ("3 فواتير", "فاتورة واحدة"), never pulled away by a Finnish label;
- Finnish text inside Arabic reads left to right, its closing "!" or "?" included;
- nothing is clipped: no page wider than the phone, no text cut by its box.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_bank_flows import bank_pages, bank_sign_in
from workshop.extensions import db
from workshop.sims import discover

discover()

pytestmark = pytest.mark.browser

# Runs in the page; returns a list of problems, each naming the text it saw.
AUDIT = r"""
() => {
  const problems = [];
  const LATIN = "A-Za-z\u00c0-\u024f";
  const visible = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === "none" || s.visibility === "hidden") return false;
      if (e.classList.contains("visually-hidden")) return false;
    }
    return true;
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.data.trim() && n.parentElement && !n.parentElement.closest("script,style,svg,option,textarea,select")
        && visible(n.parentElement)) texts.push(n);
  }
  const box = (node, start, end) => {
    const r = document.createRange();
    r.setStart(node, start); r.setEnd(node, end);
    const rects = [...r.getClientRects()].filter(x => x.width > 0);
    return rects.length ? rects[0] : null;
  };
  const sameLine = (a, b) => Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < Math.min(a.height, b.height) / 2;
  const fontSize = (node) => parseFloat(getComputedStyle(node.parentElement).fontSize);
  const where = (node) => node.data.trim().slice(0, 60);

  for (const node of texts) {
    const text = node.data;
    // 1. amounts: "1 245,80 €", "-23,45 €", "+40,00 €"
    for (const m of text.matchAll(/([+\-\u2212]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d{2})[ \u00a0]?€/g)) {
      const first = m.index + m[1].length, euro = m.index + m[0].length - 1;
      const digit = box(node, first, first + 1), lastDigit = box(node, euro - 2, euro - 1) || digit;
      const sign = box(node, euro, euro + 1);
      if (!digit || !sign) continue;
      if (!sameLine(lastDigit, sign)) problems.push(`amount broken over two lines: "${m[0]}" in "${where(node)}"`);
      else if (sign.left < lastDigit.right - 1) problems.push(`euro sign before the number: "${m[0]}" in "${where(node)}"`);
      if (m[1]) {
        const minus = box(node, m.index, m.index + 1);
        if (minus && sameLine(minus, digit) && minus.left > digit.left) problems.push(`sign after the number: "${m[0]}" in "${where(node)}"`);
      }
    }
    if (/(?<!\d[ \u00a0]?)€[ \u00a0]?[+\-]?\d/.test(text)) problems.push(`euro sign written before an amount: "${where(node)}"`);
    // 2. counts: a number and the Arabic noun after it stay side by side, the number on the right
    for (const m of text.matchAll(/(\d+)[ \u00a0]+([\u0621-\u064a\u0660-\u0669]+)/g)) {
      if (/[,.:]\d*$/.test(text.slice(0, m.index))) continue;  // part of an amount, a time or a date
      const num = box(node, m.index, m.index + m[1].length);
      const wordStart = m.index + m[0].length - m[2].length;
      const word = box(node, wordStart, wordStart + m[2].length);
      if (!num || !word || !sameLine(num, word)) continue;
      const gap = num.left - word.right;
      if (gap < -1 || gap > 1.5 * fontSize(node)) problems.push(`count away from its noun: "${m[0]}" in "${where(node)}" (gap ${Math.round(gap)} px)`);
    }
    // 3. Finnish reads left to right: each Latin word left of the next, and its "!" or "?" after it
    for (const m of text.matchAll(new RegExp(`(?=([${LATIN}]{2,})([ \u00a0]+)([${LATIN}0-9]+))`, "g"))) {
      const a = box(node, m.index, m.index + m[1].length);
      const startB = m.index + m[1].length + m[2].length;
      const b = box(node, startB, startB + m[3].length);
      if (a && b && sameLine(a, b) && b.left < a.right - 1) problems.push(`Finnish read right to left: "${m[1]} ${m[3]}" in "${where(node)}"`);
    }
    for (const m of text.matchAll(new RegExp(`([${LATIN}]{2,})([!?])(?=\\s|$)`, "g"))) {
      const word = box(node, m.index, m.index + m[1].length);
      const mark = box(node, m.index + m[1].length, m.index + m[0].length);
      if (word && mark && sameLine(word, mark) && mark.left < word.right - 1) problems.push(`"${m[2]}" before its Finnish word: "${m[0]}" in "${where(node)}"`);
    }
  }
  // 4. nothing clipped
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) problems.push(`page wider than the phone: ${document.documentElement.scrollWidth} px`);
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.textContent.trim() || !visible(el) || el.closest("svg,select,textarea,input")) continue;
    const s = getComputedStyle(el);
    const cuts = ["hidden", "clip"].includes(s.overflowX) || s.textOverflow === "ellipsis";
    const hiddenOnPurpose = el.clientWidth <= 1 || s.clip !== "auto" || s.clipPath !== "none"  // read by screen readers only
      // the folded practice banner's task ends in "…" by design: its whole text is in the opened banner
      || (el.matches(".practice-line-task") && el.closest("details")?.querySelector(".practice-task-text"));
    if (cuts && !hiddenOnPurpose && el.scrollWidth > el.clientWidth + 1)
      problems.push(`text cut by its box: <${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent.trim().slice(0, 50)}"`);
  }
  return problems;
}
"""


def lesson_pages(app) -> list[str]:
    """Every step of the lessons that teach reading amounts, fields and the timetable, and each step type."""
    catalogue = app.extensions["askel_catalogue"]
    pages = []
    for course, lesson in (("bank", "02-balance-and-transactions"), ("bank", "03-pay-a-bill"),
                           ("bank", "05-e-invoices-and-due-dates"), ("wilma", "05-timetable-exams"),
                           ("email", "02-inbox")):
        pages.append(f"/learn/{course}/{lesson}/")
        pages += [f"/learn/{course}/{lesson}/steps/{step.id}" for step in catalogue.lesson(course, lesson).steps]
    return pages


def mail_pages(app, uid) -> list[str]:
    from workshop.sims.mail.models import MailAttachment, MailMessage

    with app.app_context():
        rows = db.session.scalars(db.select(MailMessage).where(MailMessage.learner_id == uid)).all()
        with_file = db.session.scalars(db.select(MailAttachment).join(MailMessage)
                                       .where(MailMessage.learner_id == uid)).first()
    pages = ["/practice/mail/", "/practice/mail/folder/junk", "/practice/mail/compose", "/practice/mail/search?q=Tili"]
    pages += [f"/practice/mail/message/{m.id}" for m in rows]
    if with_file is not None:
        pages.append(f"/practice/mail/message/{with_file.message_id}/attachments/{with_file.id}")
    return pages


WILMA = ["/", "/messages", "/messages/new", "/announcements", "/marks", "/marks/notify", "/timetable",
         "/exams", "/applications", "/applications/new", "/forms", "/forms/trip-permission"]


def test_arabic_pages_keep_amounts_counts_and_finnish_in_order_on_a_phone(app, factory, live_server, browser):
    workshop = factory.workshop("ar")
    uid, code, _ = factory.learner(workshop, name="Hodan", locale="ar")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    problems: dict[str, list[str]] = {}

    def audit(path: str | None = None) -> None:
        if path is not None:
            response = page.goto(live_server + path)
            assert response.status == 200, path
        found = page.evaluate(AUDIT)
        if found:
            problems[path or page.url] = found

    for path in ["/home", "/my-progress", *lesson_pages(app)]:
        audit(path)
    page.goto(f"{live_server}/practice/bank/")
    audit()  # the bank's sign-in
    bank_sign_in(page, live_server)
    audit("/practice/bank/")
    for path in [*bank_pages(app, uid), "/practice/bank/pay"]:
        audit(path)
    page.goto(f"{live_server}/practice/bank/pay")
    page.select_option("#account", index=0)
    page.fill("#amount", "999999")
    page.click("form.pay-form button[type=submit]")
    audit()  # the errors, the balance among them
    for path in mail_pages(app, uid):
        audit(path)
    for path in WILMA:
        audit("/practice/wilma" + path)
    assert not problems, "\n".join(f"{path}:\n  " + "\n  ".join(found) for path, found in problems.items())


def test_the_audit_sees_a_euro_sign_on_the_wrong_side(live_server, browser):
    """The audit itself can fail: a hand-built amount inside Arabic, a Finnish label pulling its count
    away, and a Finnish subject under dir=auto with an Arabic label first."""
    page = browser.new_context(**PHONE).new_page()
    page.set_content(
        '<html lang="ar" dir="rtl"><body style="font-size:16px">'
        '<p>الرصيد 1 245,80 €.</p>'
        '<p>ادفعي €12,00</p>'
        '<p><span lang="fi">E-laskut</span> <span style="unicode-bidi:isolate">(الفواتير)</span>: 1 فاتورة جديدة</p>'
        '<p dir="auto"><span>جديد: </span>Tilisi on lukittu!</p>'
        '<p style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis;width:80px">Varhaiskasvatuksen asiakaspalvelu</p>'
        '</body></html>')
    found = page.evaluate(AUDIT)
    assert any("euro sign before the number" in p for p in found), found
    assert any("euro sign written before an amount" in p for p in found), found
    assert any("count away from its noun" in p for p in found), found
    assert any('"!" before its Finnish word' in p for p in found), found
    assert any("text cut by its box" in p for p in found), found
    page.set_content(
        '<html lang="ar" dir="rtl"><body>'
        '<p>الرصيد <bdi dir="ltr">1 245,80 €</bdi>.</p>'
        '<p>Bixi khidmad oo ah 1.99 € 24 saacadood gudahood</p>'
        '<p><span lang="fi" dir="ltr">E-laskut</span> <span style="unicode-bidi:isolate">(الفواتير)</span>: 3 فواتير جديدة</p>'
        '<p><span>جديد: </span><bdi dir="ltr">Tilisi on lukittu!</bdi></p>'
        '</body></html>')
    assert page.evaluate(AUDIT) == []


def test_every_isolated_value_is_written_the_finnish_way(app):
    """The helper writes what the Finnish services write, whatever the interface language."""
    from datetime import date, datetime

    from workshop import formats

    with app.test_request_context(headers={"Accept-Language": "ar"}):
        assert formats.fi_money_plain(124580) == "1\u00a0245,80\u00a0€"
        assert formats.fi_money_plain(-2345) == "-23,45\u00a0€"
        assert formats.fi_money_plain(4000, sign=True) == "+40,00\u00a0€"
        assert str(formats.money(14820)) == '<bdi class="ltr money" dir="ltr">148,20\u00a0€</bdi>'
        assert formats.fi_date_plain(date(2026, 3, 5)) == "5.3.2026"
        assert formats.fi_time_plain(datetime(2026, 3, 5, 11, 0)) == "13.00"  # UTC in, Helsinki out
        assert re.fullmatch("\u2066148,20\u00a0€\u2069", formats.money_text(14820))
    with app.test_request_context(headers={"Accept-Language": "so"}):
        assert formats.money_text(14820) == "148,20\u00a0€"  # left-to-right text needs no isolates
