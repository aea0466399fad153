"""The lesson player works with the keyboard alone, and every control is a big enough target."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET

pytestmark = pytest.mark.browser

# Buttons, button-like links, inputs: at least 44 x 44 CSS pixels. Links inside running text are
# exempt (WCAG 2.5.5), so plain text links are checked only for their height.
SMALL_TARGETS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('button, .button, input:not([type=hidden]), select, textarea, .option, .lesson-link, .topnav-item, .language-button')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;           // not shown
    if (el.closest('[hidden]')) continue;
    if (el.type === 'checkbox' || el.type === 'radio') {      // the label is the target
      const label = el.closest('label') || document.querySelector(`label[for="${el.id}"]`);
      const box = (el.parentElement || el).getBoundingClientRect();
      if (box.height < 44) out.push(`${el.outerHTML.slice(0, 80)} ${Math.round(box.width)}x${Math.round(box.height)}`);
      continue;
    }
    if (r.height < 44 || r.width < 44) out.push(`${el.outerHTML.slice(0, 80)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return out;
}"""


def test_touch_targets_on_learner_pages(app, factory, live_server, browser):
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="ar")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    choose = next(s for s in lesson.steps if s.type == "choose")
    problems = {}
    for viewport in (PHONE, TABLET):
        context = browser.new_context(**viewport)
        page = context.new_page()
        for path in ["/language", "/sign-in"]:
            page.goto(live_server + path)
            problems[f"{path} {viewport['viewport']['width']}"] = page.evaluate(SMALL_TARGETS)
        page.fill("input[name=code]", code)
        page.click("form[action='/sign-in'] button[type=submit]")
        page.wait_for_url(re.compile(r".*/home$"))
        for path in ["/home", "/my-progress", f"/learn/start/01-welcome/steps/{lesson.steps[0].id}",
                     f"/learn/start/01-welcome/steps/{choose.id}"]:
            page.goto(live_server + path)
            problems[f"{path} {viewport['viewport']['width']}"] = page.evaluate(SMALL_TARGETS)
        context.close()
    bad = {k: v for k, v in problems.items() if v}
    assert not bad, bad


def test_a_lesson_with_the_keyboard_alone(app, factory, live_server, browser):
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/sign-in")
    page.focus("input[name=code]")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/home$"))

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"could not reach {selector} with Tab")

    tab_to("details#course-start > summary")  # Phone basics comes first and is the open course
    page.keyboard.press("Enter")
    tab_to("a[href='/learn/start/01-welcome/']")
    page.keyboard.press("Enter")
    for step in lesson.steps:
        page.wait_for_url(re.compile(rf".*/steps/{step.id}$"))
        if step.type == "choose":
            right = next(o for o in step.options if o.correct)
            tab_to(f"button[name=answer][value='{right.id}']")
            page.keyboard.press("Enter")
            page.wait_for_selector(".feedback-right")
            tab_to(".step-nav a.button-primary")
        else:
            tab_to(".step-nav button.button-primary")
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/01-welcome/done$"))
    context.close()
