"""Issue 15 item 5: on a phone her home puts her next step first ("Continue where you left off", one big
button on the first screen), and courses she finished or has not reached fold away (<details>: no
JavaScript needed), so the page is no longer thousands of pixels tall."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in

pytestmark = pytest.mark.browser

HOME = """() => {
  const b = document.querySelector('.next-step a.button');
  const r = b && b.getBoundingClientRect();
  return {button: b && {top: r.top, bottom: r.bottom, height: r.height, text: b.innerText, href: b.getAttribute('href')},
          heading: document.querySelector('.next-step h2') && document.querySelector('.next-step h2').innerText,
          open: [...document.querySelectorAll('details.course')].filter(d => d.open).map(d => d.id),
          courses: document.querySelectorAll('details.course').length,
          tall: document.documentElement.scrollHeight, screen: innerHeight,
          wide: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("locale", ["so", "ar"])
def test_her_next_step_comes_first_and_other_courses_fold(app, factory, live_server, browser, locale, javascript):
    from flask_babel import force_locale, gettext

    _uid, code, _ = factory.learner(factory.workshop(locale), name="Hodan", locale=locale)
    courses = app.extensions["askel_catalogue"].courses
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    home = page.evaluate(HOME)
    first = courses[0].lessons[0]
    with app.test_request_context(), force_locale(locale):
        assert home["heading"] == gettext("Your next lesson")
        resume = gettext("Continue where you left off")
    assert home["button"]["href"] == f"/learn/{first.course}/{first.id}/"
    assert home["button"]["bottom"] <= home["screen"] and home["button"]["height"] >= 44
    assert home["open"] == [f"course-{courses[0].id}"] and home["courses"] == len(courses)
    # she starts a lesson of the second course and leaves it after a step
    lesson = courses[1].lessons[0]
    page.goto(f"{live_server}/learn/{lesson.course}/{lesson.id}/")
    page.wait_for_url(re.compile(r".*/steps/.*"))
    page.click(".step-nav button.button-primary")
    page.wait_for_url(re.compile(rf".*/steps/{lesson.steps[1].id}$"))
    page.goto(f"{live_server}/home")
    home = page.evaluate(HOME)
    assert home["heading"] == resume
    assert home["button"]["href"] == f"/learn/{lesson.course}/{lesson.id}/"
    assert home["button"]["bottom"] <= home["screen"]
    assert home["open"] == [f"course-{courses[1].id}"]
    assert home["tall"] <= 3 * home["screen"], home["tall"]  # it was ~3,500 px
    assert home["wide"] <= 360
    page.screenshot(path=f"test-results/home-next-{locale}-{'js' if javascript else 'nojs'}.png", full_page=True)
    # a folded course opens with a tap, without JavaScript too
    page.click(f"#course-{courses[0].id} > summary")
    assert page.locator(f"#course-{courses[0].id} .lesson-link").first.is_visible()
    page.click(".next-step a.button")
    page.wait_for_url(re.compile(rf".*/{lesson.id}/steps/{lesson.steps[1].id}$"))  # where she left off
    context.close()
