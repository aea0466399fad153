"""Issue 15 item 10: when the teacher's answer arrives by itself in the practice inbox, the Inbox count
goes up with it (htmx brings it out of band); with JavaScript off, "Check for new messages" asks."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, poll_until, sign_in
from workshop.sims import discover

discover()

pytestmark = pytest.mark.browser
M = "/practice/mail"
COUNT = "() => (document.querySelector('#wm-count-inbox [aria-hidden]') || {innerText: '0'}).innerText"


def answer_the_teacher(page, base):
    page.goto(f"{base}{M}/")
    page.click("a.wm-row-link:has-text('Luokan retki perjantaina')")
    page.click("a[href$='/reply']")
    page.wait_for_selector("#wm-body")
    page.fill("#wm-body", "Hei, kyllä, lapsi saa osallistua. Hodan")
    page.click("button[name=action][value=send]")
    page.wait_for_url(re.compile(rf".*{M}/$"))


def the_answer_is_due(app, uid: int) -> None:
    """The teacher's answer, waiting in the database (MAIL_REPLY_DELAY is an hour, so it cannot have
    arrived before the count is read), is due now: what the delay's passing would do, without a wait."""
    from workshop.extensions import db
    from workshop.models import utcnow
    from workshop.sims.mail.models import MailMessage

    with app.app_context():
        waiting = db.session.scalars(db.select(MailMessage).where(
            MailMessage.learner_id == uid, MailMessage.kind == "reply", MailMessage.deliver_at > utcnow())).all()
        assert len(waiting) == 1
        waiting[0].created_at = waiting[0].deliver_at = utcnow()
        db.session.commit()


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_inbox_count_follows_the_answer_that_arrives_by_itself(app, factory, live_server, browser, monkeypatch, size):
    monkeypatch.setitem(app.config, "MAIL_REPLY_DELAY", 3600)
    uid, code, _ = factory.learner(factory.workshop("so"), name="Hodan", locale="so")
    context = browser.new_context(**size)
    context.clock.install()  # for poll_until
    page = context.new_page()
    sign_in(page, live_server, code)
    answer_the_teacher(page, live_server)
    before = int(page.evaluate(COUNT))
    assert page.locator(".wm-check").count() == 0 or not page.locator(".wm-check").is_visible()
    the_answer_is_due(app, uid)
    poll_until(page, ".wm-arrived")  # htmx asks every 5 s: the page's clock is moved on to it
    # the count comes out of band with the arrived row: waited for (a bare expression given to
    # wait_for_function is evaluated with eval(), which the CSP refuses as soon as it has to poll)
    expect(page.locator("#wm-count-inbox [aria-hidden]")).to_have_text(str(before + 1))
    assert page.locator(".wm-row.is-unread", has_text="VS: Luokan retki perjantaina").count() == 1
    context.close()


def test_without_javascript_she_checks_for_new_messages(app, factory, live_server, browser, monkeypatch):
    from flask_babel import force_locale, gettext

    monkeypatch.setitem(app.config, "MAIL_REPLY_DELAY", 3600)
    uid, code, _ = factory.learner(factory.workshop("ar"), name="Fatima", locale="ar")
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, code)
    answer_the_teacher(page, live_server)
    before = int(page.evaluate(COUNT))
    check = page.locator(".wm-check a")
    with app.test_request_context(), force_locale("ar"):
        assert check.inner_text() == gettext("Check for new messages")
    box = check.bounding_box()
    assert box["height"] >= 44 and box["y"] + box["height"] <= 740 * 2
    the_answer_is_due(app, uid)
    check.click()
    page.wait_for_load_state()
    assert int(page.evaluate(COUNT)) == before + 1
    assert page.locator(".wm-row.is-unread", has_text="VS: Luokan retki perjantaina").count() == 1
    context.close()
