"""Issue 15 item 12: "I need help" says when her instructor will see it (soon during her group's
workshop, else the day and time of the next one), she can take it back, and she sees when it has been
seen: on a phone, with JavaScript on and off, in Somali and Arabic."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, staff_page, sign_in
from workshop import clock
from workshop.extensions import db
from workshop.models import HelpRequest, Workshop

pytestmark = pytest.mark.browser


def meets(app, workshop_id: int, now: bool) -> None:
    """The group meets now (started half an hour ago), or only in two days."""
    local = clock.helsinki()  # the application's clock, not the machine's (a test may move it)
    with app.app_context():
        w = db.session.get(Workshop, workshop_id)
        if now:
            start = max(local - timedelta(minutes=30), local.replace(hour=0, minute=0, second=0, microsecond=0))
            w.weekday, w.start_time = local.weekday(), start.time().replace(second=0, microsecond=0)
        else:
            w.weekday, w.start_time = (local.weekday() + 2) % 7, local.time().replace(hour=10, minute=0, second=0, microsecond=0)
        db.session.commit()


def said(app, locale, message, **values):
    with app.test_request_context(), force_locale(locale):
        return gettext(message, **values)


def ask(page):
    # She taps the button where it first shows, at the bottom edge of her screen (the hardest case:
    # what comes in its place is taller than the button and would run off the screen).
    page.locator(".help-area button.button-help").evaluate("b => b.scrollIntoView({block: 'end'})")
    page.click(".help-area button.button-help")
    page.wait_for_selector(".help-state .notice")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("locale", ["so", "ar"])
def test_at_home_she_is_told_when_and_can_take_it_back(app, factory, live_server, browser, locale, javascript):
    workshop = factory.workshop(locale)
    _uid, code, _ = factory.learner(workshop, name="Hodan", locale=locale)
    meets(app, workshop, now=False)
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    ask(page)
    notice = page.locator(".help-state .notice")
    text = notice.inner_text()
    start = "Your instructor is not at the workshop now and will see your request at the next workshop: %(when)s."
    assert text.startswith(said(app, locale, start, when="@").split("@")[0].strip()[:20]), text
    assert "10:00" in text
    assert page.locator(".help-seen").inner_text() == said(app, locale, "Not seen yet.")
    # focus is on what happened: with htmx it moves there when the swap settles (after a 20-ms settle
    # delay), so this waits for it rather than reading the focus once
    expect(notice).to_be_focused()
    expect(notice).to_be_in_viewport(ratio=1)  # the whole notice in view (it waits for the scroll)
    if javascript:  # scrolled to the middle, with "Take back my request" in view below it
        expect(page.locator(".help-actions button")).to_be_in_viewport(ratio=1)
    page.click("button:has-text('%s')" % said(app, locale, "Take back my request"))
    page.wait_for_selector(".notice >> text=%s" % said(app, locale, "You took back your request for help."))
    with app.app_context():
        request = db.session.scalars(db.select(HelpRequest)).one()
        assert request.withdrawn_at is not None and request.handled_at is not None and request.handled_by_id is None
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_during_the_workshop_she_sees_when_it_has_been_seen(app, factory, live_server, browser, javascript):
    deeqa = factory.staff("deeqa")
    workshop = factory.workshop("so", instructor=deeqa)
    _uid, code, _ = factory.learner(workshop, name="Hodan", locale="so")
    meets(app, workshop, now=True)
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    ask(page)
    assert page.locator(".help-state .notice").inner_text() == said(
        app, "so", "Your instructor has been told and will come to you soon.")
    # the instructor's class view shows it: from then on it counts as seen
    teacher, teach_page = staff_page(browser, live_server, "deeqa", "/teach/")
    teach_page.goto(f"{live_server}/teach/groups/{workshop}")
    teach_page.wait_for_selector("text=Hodan")
    with app.app_context():
        assert db.session.scalars(db.select(HelpRequest)).one().seen_at is not None
    if javascript:  # her page asks by itself, and never moves while she reads elsewhere on it
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_selector(".help-state .notice-help >> text=Tababarahaaga wuu arkay", timeout=25000)
        assert page.evaluate("window.scrollY") == 0
    else:
        page.click("a:has-text('%s')" % said(app, "so", "Check again"))
        page.wait_for_selector(".help-state .notice-help")
    assert page.locator(".help-seen").count() == 0
    teacher.close()
    context.close()
