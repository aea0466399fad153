"""The practice school system (works like Wilma) in a real browser: a Somali learner explains her
child's absence from a lesson on a phone; an Arabic learner replies to the teacher on a tablet and
sees the answer arrive, right to left; axe on every page in all four locales."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in, walk_lesson
from workshop.sims import discover

discover()  # the practice steps' task checks exist before the app loads the lessons

pytestmark = pytest.mark.browser
BASE = "/practice/wilma"
PAGES = ["/", "/messages", "/messages/new", "/announcements", "/marks", "/marks/notify", "/timetable",
         "/exams", "/applications", "/applications/new", "/forms", "/forms/trip-permission"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_somali_learner_explains_an_absence_on_a_phone(app, factory, live_server, browser, javascript):
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Amina", locale="so")
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    assert page.evaluate("document.documentElement.lang") == "so"

    def explain(page, step):
        page.wait_for_url(re.compile(r".*/practice/wilma/marks$"))
        assert page.locator(".kr .sim-tab").count() == 8
        page.screenshot(path=f"test-results/wilma-so-phone-marks-{'js' if javascript else 'nojs'}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.click(".kr-mark.is-open a.button")  # Selvitä
        page.wait_for_url(re.compile(r".*/marks/\d+/explain$"))
        page.check("input[name=reason][value=illness]")
        page.fill("textarea[name=note]", "Qandho ayuu qabay.")
        page.click("form.kr-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/practice/wilma/marks$"))
        assert page.locator(".kr-mark.is-open").count() == 0

    walk_lesson(page, app, live_server, "wilma", "03-explain-absence", explain)
    context.close()


def test_arabic_learner_replies_on_a_tablet_and_the_answer_arrives(app, factory, live_server, browser):
    app.config["WILMA_REPLY_DELAY"] = 2
    try:
        _uid, code, _ = factory.learner(factory.workshop("ar"), name="Fatima", locale="ar")
        context = browser.new_context(**TABLET)
        page = context.new_page()
        sign_in(page, live_server, code)
        page.goto(f"{live_server}{BASE}/messages")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        # the web-like layout: the menu stands beside the page, on its right in Arabic
        nav, main = page.locator(".kr-body > .sim-nav").bounding_box(), page.locator(".kr-main").bounding_box()
        assert nav["x"] > main["x"] and abs(nav["y"] - main["y"]) < 5
        page.click("a.kr-row.is-unread >> nth=0")
        page.wait_for_url(re.compile(r".*/messages/\d+$"))
        assert "Korkeasaareen" in page.inner_text("h1")
        page.click(".kr-translate summary")  # show in my language
        assert page.locator(".kr-translate[open]").count() == 1
        page.fill("textarea[name=body]", "مرحبا، يوسف لا يأكل لحم الخنزير. Kiitos!")
        page.click("form.kr-form button[type=submit]")
        page.wait_for_selector(".kr-waiting")
        page.evaluate("window.__sameDocument = true")
        page.wait_for_selector("text=Kiitos vastauksesta", timeout=20000)  # htmx polled it in
        assert page.evaluate("window.__sameDocument === true")
        assert page.locator(".kr-waiting").count() == 0
        assert page.evaluate("document.documentElement.dir") == "rtl"
        mine = page.locator(".kr-msg.is-mine").bounding_box()
        answer = page.locator(".kr-msg:not(.is-mine) >> nth=-1").bounding_box()
        assert mine["x"] < answer["x"]  # her own message leans to the left in a right-to-left page
        page.screenshot(path="test-results/wilma-ar-tablet-thread.png", full_page=True)
        context.close()
    finally:
        app.config["WILMA_REPLY_DELAY"] = 20.0


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_no_serious_violations_on_any_wilma_page(app, factory, live_server, browser, axe, locale):
    _uid, code, _ = factory.learner(factory.workshop("ar" if locale == "ar" else "so"), locale=locale)
    context = browser.new_context(**PHONE, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, live_server, code)
    found = {}
    for path in PAGES:
        page.goto(live_server + BASE + path)
        found[path] = axe(page)
    page.goto(live_server + BASE + "/messages")
    page.click("a.kr-row >> nth=0")
    page.wait_for_url(re.compile(r".*/messages/\d+$"))
    found["thread"] = axe(page)
    page.click("form.kr-form button[type=submit]")  # empty answer: the page with an error
    found["thread with error"] = axe(page)
    page.goto(live_server + BASE + "/marks")
    page.click(".kr-mark.is-open a.button")
    found["explain"] = axe(page)
    page.goto(live_server + BASE + "/timetable?child=maryam")
    found["timetable maryam"] = axe(page)
    page.screenshot(path=f"test-results/wilma-{locale}-phone-timetable.png", full_page=True)
    page.goto(live_server + BASE + "/")
    page.screenshot(path=f"test-results/wilma-{locale}-phone-home.png", full_page=True)
    context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad
