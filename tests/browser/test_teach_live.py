"""The instructor's side in a real browser: a help request appears live; axe on every instructor page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import PHONE, TABLET, staff_page
from workshop.extensions import db
from workshop.models import Enrollment, HelpRequest, InstructorNote, Progress, Status, StepEvent, User, utcnow

pytestmark = pytest.mark.browser
SHOTS = "/tmp/askel-teach-shots"


def test_help_from_a_tablet_appears_in_the_open_class_view(app, factory, live_server, browser):
    uid = factory.staff("deeqa")
    wid = factory.workshop("so", name="Tuesday group", instructor=uid)
    _lid, code, _ = factory.learner(wid, name="Hodan")
    factory.learner(wid, name="Amina")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    step3 = lesson.steps[2]

    teacher_context, teacher = staff_page(browser, live_server, "deeqa", "/teach/")
    teacher.goto(f"{live_server}/teach/groups/{wid}")
    teacher.wait_for_selector("text=Nobody is waiting for help.")
    teacher.evaluate("window.__sameDocument = true")  # gone after any full page load

    tablet_context = browser.new_context(**TABLET)
    tablet = tablet_context.new_page()
    tablet.goto(f"{live_server}/sign-in")
    tablet.fill("input[name=code]", code)
    tablet.click("form[action='/sign-in'] button[type=submit]")
    tablet.wait_for_url(re.compile(r".*/home$"))
    tablet.goto(f"{live_server}/learn/start/01-welcome/steps/{step3.id}")
    tablet.click(".help-area button[type=submit]")
    tablet.wait_for_selector(".notice-help")

    item = teacher.locator(".help-item", has_text="Hodan")
    item.wait_for(timeout=15_000)  # the class view asks every 5 s
    assert "step 3" in item.inner_text()
    teacher.screenshot(path=f"{SHOTS}/class-view-help.png", full_page=True)
    item.locator("button", has_text="Mark as handled").click()
    teacher.wait_for_selector("text=Nobody is waiting for help.")
    assert teacher.locator(".help-item", has_text="Hodan").count() == 0
    assert teacher.evaluate("window.__sameDocument === true")  # never reloaded
    with app.app_context():
        assert db.session.scalar(db.select(HelpRequest)).handled_by_id == uid
    tablet_context.close()
    teacher_context.close()


def seed_class(app, factory, uid: int, language: str) -> tuple[int, int]:
    wid = factory.workshop(language, name="Kontula group", instructor=uid)
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    ids = []
    for n, name in enumerate(["Hodan", "Amina", "Faadumo"]):
        lid, _code, _ = factory.learner(wid, name=name)
        ids.append(lid)
        with app.app_context():
            e = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == lid))
            db.session.add(Progress(enrollment_id=e.id, course="start", lesson="01-welcome",
                                    steps_done=[s.id for s in lesson.steps[: n * 2]],
                                    status=Status.DONE if n == 2 else Status.IN_PROGRESS,
                                    current_step=lesson.steps[min(n * 2, len(lesson.steps) - 1)].id,
                                    completed_at=utcnow() if n == 2 else None))
            for k in range(3 if n == 1 else 1):
                db.session.add(StepEvent(learner_id=lid, enrollment_id=e.id, course="start", lesson="01-welcome",
                                         step=lesson.steps[2].id, kind="task", correct=n == 0 and k == 0, helped=n == 0,
                                         idempotency_key=f"k{lid}-{k}"))
            if n == 0:
                db.session.add(HelpRequest(enrollment_id=e.id, course="start", lesson="01-welcome",
                                           step=lesson.steps[2].id, created_at=utcnow() - timedelta(minutes=4)))
                db.session.add(InstructorNote(enrollment_id=e.id, author_id=uid, text="Reads well; needs help with the mouse."))
            db.session.commit()
    return wid, ids[0]


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_instructor_pages_have_no_serious_violations(app, factory, live_server, browser, axe, locale):
    uid = factory.staff("deeqa")
    with app.app_context():
        db.session.get(User, uid).locale = locale
        db.session.commit()
    wid, lid = seed_class(app, factory, uid, "ar" if locale == "ar" else "so")
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", bypass_csp=True, viewport={"width": 1280, "height": 900})
    assert page.evaluate("document.documentElement.lang") == locale
    if locale == "ar":
        assert page.evaluate("document.documentElement.dir") == "rtl"
    group = f"{live_server}/teach/groups/{wid}"
    learner = f"{group}/learners/{lid}"
    found = {}

    def check(name: str, url: str | None = None, shot: bool = False):
        if url:
            page.goto(url)
        found[name] = axe(page)
        if shot:
            page.screenshot(path=f"{SHOTS}/{locale}-{name}.png", full_page=True)

    check("groups", f"{live_server}/teach/", shot=True)
    check("new group", f"{live_server}/teach/groups/new")
    page.fill("input[name=name]", "")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error")
    check("new group with errors", shot=True)
    check("class view", group, shot=True)
    check("edit group", f"{group}/edit")
    check("lessons plan", f"{group}/lessons", shot=True)
    check("learners", f"{group}/learners")
    page.fill("form.add-learner input[name=name]", "Sahra")
    page.click("form.add-learner button[type=submit]")
    page.wait_for_selector(".new-learner")
    check("learner added", shot=True)
    check("learner page", learner, shot=True)
    check("remove confirm", f"{learner}/remove")
    check("delete confirm", f"{learner}/delete")
    check("renew confirm", f"{learner}/renew")
    check("cards choose", f"{group}/cards")
    page.check("main form input[name=learner] >> nth=0")
    page.click("main form button[type=submit]")
    page.wait_for_selector("ul.chosen")
    check("cards confirm")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".signin-card")
    check("cards sheet", shot=True)
    if locale in ("ar", "so"):
        page.emulate_media(media="print")
        page.pdf(path=f"{SHOTS}/{locale}-cards.pdf", format="A4") if False else None
        page.screenshot(path=f"{SHOTS}/{locale}-cards-print.png", full_page=True)
        page.emulate_media(media="screen")
    context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad


def test_class_view_and_learner_page_on_a_phone_in_arabic(app, factory, live_server, browser):
    uid = factory.staff("deeqa")
    with app.app_context():
        db.session.get(User, uid).locale = "ar"
        db.session.commit()
    wid, lid = seed_class(app, factory, uid, "ar")
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", **PHONE)
    for name, url in (("class", f"/teach/groups/{wid}"), ("learner", f"/teach/groups/{wid}/learners/{lid}"),
                      ("learners", f"/teach/groups/{wid}/learners")):
        page.goto(live_server + url)
        page.screenshot(path=f"{SHOTS}/ar-phone-{name}.png", full_page=True)
        # nothing wider than the screen except inside the scrolling table
        assert page.evaluate("document.documentElement.scrollWidth") <= 361, name
    context.close()
