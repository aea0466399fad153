"""Fathers too (issue 14, item 12), in a real browser: a father chooses "a man" on his own page, on his
phone, and then his Arabic lesson steps (also the next one, loaded by htmx) and the practice bank
read as written to a man; a mother on the workshop tablet reads them as written to a woman."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in
from tests.learn.test_masculine import norm, overlay_pairs

pytestmark = pytest.mark.browser


flat = norm


def reads(page, pairs, masculine: bool) -> int:
    """How many overlay texts the page shows; each must be in the form meant for its reader."""
    text = flat(page.locator("main").inner_text())
    seen = 0
    for feminine, male in pairs:
        feminine, male = flat(feminine), flat(male)
        if feminine in text or male in text:
            wanted, unwanted = (male, feminine) if masculine else (feminine, male)
            assert wanted in text, f"{'father' if masculine else 'mother'} reads: {unwanted}"
            seen += 1
    return seen


def test_a_father_reads_his_lessons_and_practice_as_a_man_and_a_mother_as_a_woman(app, factory, live_server, browser):
    pairs = overlay_pairs()
    workshop = factory.workshop("ar")
    _f, father_code, _ = factory.learner(workshop, name="Omar")
    _m, mother_code, _ = factory.learner(workshop, name="Amal")

    phone = browser.new_context(**PHONE)
    father = phone.new_page()
    sign_in(father, live_server, father_code)
    assert father.evaluate("document.documentElement.dir") == "rtl"
    father.goto(f"{live_server}/my-progress")
    father.check("input[name=address][value=masculine]")
    father.click("form[action='/my-progress/address'] button[type=submit]")
    father.wait_for_url(re.compile(r".*/my-progress$"))
    assert father.is_checked("input[name=address][value=masculine]")

    tablet = browser.new_context(**TABLET)
    mother = tablet.new_page()
    sign_in(mother, live_server, mother_code)

    for page, masculine in ((mother, False), (father, True)):
        page.goto(f"{live_server}/learn/start/01-welcome/steps/welcome")
        assert reads(page, pairs, masculine) >= 1
        # the next step comes by htmx, from the cache of rendered steps
        page.click("main a.button-primary:has-text('التالي'), main button.button-primary:has-text('التالي')")
        page.wait_for_url(re.compile(r".*/steps/three-things$"))
        assert reads(page, pairs, masculine) >= 1
        # the practice bank: its sign-in page and its task hints are in her or his language
        page.goto(f"{live_server}/practice/bank/")
        assert reads(page, pairs, masculine) >= 1
    phone.close()
    tablet.close()
