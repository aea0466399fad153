"""The practice inbox in a real browser: a Somali learner answers the teacher on a phone and sees
her answer arrive; an Arabic learner sends a photo right to left; axe on every mail page type."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, poll_until, sign_in, walk_lesson
from workshop.sims import discover

# create_app() validates the lessons before it imports the sims, so their task checks must be
# registered first when this file runs alone (the shared fix is described in the mail report).
discover()

pytestmark = pytest.mark.browser

M = "/practice/mail"


def test_somali_learner_answers_the_teacher_on_a_phone(app, factory, live_server, browser, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REPLY_DELAY", 1)
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Hodan Warsame", locale="so")
    context = browser.new_context(**PHONE)
    context.clock.install()  # for poll_until
    page = context.new_page()
    sign_in(page, live_server, code)
    assert page.evaluate("document.documentElement.lang") == "so"

    def practise(page, step):
        assert step.task == "mail.replied_to_teacher"
        page.wait_for_selector(".wm-message")
        assert "Luokan retki perjantaina" in page.inner_text("h1.wm-title")
        page.screenshot(path="test-results/mail-so-message.png", full_page=True)
        page.click("a[href$='/reply']")
        page.wait_for_selector("#wm-body")
        assert page.input_value("#wm-to") == "liisa.virtanen@koulu.example"
        assert "Alkuperäinen viesti" in page.input_value("#wm-body")
        page.click("#wm-body")
        page.keyboard.press("Control+Home")
        page.keyboard.type("Hei, kyllä, lapsi saa osallistua. Hodan")
        page.screenshot(path="test-results/mail-so-reply.png", full_page=True)
        page.click("button[name=action][value=send]")
        page.wait_for_url(re.compile(rf".*{M}/$"))
        assert page.locator(".notice", has_text="Lähetetyt").count() == 1  # "Your message was sent"
        # The teacher's answer arrives while she looks at the inbox (htmx asks every 5 s).
        poll_until(page, ".wm-arrived")
        row = page.locator(".wm-row.is-unread", has_text="VS: Luokan retki perjantaina")
        assert row.count() == 1
        page.screenshot(path="test-results/mail-so-answer-arrived.png", full_page=True)
        row.locator("a").click()
        page.wait_for_selector(".wm-text")
        assert "kiitos vastauksestanne" in page.inner_text(".wm-text")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    walk_lesson(page, app, live_server, "email", "04-replying", practise)
    page.goto(live_server + "/home")
    status = page.locator("a[href='/learn/email/04-replying/'] .status")
    assert "status-done" in status.get_attribute("class")
    context.close()


def test_arabic_learner_sends_a_photo_right_to_left(app, factory, live_server, browser):
    _uid, code, _ = factory.learner(factory.workshop("ar"), name="Fatima", locale="ar")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)

    def practise(page, step):
        assert page.evaluate("document.documentElement.dir") == "rtl"
        if step.task == "mail.opened_attachment":
            page.click(".wm-file")
            page.wait_for_selector(".wm-pdf-page")
            page.screenshot(path="test-results/mail-ar-pdf.png", full_page=True)
            return
        assert step.task == "mail.sent_with_photo"
        page.wait_for_selector("#wm-to")
        page.fill("#wm-to", "sara.ahmed@posti.example")
        page.fill("#wm-subject", "صورة من البحر")
        page.fill("#wm-body", "مرحبا سارة! هذه صورة لك. فاطمة")
        page.click(".wm-attach summary")
        page.check("input[name=photo][value=sea]")
        # the folder row and the form stay inside the phone, mirrored
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        new = page.locator(".wm-new").bounding_box()
        assert new["x"] + new["width"] > 300  # starts on the right in Arabic
        page.screenshot(path="test-results/mail-ar-compose.png", full_page=True)
        page.click("button[name=action][value=send]")
        page.wait_for_url(re.compile(rf".*{M}/$"))
        page.click("a[href$='/folder/sent']")
        page.locator(".wm-row a").first.click()
        page.wait_for_selector(".wm-files")
        assert "IMG_2102.jpg" in page.inner_text(".wm-files")
        assert page.locator(".wm-title").get_attribute("dir") == "auto"

    walk_lesson(page, app, live_server, "email", "06-attachments", practise)
    page.goto(live_server + "/home")
    status = page.locator("a[href='/learn/email/06-attachments/'] .status")
    assert "status-done" in status.get_attribute("class")
    context.close()


def test_tablet_shows_folders_beside_the_messages(app, factory, live_server, browser):
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Amina", locale="en")
    context = browser.new_context(**TABLET)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(live_server + M + "/")
    nav, main = page.locator(".wm-nav").bounding_box(), page.locator(".wm-main").bounding_box()
    assert nav["x"] + nav["width"] <= main["x"] + 1 and abs(nav["y"] - main["y"]) < 2
    page.screenshot(path="test-results/mail-en-tablet.png", full_page=True)
    context.close()


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_mail_pages_have_no_serious_accessibility_violations(app, factory, live_server, browser, axe, locale):
    _uid, code, _ = factory.learner(factory.workshop("ar" if locale == "ar" else "so"), name="Amina", locale=locale)
    context = browser.new_context(**PHONE, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, live_server, code)
    found = {}
    page.goto(live_server + "/learn/email/04-replying/steps/practice-reply")
    found["practice step"] = axe(page)
    page.goto(f"{live_server}/practice/open/mail?step=email/04-replying/practice-reply&path=scenario/teacher")
    page.wait_for_selector(".wm-message")
    found["message"] = axe(page)
    page.click("a[href$='/reply']")
    page.wait_for_selector("#wm-body")
    found["reply"] = axe(page)
    page.goto(live_server + M + "/")
    found["inbox"] = axe(page)
    page.goto(live_server + M + "/compose")
    page.click(".wm-attach summary")
    found["compose"] = axe(page)
    page.fill("#wm-to", "not an address")
    page.click("button[name=action][value=send]")
    page.wait_for_selector(".error")
    found["compose with error"] = axe(page)
    page.goto(live_server + M + "/search?q=retki")
    found["search"] = axe(page)
    page.goto(live_server + M + "/scenario/office")
    page.click(".wm-file")
    page.wait_for_selector(".wm-pdf-page")
    found["pdf preview"] = axe(page)
    page.goto(live_server + M + "/scenario/phishing")
    page.click(".wm-link")
    page.wait_for_selector(".wm-trap")
    found["trap"] = axe(page)
    if locale == "ar":
        page.screenshot(path="test-results/mail-ar-trap.png", full_page=True)
    context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad
