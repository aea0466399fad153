"""Issue 15 item 4: on a phone the practice pages open with the banner and her task in full once; after
that they are one line she can open (a <details>, so it works without JavaScript), and the service itself
(the message she must answer) starts on the first screen. The banner's words stay visible on that line."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in
from workshop.sims import discover

discover()

pytestmark = pytest.mark.browser

LAYOUT = """() => {
  const head = document.querySelector('details.practice-head'), line = head.querySelector('summary');
  const frame = document.querySelector('.sim-frame').getBoundingClientRect();
  const style = getComputedStyle(line.querySelector('.practice-line-title'));
  return {open: head.open, line: line.getBoundingClientRect().height, frameTop: frame.top,
          title: line.querySelector('.practice-line-title').innerText, screen: innerHeight,
          width: document.documentElement.scrollWidth, visible: style.visibility === 'visible' && style.display !== 'none'};
}"""


def mail_practice_step(app):
    for lesson in app.extensions["askel_catalogue"].lessons():
        for step in lesson.steps:
            if step.type == "practice" and step.task.startswith("mail."):
                return lesson, step
    raise AssertionError("no mail practice step")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("locale", ["so", "ar"])
def test_banner_and_task_fold_to_one_line_after_the_first_view(app, factory, live_server, browser, javascript, locale):
    from flask_babel import force_locale, gettext

    _uid, code, _ = factory.learner(factory.workshop(locale), name="Hodan", locale=locale)
    lesson, step = mail_practice_step(app)
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}/practice/open/mail?step={lesson.course}/{lesson.id}/{step.id}")
    page.wait_for_url(re.compile(r".*/practice/mail/$"))
    first = page.evaluate(LAYOUT)
    assert first["open"], "the first time she sees it in full"
    with app.test_request_context(), force_locale(locale):
        title = gettext("Practice — nothing here is real")
    assert first["title"] == title
    page.reload()
    later = page.evaluate(LAYOUT)
    assert not later["open"] and later["visible"] and later["title"] == title
    assert later["line"] <= 60, later  # one line
    assert later["frameTop"] < later["screen"] / 2, later  # the inbox starts on the first half of the screen
    assert later["width"] <= 360
    page.screenshot(path=f"test-results/practice-compact-{locale}-{'js' if javascript else 'nojs'}.png")
    page.click("summary.practice-line")  # she opens it again: the whole text and her task
    assert page.evaluate("document.querySelector('details.practice-head').open")
    assert page.locator(".practice-task-text").is_visible()
    # a new task shows in full once again
    other = next((lesson2, s) for lesson2 in app.extensions["askel_catalogue"].lessons() for s in lesson2.steps
                 if s.type == "practice" and s.task.startswith("mail.") and s.id != step.id)
    page.goto(f"{live_server}/practice/open/mail?step={other[0].course}/{other[0].id}/{other[1].id}")
    assert page.evaluate(LAYOUT)["open"]
    context.close()
