"""The coordinator's pages in a real browser: axe-core on every page in all four locales, a screenshot each."""
from __future__ import annotations


import pytest

from tests.browser.conftest import PHONE, staff_sign_in
from workshop.extensions import db
from workshop.models import Enrollment, Progress, Role, Status, User, utcnow

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def _world(app, factory, locale):
    coordinator = factory.staff("liisa", role=Role.COORDINATOR)
    deeqa = factory.staff("deeqa")
    with app.app_context():
        db.session.get(User, coordinator).locale = locale  # the staff locale comes from her account
        db.session.commit()
    somali = factory.workshop("so", name="Somali group", instructor=deeqa)
    arabic = factory.workshop("ar", name="Arabic group")
    learners = [factory.learner(somali, name=f"S{n}")[0] for n in range(3)] + [factory.learner(arabic, name="A")[0]]
    with app.app_context():
        for uid in learners[:2]:
            enrollment = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == uid))
            db.session.add(Progress(enrollment_id=enrollment.id, course="start", lesson="01-welcome",
                                    status=Status.DONE, completed_at=utcnow()))
        db.session.commit()
    return {"deeqa": deeqa, "somali": somali}


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_coordinator_pages_have_no_serious_violations(app, factory, live_server, browser, axe, locale):
    world = _world(app, factory, locale)
    found = {}
    for device, size in (("laptop", LAPTOP), ("phone", PHONE)):
        context = browser.new_context(**size, bypass_csp=True)  # axe is injected as a script
        page = context.new_page()
        staff_sign_in(page, live_server, "liisa", "/admin/")
        assert page.evaluate("document.documentElement.lang") == locale

        def check(name):
            found[f"{device} {name}"] = axe(page)
            page.screenshot(path=f"test-results/admin-{name.replace(' ', '-')}-{locale}-{device}.png", full_page=True)

        check("groups")
        page.goto(f"{live_server}/admin/groups/{world['somali']}")
        check("group")
        page.goto(f"{live_server}/admin/instructors")
        check("instructors")
        page.fill("input[name=display_name]", "Hodan")
        page.fill("input[name=username]", "deeqa")  # taken: the form explains
        page.click("form[action='/admin/instructors'] button[type=submit]")
        page.wait_for_selector("p.error")
        check("instructors with error")
        page.fill("input[name=username]", f"hodan-{device}")
        page.click("form[action='/admin/instructors'] button[type=submit]")
        page.wait_for_selector("#new-password")
        check("new password")
        page.goto(f"{live_server}/admin/instructors/{world['deeqa']}")
        check("instructor")
        page.goto(f"{live_server}/admin/report")
        check("report")
        page.goto(f"{live_server}/admin/report?start=not-a-date")
        check("report with error")
        context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad


def test_csv_download_from_the_report(app, factory, live_server, browser):
    _world(app, factory, "en")
    context = browser.new_context(**LAPTOP, accept_downloads=True)
    page = context.new_page()
    staff_sign_in(page, live_server, "liisa", "/admin/")
    page.goto(f"{live_server}/admin/report")
    with page.expect_download() as info:
        page.click("a[href^='/admin/report/learners.csv']")
    path = info.value.path()
    data = open(path, "rb").read()
    assert data.startswith("\ufeff".encode()) and "Itäkeskus".encode() in data
    assert info.value.suggested_filename.startswith("askel-reach-learners")
    context.close()


def test_the_reach_report_prints_without_its_controls(app, factory, live_server, browser):
    """Printed, the reach report is its figures: the period form and the "Download as CSV" buttons showed
    on paper (the outcomes report hid its own; now no report page prints a control)."""
    _world(app, factory, "ar")
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    staff_sign_in(page, live_server, "liisa", "/admin/")
    for path in ("/admin/report", "/admin/outcomes"):
        page.goto(f"{live_server}{path}")
        page.emulate_media(media="print")
        assert page.locator("main h1").is_visible(), path
        shown = page.eval_on_selector_all(
            "main :is(form, button, .button, input, select)",
            "els => els.filter(e => e.getClientRects().length).map(e => e.outerHTML.slice(0, 80))")
        assert shown == [], (path, shown)
        page.emulate_media(media="screen")
    context.close()
