"""The outcomes report in a real browser: axe-core in all four locales on a laptop and a 360-px
phone, with JavaScript off; nothing wider than the phone but the scrolling table; in print the
chart, its table and the definitions are there and the navigation is not."""
from __future__ import annotations

import pytest

from tests.admin.helpers import outcome_world
from tests.admin.test_outcomes import FIXED
from tests.browser.conftest import PHONE, staff_sign_in
from workshop.extensions import db
from workshop.models import Role, User

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_outcomes_report_has_no_serious_violations_and_works_without_javascript(app, factory, live_server, browser,
                                                                              axe, locale):
    coordinator = factory.staff("liisa", role=Role.COORDINATOR)
    with app.app_context():
        db.session.get(User, coordinator).locale = locale  # the staff locale comes from her account
        db.session.commit()
    outcome_world(app, FIXED)
    found = {}
    for device, size in (("laptop", LAPTOP), ("phone", PHONE)):
        context = browser.new_context(**size, bypass_csp=True, java_script_enabled=False)
        page = context.new_page()
        staff_sign_in(page, live_server, "liisa", "/admin/")
        page.goto(f"{live_server}/admin/outcomes")
        html = page.content()
        assert f'lang="{locale}"' in html and "<svg" in html
        page.screenshot(path=f"test-results/admin-outcomes-{locale}-{device}.png", full_page=True)
        # the filter is a plain GET form: it works without JavaScript
        page.fill("input[name=start]", "2025-01-01")
        page.fill("input[name=end]", "2025-06-30")
        page.click("form.filter button[type=submit]")
        page.wait_for_url("**/admin/outcomes?start=2025-01-01&end=2025-06-30")
        context.close()

        context = browser.new_context(**size, bypass_csp=True)  # axe is injected as a script
        page = context.new_page()
        staff_sign_in(page, live_server, "liisa", "/admin/")
        page.goto(f"{live_server}/admin/outcomes?start=2025-01-01&end=2025-06-30")
        found[device] = axe(page)
        width = size["viewport"]["width"]
        # nothing but the scrolling table region is wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # the chart keeps its text readable: at least 9 CSS pixels tall on the phone
        height = page.evaluate("document.querySelector('.chart-outcomes .chart-label').getBoundingClientRect().height")
        assert height >= 9
        page.emulate_media(media="print")
        assert page.is_visible(".chart-outcomes") and page.is_visible(".outcomes-table") and page.is_visible("#definitions")
        assert not page.is_visible(".admin-nav") and not page.is_visible("form.filter")
        context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad
