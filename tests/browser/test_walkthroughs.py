"""Each role's way through Askel, from sign-in to the role's main goal and sign-out, in Somali and in
Arabic (issue 15, acceptance): on every page she reads, no English, right to left in Arabic, and
nothing wider than the screen.

- a learner on her phone (360 px) signs in with her code and does her first lesson;
- a learner on the group's tablet signs in with her name and pictures and pays a bill in the practice bank;
- an instructor sees who asked for help in the class view, answers it, and reads a learner's page;
- the coordinator reads the reach report.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, TABLET, open_lesson, staff_sign_in
from tests.browser.test_learner_flow import do_lesson
from workshop.config import ROOT
from workshop.extensions import db
from workshop.models import Enrollment, HelpRequest, Progress, Role, Status, User, utcnow

pytestmark = pytest.mark.browser
SHOTS = "/tmp/askel-walkthrough-shots"
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
LANGUAGES = ["so", "ar"]


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


@cache
def english_only() -> frozenset[str]:
    """Words of Askel's English (interface and lessons) that no Somali, Arabic or Finnish text uses:
    one of them on a Somali or Arabic page is English that slipped through."""
    from babel.messages.pofile import read_po

    english, elsewhere = set(), set()
    for domain in ("messages", "lessons"):
        for locale in ("so", "ar", "fi"):
            with open(ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po", "rb") as fh:
                catalog = read_po(fh, locale=locale)
            for m in catalog:
                for text in (m.id if isinstance(m.id, (list, tuple)) else [m.id]):
                    english |= words(re.sub(r"%\(\w+\)s|\{\w+\}", " ", text or ""))
                for text in (m.string if isinstance(m.string, (list, tuple)) else [m.string]):
                    elsewhere |= words(text or "")
    return frozenset(english - elsewhere)


class Walk:
    """One person's way: every page is checked for her language, direction and width, and kept as a
    screenshot."""

    def __init__(self, page, language: str, name: str, width: int):
        self.page, self.language, self.name, self.width = page, language, name, width
        self.seen: list[str] = []
        Path(SHOTS).mkdir(parents=True, exist_ok=True)

    def check(self, what: str, besides: frozenset[str] = frozenset()) -> None:
        page = self.page
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == self.language, (what, page.url)
        assert page.evaluate("document.documentElement.dir") == ("rtl" if self.language == "ar" else "ltr"), what
        assert page.evaluate("document.documentElement.scrollWidth") <= self.width, (what, page.url)
        text = page.evaluate("document.title + ' ' + document.body.innerText + ' ' + "
                             "[...document.querySelectorAll('[aria-label],[placeholder],[title],img[alt]')]"
                             ".map(e => [e.getAttribute('aria-label'), e.getAttribute('placeholder'),"
                             " e.getAttribute('title'), e.getAttribute('alt')].join(' ')).join(' ')")
        english = sorted(words(text) & english_only() - besides)
        assert not english, f"English on '{what}' ({page.url}) in {self.language}: {english}"
        self.seen.append(what)
        page.screenshot(path=f"{SHOTS}/{self.name}-{self.language}-{len(self.seen):02d}.png", full_page=True)


def staff_account(app, factory, username: str, language: str, role=Role.INSTRUCTOR) -> int:
    uid = factory.staff(username, role=role)
    with app.app_context():
        db.session.get(User, uid).locale = language  # a staff member's language is her account's
        db.session.commit()
    return uid


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_learner_on_her_phone(app, factory, live_server, browser, language, javascript):
    wid = factory.workshop(language, name="Kontula")
    _uid, code, _ = factory.learner(wid, name="Hodan")
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    walk = Walk(page, language, "phone" if javascript else "phone-nojs", 360)
    page.goto(live_server + "/")
    page.click(f"button[value={language}]")  # the first visit: her language, by its own name
    page.wait_for_url(re.compile(r".*/sign-in$"))
    walk.check("sign-in")
    page.fill("input[name=code]", "0000 0000")
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_selector("[role=alert]:not([hidden]), [aria-invalid=true]")
    walk.check("a wrong code")
    page.fill("input[name=code]", code)
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/home$"))
    walk.check("home")
    # her main goal: the first lesson, step by step, to its end
    # Phone basics comes first, so its course is the open one: she opens "Getting started" herself
    the_lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    open_lesson(page, "start", "01-welcome")
    page.wait_for_selector("#player")
    walk.check("first step")
    page.goto(f"{live_server}/home")
    do_lesson(page, app, live_server, the_lesson)
    walk.check("lesson done")
    page.goto(f"{live_server}/home")
    status = page.locator("a[href='/learn/start/01-welcome/'] .status")
    assert "status-done" in status.get_attribute("class")
    walk.check("home after the lesson")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/signed-out$"))
    walk.check("signed out")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_learner_on_the_groups_tablet_pays_a_bill(app, factory, live_server, browser, language, javascript):
    from tests.browser.test_bank_flows import B, bank_sign_in, the_bill
    from tests.browser.test_tablet_signin import set_up_this_tablet, tap_pictures
    from workshop.sims.bank import finance
    from workshop.sims.bank.models import Payment

    deeqa = staff_account(app, factory, "deeqa", language)
    wid = factory.workshop(language, name="Kontula", instructor=deeqa)
    uid, _code, _ = factory.learner(wid, name="Faadumo")
    factory.learner(wid, name="Hodan")
    context = browser.new_context(**TABLET, java_script_enabled=javascript)
    page = context.new_page()
    # the instructor sets the tablet up and gives Faadumo her pictures, then signs out
    staff_sign_in(page, live_server, "deeqa", "/teach/")
    set_up_this_tablet(page, live_server, wid)
    page.goto(f"{live_server}/tablet/pictures/{uid}")
    for n, picture in enumerate((4, 9, 1), start=1):
        page.check(f"input[name=picture{n}][value='{picture}']")
    page.click("form[action^='/tablet/pictures'] button[type=submit]:not([name])")
    page.wait_for_selector("#saved-title")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    walk = Walk(page, language, "tablet" if javascript else "tablet-nojs", 800)
    walk.check("names")
    page.click("a.name-button:has-text('Faadumo')")
    page.wait_for_selector(".picture-grid")
    walk.check("pictures")  # the picture names too, in her language (issue 15 item 1)
    tap_pictures(page, (4, 9, 1))
    page.wait_for_url(re.compile(r".*/home$"))
    walk.check("home")
    # her main goal: the electricity bill, paid in the practice bank
    bank_sign_in(page, live_server)
    walk.check("the bank")
    bill = the_bill(app, uid, "electricity")
    page.goto(f"{live_server}{B}/mail/{bill.id}")
    walk.check("the bill")
    page.goto(f"{live_server}{B}/pay")
    walk.check("payment form")
    page.fill("#recipient", bill.recipient)
    page.fill("#iban", finance.format_iban(bill.iban))
    page.fill("#amount", finance.format_amount(bill.amount_cents).replace("\u00a0€", "").replace(" €", ""))
    page.fill("#reference", "1234 5678")  # a reference mistyped: told so, in her language
    page.fill("#due", finance.format_date(bill.due))
    page.click("form.pay-form button[type=submit]")
    page.wait_for_selector("#reference-error")
    walk.check("a wrong reference")
    page.fill("#reference", finance.format_any_reference(bill.reference))
    page.click("form.pay-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/review$"))
    walk.check("review")
    page.click("form.bank-actions button[type=submit]")
    page.wait_for_url(re.compile(r".*/app$"))
    walk.check("the bank's app")
    page.fill("#pin", "1234")
    page.click("button[name=answer][value=confirm]")
    page.wait_for_url(re.compile(r".*/payments/\d+$"))
    walk.check("receipt")
    with app.app_context():
        assert db.session.scalars(db.select(Payment).where(Payment.learner_id == uid)).one().reference == bill.reference
    # she signs out: the names are back for the next learner
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/tablet/$"))
    walk.check("names again")
    assert page.locator("a.name-button:has-text('Hodan')").is_visible()
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_instructor_answers_a_call_for_help(app, factory, live_server, browser, language):
    uid = staff_account(app, factory, "deeqa", language)
    wid = factory.workshop(language, name="Kontula", instructor=uid)
    hodan, _code, _ = factory.learner(wid, name="Hodan")
    factory.learner(wid, name="Amina")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    with app.app_context():
        e = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == hodan))
        db.session.add(Progress(enrollment_id=e.id, course="start", lesson="01-welcome", status=Status.IN_PROGRESS,
                                current_step=lesson.steps[2].id, steps_done=[s.id for s in lesson.steps[:2]]))
        db.session.add(HelpRequest(enrollment_id=e.id, course="start", lesson="01-welcome", step=lesson.steps[2].id,
                                   created_at=utcnow()))
        db.session.commit()
    context = browser.new_context(viewport={"width": 1024, "height": 768}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "askel_lang", "value": language, "url": live_server}])  # chosen on her first visit
    page = context.new_page()
    walk = Walk(page, language, "instructor", 1024)
    page.goto(f"{live_server}/staff/sign-in")
    walk.check("staff sign-in")
    staff_sign_in(page, live_server, "deeqa", "/teach/")
    walk.check("my groups")
    page.click(f"main a[href='/teach/groups/{wid}']")
    page.wait_for_selector(".help-item")
    walk.check("class view")
    # her main goal: she sees who asked for help, goes to her, and marks it handled
    item = page.locator(".help-item", has_text="Hodan")
    item.locator("button").click()
    page.wait_for_selector(".help-item", state="detached")
    walk.check("help handled")
    with app.app_context():
        assert db.session.scalar(db.select(HelpRequest)).handled_by_id == uid
    page.click(f"a[href='/teach/groups/{wid}/learners/{hodan}'] >> nth=0")
    page.wait_for_url(re.compile(rf".*/learners/{hodan}$"))
    walk.check("learner page")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/signed-out$"))
    walk.check("signed out")
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coordinator_reads_the_reach_report(app, factory, live_server, browser, language):
    staff_account(app, factory, "liisa", language, role=Role.COORDINATOR)
    deeqa = factory.staff("deeqa")
    somali = factory.workshop("so", name="Kontula", instructor=deeqa)
    arabic = factory.workshop("ar", name="Itäkeskus", instructor=deeqa)
    learners = [factory.learner(somali, name=f"S{n}")[0] for n in range(3)] + [factory.learner(arabic, name="Nour")[0]]
    with app.app_context():
        for uid in learners[:2]:
            e = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == uid))
            db.session.add(Progress(enrollment_id=e.id, course="start", lesson="01-welcome", status=Status.DONE,
                                    completed_at=utcnow()))
        db.session.commit()
    context = browser.new_context(**LAPTOP)
    context.add_cookies([{"name": "askel_lang", "value": language, "url": live_server}])
    page = context.new_page()
    walk = Walk(page, language, "coordinator", 1280)
    page.goto(f"{live_server}/staff/sign-in")
    walk.check("staff sign-in")
    staff_sign_in(page, live_server, "liisa", "/admin/")
    walk.check("all groups")
    # her main goal: how many were reached, per language, and what they completed
    page.click("main a[href^='/admin/report']")
    page.wait_for_url(re.compile(r".*/admin/report.*"))
    walk.check("reach report")
    report = page.locator("main").inner_text()
    assert "4" in report and "2" in report
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/signed-out$"))
    walk.check("signed out")
    context.close()
