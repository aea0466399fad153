"""Counselling on a 1024×768 tablet with JavaScript on and off (consent, a session, the plan, the
follow-up); axe on every new page in four languages; her own plan on a 360-px phone in Arabic
(issue 18, items 2, 3, 5)."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, sign_in, staff_page
from tests.browser.test_bidi import AUDIT as BIDI_AUDIT
from tests.counsel.helpers import counselled, enrollment_of
from workshop import clock
from workshop.counsel import rules
from workshop.counsel.models import CounselSession, Plan, Topic
from workshop.extensions import db
from workshop.models import InstructorNote, Role, User

pytestmark = pytest.mark.browser
TABLET_LANDSCAPE = {"viewport": {"width": 1024, "height": 768}, "is_mobile": True, "has_touch": True}


def _set_locale(app, username_or_id, locale):
    with app.app_context():
        user = (db.session.get(User, username_or_id) if isinstance(username_or_id, int)
                else db.session.scalar(db.select(User).where(User.username == username_or_id)))
        user.locale = locale
        db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_weeks_counselling_on_a_tablet(app, factory, live_server, browser, javascript):
    staff = factory.staff("deeqa")
    _set_locale(app, staff, "en")
    wid = factory.workshop("so", name="Tuesday group", instructor=staff)
    uid, _code, _token = factory.learner(wid, name="Hodan")
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=javascript,
                               **TABLET_LANDSCAPE)
    hub = f"{live_server}/teach/groups/{wid}/learners/{uid}/counselling"
    page.goto(f"{live_server}/teach/groups/{wid}")
    assert "1 participant has no plan yet: Hodan." in page.inner_text("main")
    page.click("text=1 participant has no plan yet")
    page.click("main a:has-text('Hodan')")
    expect(page).to_have_url(hub)
    # consent first: without the box ticked nothing is recorded
    page.click("button:has-text('Record her consent')")
    page.locator(".error", has_text="only when she has agreed").wait_for()
    page.check("input[name=agreed]")
    page.click("button:has-text('Record her consent')")
    page.locator("text=She agreed on").wait_for()
    # a session: personal counselling about housing, with a note
    page.click("text=New session")
    page.click("label:has-text('Personal counselling')")
    page.click("label:has-text('Housing')")
    page.fill("textarea[name=note]", "Asunto on liian pieni; hakemus vuokra-asuntoon.")
    page.click("button:has-text('Save the session')")
    page.locator(".note-text", has_text="Asunto on liian pieni").wait_for()
    # the plan, in her own words
    page.click("text=Write the plan")
    page.fill("textarea[name=goal]", "Haluan oppia suomea ja mennä töihin.")
    page.click("label:has-text('Finnish language training')")
    page.fill("textarea[name=next_step]", "Sign up for the Finnish course at Stadin AO in January.")
    page.click("button:has-text('Save the plan')")
    page.locator("#plan", has_text="Haluan oppia suomea").wait_for()
    # the follow-up
    page.click("text=Record the follow-up")
    page.click("label:has-text('In progress')")
    page.click("button:has-text('Save the follow-up')")
    page.locator("#plan", has_text="In progress").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    for button in page.locator("main .button").all():
        box = button.bounding_box()
        assert box is None or box["height"] >= 44, button.inner_text()  # a finger's target
    with app.app_context():
        session = db.session.scalar(db.select(CounselSession))
        assert session.kind == "personal" and [t.key for t in session.topics] == ["housing"]
        plan = db.session.scalar(db.select(Plan))
        assert (plan.direction, plan.result, plan.check_on) == ("finnish_course", "in_progress",
                                                                 max(clock.today(), plan.check_on))
    page.goto(f"{live_server}/teach/groups/{wid}")
    assert "no plan yet" not in page.inner_text("main")
    context.close()


@pytest.mark.parametrize("locale", ["en", "so", "ar", "fi"])
def test_no_serious_violations_on_the_counselling_pages(app, factory, live_server, browser, axe, locale):
    staff = factory.staff("deeqa")
    _set_locale(app, staff, locale)
    wid = factory.workshop("ar" if locale == "ar" else "so", name="Tuesday group", instructor=staff)
    uid, code, _token = factory.learner(wid, name="Hodan", locale=locale)
    waiting, _c, _t = factory.learner(wid, name="Sahra")
    with app.app_context():
        counselled(uid, wid, staff, check_on=clock.today() - timedelta(days=3))
        session_id = db.session.scalar(db.select(CounselSession.id))
        # a note on each lessons page: Hodan's shown (she agreed), Sahra's kept hidden (she was not asked)
        for person in (uid, waiting):
            db.session.add(InstructorNote(enrollment_id=enrollment_of(person, wid).id, author_id=staff,
                                          text="Reads well; needs help with the mouse."))
        db.session.commit()
    factory.staff("mirja", role=Role.COORDINATOR)
    _set_locale(app, "mirja", locale)
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", bypass_csp=True, **TABLET_LANDSCAPE)
    found = {}
    base = f"{live_server}/teach/groups/{wid}"
    her = f"{base}/learners/{uid}"
    for name, url in [("class view", base), ("overview", f"{base}/counselling"), ("hub", f"{her}/counselling"),
                      ("consent", f"{base}/learners/{waiting}/counselling"), ("new session", f"{her}/sessions/new"),
                      ("session", f"{her}/sessions/{session_id}"), ("plan", f"{her}/plan"),
                      ("follow-up", f"{her}/plan/follow-up"), ("withdraw", f"{her}/consent/withdraw"),
                      ("delete session", f"{her}/sessions/{session_id}/delete"),
                      ("lessons page, notes", her), ("lessons page, notes hidden", f"{base}/learners/{waiting}")]:
        page.goto(url)
        found[name] = axe(page)
    page.goto(f"{her}/sessions/new")
    page.fill("input[name=held_on]", (clock.today() + timedelta(days=5)).isoformat())  # in the future
    page.click("main form button[type=submit]")
    page.locator(".error").first.wait_for()
    found["session with errors"] = axe(page)
    page.goto(f"{base}/learners/{waiting}/counselling")
    page.click("main form button[type=submit]")  # the box not ticked
    page.locator(".error").first.wait_for()
    found["consent with error"] = axe(page)
    context.close()
    with app.app_context():  # a topic of the coordinator's own, in Arabic and Finnish only
        own = Topic(key="own-kela", label_ar="مساعدات كيلا", label_fi="Kelan tuet", position=500)
        db.session.add(own)
        db.session.commit()
        own_id = own.id
    context, page = staff_page(browser, live_server, "mirja", "/admin/", bypass_csp=True)
    for name, url in [("log", "/admin/counselling/log"), ("topics", "/admin/counselling/topics"),
                      ("own topic", f"/admin/counselling/topics/{own_id}")]:
        page.goto(f"{live_server}{url}")
        found[name] = axe(page)
    page.goto(f"{live_server}/admin/counselling/topics")
    page.click("main form[action$='/topics'] button[type=submit]")  # no label in any language
    page.locator(".error").first.wait_for()
    found["topics with error"] = axe(page)
    context.close()
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, code)
    for name, url in [("my progress", "/my-progress"), ("my plan", "/my-plan")]:
        page.goto(f"{live_server}{url}")
        found[name] = axe(page)
    context.close()
    assert not {k: v for k, v in found.items() if v}, found


def test_her_plan_on_a_phone_in_arabic(app, factory, live_server, browser):
    staff = factory.staff("deeqa")
    wid = factory.workshop("ar", name="مجموعة الثلاثاء", instructor=staff)
    uid, code, _token = factory.learner(wid, name="Mariam", locale="ar")
    with app.app_context():
        counselled(uid, wid, staff, direction="vocational", check_on=date(2027, 1, 15))
        plan = db.session.scalar(db.select(Plan))
        plan.goal, plan.field = "أريد أن أعمل في رعاية الأطفال.", "lähihoitaja"
        db.session.commit()
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}/my-progress")
    page.click("a[href='/my-plan']")
    assert page.get_attribute("html", "dir") == "rtl"
    text = page.inner_text("main")
    assert "خطتي" in text and "أريد أن أعمل في رعاية الأطفال." in text and "lähihoitaja" in text
    assert "Kela" not in text  # the instructor's private note is not hers to read here
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # the date to talk again, "15 يناير 2027", reads right to left: forced left to right it read "2027 يناير 15"
    assert page.evaluate(BIDI_AUDIT) == []
    context.close()


# Runs in the page: for each element matched whose text starts with a Latin letter, whether the full stop that ends
# one of its lines stands after that line's last word (to its right), as it does in a left-to-right text.
STOPS_IN_PLACE = r"""
(selector) => [...document.querySelectorAll(selector)].filter(el => /^[A-Za-z]/.test(el.textContent.trim())).map(el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const wrong = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (const m of n.data.matchAll(/[A-Za-z0-9)]\.(?=\n|$)/g)) {
      const box = (i) => { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1); return r.getBoundingClientRect(); };
      if (box(m.index + 1).left < box(m.index).left) wrong.push(n.data.slice(Math.max(0, m.index - 15), m.index + 2));
    }
  }
  return [el.className || el.tagName, wrong];
}).filter(([_, wrong]) => wrong.length)
"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_finnish_notes_read_left_to_right_in_the_arabic_interface(app, factory, live_server, browser, javascript):
    """Rasha's interface is Arabic; what she writes for the city's coordinator is often Finnish. Her note, the
    plan's goal, its field and a meeting's note keep their full stop after their last word (it was drawn at the
    left end of the line, ".Asunto on liian pieni"), on the pages and in the boxes she types them in."""
    from workshop import attendance

    staff = factory.staff("rasha")
    _set_locale(app, staff, "ar")
    wid = factory.workshop("ar", name="Vuosaari, torstai", instructor=staff)
    uid, _code, _token = factory.learner(wid, name="Mariam")
    with app.app_context():
        counselled(uid, wid, staff, note="Asunto on liian pieni (2 huonetta).\nHakemus jätetty 12.1.")
        plan = db.session.scalar(db.select(Plan))
        plan.field = "lähihoitaja, Stadin AO."
        meeting = attendance.Meeting(workshop_id=wid, day=clock.today(), starts_at=time(17, 30),
                                     note="Tila vaihtuu: huone 204.", edited=True)
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
    context, page = staff_page(browser, live_server, "rasha", "/teach/", java_script_enabled=javascript,
                               **TABLET_LANDSCAPE)
    base = f"{live_server}/teach/groups/{wid}"
    page.goto(f"{base}/learners/{uid}/counselling")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate(STOPS_IN_PLACE, "#plan dd, #plan dd bdi, #sessions .note-text") == []
    page.goto(f"{base}/meetings/{meeting_id}")
    assert page.evaluate(STOPS_IN_PLACE, "main p") == []
    page.goto(f"{base}/meetings")
    assert page.evaluate(STOPS_IN_PLACE, "main td bdi") == []
    # as she types: the box takes the direction of what is in it
    with app.app_context():
        session_id = db.session.scalar(db.select(CounselSession.id))
    page.goto(f"{base}/learners/{uid}/sessions/{session_id}")
    assert page.evaluate("() => getComputedStyle(document.querySelector('textarea[name=note]')).unicodeBidi") == "plaintext"
    page.goto(f"{base}/learners/{uid}/plan")
    assert page.get_attribute("input[name=field]", "dir") == "auto"
    context.close()


def test_lists_in_arabic_use_the_arabic_comma(app, factory, live_server, browser):
    """A session's topics, and the languages a coordinator's own topic is still missing, are written with the
    Arabic comma (،) in the Arabic interface: they were joined with a Latin ", "."""
    staff = factory.staff("rasha")
    _set_locale(app, staff, "ar")
    wid = factory.workshop("ar", name="Vuosaari, torstai", instructor=staff)
    uid, _code, _token = factory.learner(wid, name="Mariam")
    with app.app_context():
        counselled(uid, wid, staff)  # a session about services and family
        own = Topic(key="own-kela", label_fi="Kelan tuet", position=500)
        db.session.add(own)
        db.session.commit()
        own_id = own.id
    factory.staff("huda", role=Role.COORDINATOR)
    _set_locale(app, "huda", "ar")
    context, page = staff_page(browser, live_server, "rasha", "/teach/", java_script_enabled=False, **TABLET_LANDSCAPE)
    page.goto(f"{live_server}/teach/groups/{wid}/learners/{uid}/counselling")
    line = page.locator("#sessions .note p").first.inner_text()
    assert "الخدمات، الأسرة" in line.replace("\u2068", "").replace("\u2069", "") and ", " not in line, line
    context.close()
    context, page = staff_page(browser, live_server, "huda", "/admin/", java_script_enabled=False)
    for url in ("/admin/counselling/topics", f"/admin/counselling/topics/{own_id}"):
        page.goto(f"{live_server}{url}")
        text = page.inner_text("main")
        assert "الصومالية، العربية، الإنجليزية" in text and ", " not in text, (url, text)
    context.close()


# Runs in the page: each element matched whose box is less than a finger's 44 x 44 px (its text, width and height).
SMALL = """(selector) => [...document.querySelectorAll(selector)].filter(el => el.offsetParent).map(el => {
  const r = el.getBoundingClientRect();
  return [el.innerText.trim().slice(0, 40), Math.round(r.width), Math.round(r.height)];
}).filter(([_, w, h]) => w < 44 || h < 44)"""


@pytest.mark.parametrize("locale", ["so", "ar"])
def test_every_way_on_from_the_counselling_pages_is_a_finger_wide(app, factory, live_server, browser, locale):
    """On the workshop tablet the names that open a participant's page (the to-do lists and the table of the
    counselling overview, her meetings' table), a session's Edit link, the way back above a form and the box she
    ticks for consent were 22-28 px high: half a fingertip."""
    staff = factory.staff("deeqa")
    _set_locale(app, staff, locale)
    wid = factory.workshop(locale, name="Tuesday group", instructor=staff)
    uid, _code, _token = factory.learner(wid, name="Hodan")
    waiting, _c, _t = factory.learner(wid, name="Sahra")
    factory.learner(wid, name="Ubax")
    factory.learner(wid, name="Noor")  # a short name is a narrow link
    with app.app_context():
        counselled(uid, wid, staff, check_on=clock.today() - timedelta(days=3))  # her follow-up is overdue
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=False, **TABLET)
    base = f"{live_server}/teach/groups/{wid}"
    found = {}
    page.goto(f"{base}/counselling")
    assert page.locator(".learner-list a").count() == 4  # three without a plan, one overdue
    found["overview"] = page.evaluate(SMALL, "main .learner-list a, main .grid a")
    page.goto(f"{base}/learners/{uid}/counselling")
    found["hub"] = page.evaluate(SMALL, "main a, main button")
    page.goto(f"{base}/learners/{uid}/sessions/new")
    found["session form"] = page.evaluate(SMALL, "main a, main button, main label.check")
    page.goto(f"{base}/learners/{waiting}/counselling")
    found["consent"] = page.evaluate(SMALL, "main a, main button, main .check > label")
    page.goto(f"{base}/meetings")
    found["meetings"] = page.evaluate(SMALL, "main .grid a")
    context.close()
    assert not {k: v for k, v in found.items() if v}, found


def test_the_overdue_follow_up_opens_with_what_was_agreed(app, factory, live_server, browser):
    """The class view's overdue list opens the follow-up form straight: it shows her goal and the next step
    agreed, which the instructor asks her about (it showed only the direction and the date, and she had to go
    back to the counselling page to read them)."""
    staff = factory.staff("deeqa")
    _set_locale(app, staff, "en")
    wid = factory.workshop("so", name="Tuesday group", instructor=staff)
    uid, _code, _token = factory.learner(wid, name="Hodan")
    with app.app_context():
        counselled(uid, wid, staff, check_on=clock.today() - timedelta(days=3))
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", java_script_enabled=False, **TABLET)
    page.goto(f"{live_server}/teach/groups/{wid}/counselling")
    page.click(".learner-list a:has-text('Hodan')")
    page.wait_for_url(f"{live_server}/teach/groups/{wid}/learners/{uid}/plan/follow-up")
    facts = page.inner_text("main dl")
    assert "Haluan oppia suomea ja saada työtä." in facts and "Apply to the Finnish course in January." in facts
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_her_plan_on_a_phone_in_somali_when_the_day_agreed_has_passed(app, factory, live_server, browser, javascript):
    """Her instructor has not yet recorded the follow-up and the day agreed is behind them: her plan said "the day
    we talk again: 28 November" on 1 December. It now says soon, and names the day that was agreed; nothing on
    the page is wider than her 360-px phone."""
    staff = factory.staff("deeqa")
    wid = factory.workshop("so", name="Itäkeskus, tiistai", instructor=staff)
    uid, code, _token = factory.learner(wid, name="Hodan", locale="so")
    passed = clock.today() - timedelta(days=3)
    with app.app_context():
        counselled(uid, wid, staff, check_on=passed)
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}/my-plan")
    facts = page.inner_text("main .plan-facts")
    with app.test_request_context():
        from flask_babel import force_locale
        from workshop.formats import local_date_plain
        with force_locale("so"):
            agreed = local_date_plain(passed, "so", "long")
    assert "Maalinta aan mar kale ka wada hadlayno" not in facts, facts
    assert "Mar kale ayaan ka wada hadlaynaa" in facts and f"Dhowaan. Waxaan ku heshiinnay {agreed}." in facts, facts
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # once the follow-up is recorded the plan says how it went, and the day agreed is a date again
    with app.app_context():
        plan = db.session.scalar(db.select(Plan))
        plan.result, plan.checked_on = "in_progress", clock.today()
        db.session.commit()
    page.reload()
    assert "Dhowaan" not in page.inner_text("main .plan-facts")
    context.close()
