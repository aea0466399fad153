"""The attendance register on a 1024×768 tablet, with JavaScript on and off; axe on every new page in
four languages; a learner's meetings on a 360-px phone in Arabic (issue 18, item 1)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in, staff_page
from workshop import attendance, clock
from workshop.extensions import db
from workshop.models import Enrollment, Role, User, Workshop

pytestmark = pytest.mark.browser
TABLET_LANDSCAPE = {"viewport": {"width": 1024, "height": 768}, "is_mobile": True, "has_touch": True}
NAMES = ["Amina", "Hodan", "Faadumo", "Sahra"]


def _group(app, factory, locale="en"):
    """An instructor (in `locale`), her group of four with its meetings: (workshop id, [meeting ids]).
    The group began two weeks ago, so its first two meetings are past (or today) on every weekday: a
    later day's register has nothing to tap."""
    uid = factory.staff("deeqa")
    with app.app_context():
        db.session.get(User, uid).locale = locale
        db.session.commit()
    wid = factory.workshop("so", name="Tuesday group", instructor=uid)
    for name in NAMES:
        factory.learner(wid, name=name)
    with app.app_context():
        db.session.get(Workshop, wid).starts_on = clock.today() - timedelta(days=14)
        attendance.sync_meetings(db.session.get(Workshop, wid))
        db.session.commit()
        return wid, [m.id for m in attendance.meetings_of(wid)]


def _present(app, meeting_id: int) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(
            db.select(User.display_name).join(Enrollment, Enrollment.learner_id == User.id)
            .join(attendance.Attendance, attendance.Attendance.enrollment_id == Enrollment.id)
            .where(attendance.Attendance.meeting_id == meeting_id)))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_three_marked_present_on_a_tablet(app, factory, live_server, browser, javascript):
    wid, meetings = _group(app, factory)
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=javascript,
                               **TABLET_LANDSCAPE)
    page.goto(f"{live_server}/teach/groups/{wid}/meetings/{meetings[0]}")
    for name in NAMES[:3]:
        button = page.locator(".register-item button", has_text=name)
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 200  # a big target for a finger
        button.tap()
        page.locator(".register-item button[aria-pressed=true]", has_text=name).wait_for()
    if javascript:
        # with htmx the page stayed and focus is on the last button, ready for the next tap (moved
        # there after the swap: waited for, not read once)
        assert page.url.endswith(f"/meetings/{meetings[0]}")
        expect(page.locator(".register-item button", has_text=NAMES[2])).to_be_focused()
        page.locator("#present-count", has_text="3").wait_for()
        # a double tap: she ends not present, not flipped back. htmx sends the second tap not at all while
        # the first is on its way (seen: one request); were it sent, it would ask "not present" too. The
        # database is read once every request sent has had its answer, not after a pause.
        sent, answered = [], []
        marks = f"/meetings/{meetings[0]}/learners/"
        page.on("request", lambda r: sent.append(r) if r.method == "POST" and marks in r.url else None)
        page.on("requestfinished", lambda r: answered.append(r) if r.method == "POST" and marks in r.url else None)
        page.locator(".register-item button", has_text=NAMES[0]).dblclick()
        page.locator(".register-item button[aria-pressed=false]", has_text=NAMES[0]).wait_for()
        while len(answered) < len(sent):  # every request the double tap sent has had its answer
            page.wait_for_event("requestfinished", lambda r: r in sent)
        assert sent and _present(app, meetings[0]) == set(NAMES[1:3])
        page.locator(".register-item button", has_text=NAMES[0]).tap()
        page.locator(".register-item button[aria-pressed=true]", has_text=NAMES[0]).wait_for()
    assert _present(app, meetings[0]) == set(NAMES[:3])
    page.reload()
    assert page.locator(".register-item button[aria-pressed=true]").count() == 3
    assert "Present: 3" in page.inner_text("#present-count")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    context.close()


@pytest.mark.parametrize("locale", ["en", "so", "ar", "fi"])
def test_no_serious_violations_on_the_attendance_pages(app, factory, live_server, browser, axe, locale):
    wid, meetings = _group(app, factory, locale)
    with app.app_context():
        enrollment = db.session.scalar(db.select(Enrollment).where(Enrollment.workshop_id == wid))
        learner_id = enrollment.learner_id
        attendance.mark(db.session.get(attendance.Meeting, meetings[0]), enrollment.id, True, None)
        cancelled = db.session.get(attendance.Meeting, meetings[1])
        cancelled.cancelled, cancelled.edited, cancelled.note = True, True, "Holiday"
        db.session.commit()
    factory.staff("mirja", role=Role.COORDINATOR)
    with app.app_context():
        db.session.scalar(db.select(User).where(User.username == "mirja")).locale = locale
        db.session.commit()
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", bypass_csp=True, **TABLET_LANDSCAPE)
    found = {}
    base = f"{live_server}/teach/groups/{wid}/meetings"
    for name, url in [("meetings", base), ("register", f"{base}/{meetings[0]}"),
                      ("cancelled register", f"{base}/{meetings[1]}"), ("edit", f"{base}/{meetings[1]}/edit"),
                      ("learner", f"{live_server}/teach/groups/{wid}/learners/{learner_id}")]:
        page.goto(url)
        found[name] = axe(page)
    page.goto(base)
    page.click("form[action$='/meetings'] button[type=submit]")  # no date: the form comes back with its message
    page.locator(".error").first.wait_for()
    found["add with error"] = axe(page)
    context.close()
    context, page = staff_page(browser, live_server, "mirja", "/admin/", bypass_csp=True)
    page.goto(f"{live_server}/admin/report")
    found["reach report"] = axe(page)
    context.close()
    assert not {k: v for k, v in found.items() if v}, found


def test_her_meetings_on_a_phone_in_arabic(app, factory, live_server, browser, axe):
    wid, meetings = _group(app, factory)
    _uid, code, _ = factory.learner(wid, name="Mariam", locale="ar")
    with app.app_context():
        enrollment = db.session.scalar(
            db.select(Enrollment).join(User).where(User.display_name == "Mariam"))
        for meeting_id in meetings[:2]:
            attendance.mark(db.session.get(attendance.Meeting, meeting_id), enrollment.id, True, None)
        db.session.commit()
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}/my-progress")
    section = page.locator("#meetings")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "لقاءات المجموعة" in section.inner_text()
    assert section.locator("li").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = section.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert not axe(page)
    context.close()


SUMMARY_IN_VIEW = """() => {
  const s = document.querySelector('.error-summary');
  if (!s) return null;
  const r = s.getBoundingClientRect();
  return {focused: document.activeElement === s, inView: r.top >= 0 && r.bottom <= innerHeight, text: s.innerText};
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_second_meeting_at_the_same_hour_is_refused(app, factory, live_server, browser, javascript):
    """She adds "the Tuesday meeting" the schedule already made (or moves, or brings back, one onto it): two
    meetings on one day at one time would count each person who came to both twice, and make a visitor a
    participant. It is refused with a message naming that meeting, at the top of the form where she sees it (the
    add form is below the list of meetings), and what she typed stays."""
    wid, meetings = _group(app, factory)
    with app.app_context():
        first, second = (db.session.get(attendance.Meeting, m) for m in meetings[:2])
        day, hour, other_day = first.day, first.starts_at.strftime("%H:%M"), second.day
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=javascript,
                               **TABLET_LANDSCAPE)
    base = f"{live_server}/teach/groups/{wid}/meetings"
    page.goto(base)
    page.fill("input[name=day]", day.isoformat())
    page.fill("input[name=starts_at]", hour)
    page.fill("input[name=note]", "Trip to the library")
    page.click("form[action$='/meetings'] button[type=submit]")
    page.locator(".error-summary").wait_for()
    seen = page.evaluate(SUMMARY_IN_VIEW)
    assert seen["focused"] and seen["inView"], seen
    assert "The group already has a meeting on" in seen["text"] and hour in seen["text"], seen
    assert page.input_value("input[name=note]") == "Trip to the library"
    with app.app_context():
        assert len(attendance.meetings_of(wid)) == len(meetings)
    # moving the second meeting onto the first: refused, it stays where it was
    page.goto(f"{base}/{meetings[1]}/edit")
    page.fill("input[name=day]", day.isoformat())
    page.fill("input[name=starts_at]", hour)
    page.click("button[name=action][value=save]")
    page.locator(".error-summary").wait_for()
    assert "The group already has a meeting on" in page.inner_text(".error-summary")
    # the first cancelled, a meeting at its hour may be added; bringing the first back is then refused
    page.goto(f"{base}/{meetings[0]}/edit")
    page.click("button[name=action][value=cancel]")
    page.wait_for_url(f"{base}#meeting-{meetings[0]}")
    page.fill("input[name=day]", day.isoformat())
    page.fill("input[name=starts_at]", hour)
    page.click("form[action$='/meetings'] button[type=submit]")
    page.locator("text=The meeting was added.").wait_for()
    page.goto(f"{base}/{meetings[0]}/edit")
    page.click("button[name=action][value=restore]")
    page.locator(".error-summary").wait_for()
    with app.app_context():
        kept = {m.id: m for m in attendance.meetings_of(wid)}
        assert kept[meetings[1]].day == other_day and kept[meetings[0]].cancelled
        assert len([m for m in kept.values() if m.day == day and not m.cancelled]) == 1
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_someone_not_on_the_list_is_added_from_the_register(app, factory, live_server, browser, javascript):
    """A mother who is not in the group comes to a meeting. From the register the instructor reaches the form
    that adds her (the register had no way there), adds her, and a button takes her back to the same meeting,
    at the new name, to tap it (she had to find the meeting again through the tabs)."""
    wid, meetings = _group(app, factory)
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=javascript,
                               **TABLET_LANDSCAPE)
    register = f"{live_server}/teach/groups/{wid}/meetings/{meetings[1]}"
    page.goto(register)
    page.click("main a:has-text('Someone who is not on the list came')")
    page.fill("input[name=name]", "Zahra")
    page.click("form.add-learner button[type=submit]")
    page.locator("text=Zahra was added").wait_for()
    back = page.locator("main a.button-primary", has_text="Back to the attendance of")
    assert back.bounding_box()["height"] >= 44
    back.click()
    page.wait_for_url(re.compile(rf".*/meetings/{meetings[1]}#learner-\d+$"))
    page.locator(".register-item button", has_text="Zahra").tap()
    page.locator(".register-item button[aria-pressed=true]", has_text="Zahra").wait_for()
    assert _present(app, meetings[1]) == {"Zahra"}
    # another group's meeting in the address gives no way back (nothing of another group is shown)
    other = factory.workshop("ar", name="Other group")
    with app.app_context():
        attendance.sync_meetings(db.session.get(Workshop, other))
        db.session.commit()
        foreign = attendance.meetings_of(other)[0].id
    page.goto(f"{live_server}/teach/groups/{wid}/learners?meeting={foreign}")
    assert page.locator("main a", has_text="Back to the attendance of").count() == 0
    context.close()


def test_a_later_days_register_lists_the_names_with_nothing_to_tap(app, factory, live_server, browser):
    wid, meetings = _group(app, factory, locale="ar")
    with app.app_context():
        later = next(m.id for m in attendance.meetings_of(wid) if m.day > clock.today())
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=False,
                               **TABLET_LANDSCAPE)
    page.goto(f"{live_server}/teach/groups/{wid}/meetings/{later}")
    expect(page.locator(".register-item .attend-later")).to_have_count(len(NAMES))
    assert page.locator(".register-item button").count() == 0
    assert page.locator(".notice[role=status]").is_visible()
    page.screenshot(path="test-results/attendance-later-ar.png", full_page=True)
    context.close()


def test_a_held_meeting_with_marks_is_not_moved_ahead_in_arabic(app, factory, live_server, browser):
    """Moving a meeting where people are marked present to a day that has not come would count them as reached at
    a meeting not yet held: refused at the top of the form, in her language and direction, the date kept."""
    wid, meetings = _group(app, factory, locale="ar")
    with app.app_context():
        enrollment = db.session.scalar(db.select(Enrollment.id).join(User).where(User.display_name == "Amina"))
        attendance.mark(db.session.get(attendance.Meeting, meetings[0]), enrollment, True, None)
        db.session.commit()
        held_on = db.session.get(attendance.Meeting, meetings[0]).day
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", **TABLET_LANDSCAPE)
    page.goto(f"{live_server}/teach/groups/{wid}/meetings/{meetings[0]}/edit")
    ahead = clock.today() + timedelta(days=3)
    page.fill("input[name=day]", ahead.isoformat())
    page.click("button[name=action][value=save]")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("لا يمكن نقله إلى يوم لاحق")
    assert page.get_attribute("html", "dir") == "rtl"
    seen = page.evaluate(SUMMARY_IN_VIEW)
    assert seen["focused"] and seen["inView"], seen
    assert page.input_value("input[name=day]") == ahead.isoformat()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.screenshot(path="test-results/attendance-move-ahead-ar.png", full_page=True)
    with app.app_context():
        assert db.session.get(attendance.Meeting, meetings[0]).day == held_on
    context.close()
