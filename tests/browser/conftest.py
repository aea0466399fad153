"""Real-browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright.

Without Chromium (or without axe-core, which `make test` fetches) these tests skip with a reason on a
developer's machine; CI sets ASKEL_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""
from __future__ import annotations

import os
import re
import shutil
import time
import weakref
from pathlib import Path

import pytest

from workshop.config import ROOT

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / ".cache" / "axe-core" / "axe.min.js"
REQUIRED = os.environ.get("ASKEL_REQUIRE_BROWSER") == "1"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 800, "height": 1280}, "is_mobile": True, "has_touch": True}


def open_lesson(page, course: str, lesson: str) -> None:
    """On her home, open a lesson: its course first, if folded (only her next lesson's course is open)."""
    details = page.locator(f"details#course-{course}")
    if details.count() and details.get_attribute("open") is None:
        page.click(f"details#course-{course} > summary")
    page.click(f"a[href='/learn/{course}/{lesson}/']")


def walk_lesson(page, app, base: str, course: str, lesson_id: str, practise=None, *, every_step=None,
                check_first: bool = False, wrong_first: bool = False, from_home: bool = False) -> None:
    """She goes through every step of a lesson, from its first page to its done page, by the page's own
    links and forms (so with JavaScript on or off, as her context has it): the right answer to each
    question (choose, tap), Next on an explanation or summary; a practice step's practice opened,
    `practise(page, step)` doing the task in the service, back to the step, and checked. `every_step(page,
    step)` looks at each step as it opens; `check_first` presses Check on a practice step before doing
    the task: "not yet", and she may try again; `wrong_first` gives a wrong answer to each question
    before the right one. `from_home` opens the lesson from her home page (which must be open), as she
    would, instead of going to its address. The lesson is then done in the database."""
    from workshop.extensions import db
    from workshop.models import Progress

    lesson = app.extensions["askel_catalogue"].lesson(course, lesson_id)
    if from_home:
        open_lesson(page, course, lesson_id)
    else:
        page.goto(f"{base}/learn/{course}/{lesson_id}/")
    for step in lesson.steps:
        page.wait_for_url(re.compile(rf".*/steps/{re.escape(step.id)}(\?.*)?$"))
        if every_step:
            every_step(page, step)
        if step.type in ("choose", "tap"):
            answers = step.options if step.type == "choose" else step.targets
            if wrong_first:
                wrong = next(o for o in answers if not o.correct)
                page.click(f"button[name=answer][value='{wrong.id}']")
                page.wait_for_selector(".feedback-wrong")
            right = next(o for o in answers if o.correct)
            page.click(f"button[name=answer][value='{right.id}']")
            page.wait_for_selector(".feedback-right")
            page.click(".step-nav a.button-primary")
        elif step.type == "practice":
            if check_first:
                page.click("button[name=check]")
                page.wait_for_selector(".feedback-wrong")
            page.click("a[href*='/practice/open/']")  # Open the practice
            page.wait_for_url(re.compile(rf".*/practice/{step.sim}/.*"))
            assert page.locator(".practice-banner").count() == 1, step.id
            back = page.locator(f".practice-task a[href$='/steps/{step.id}']")  # Back to the lesson
            assert back.count() == 1, step.id
            practise(page, step)
            back.click()
            page.wait_for_url(re.compile(rf".*/steps/{re.escape(step.id)}$"))
            page.click("button[name=check]")
            page.wait_for_selector(".feedback-right")
            page.click(".step-nav a.button-primary")
        elif step.type in ("explain", "summary"):
            page.click(".step-nav button.button-primary")
        else:
            raise AssertionError(f"walk_lesson does not know how to answer a {step.type} step ({step.id})")
    page.wait_for_url(re.compile(rf".*/{re.escape(lesson_id)}/done$"))
    page.wait_for_selector(".done")
    with app.app_context():
        progress = db.session.scalar(db.select(Progress).where(Progress.course == course, Progress.lesson == lesson_id))
        assert progress is not None and progress.status == "done", lesson_id


def poll_until(page, selector: str, every_ms: int = 5_000, timeout_s: float = 20) -> None:
    """Wait for `selector` to come into a page that asks the server again every `every_ms` (htmx's
    "every 5s"): the page's clock (installed with `context.clock.install()` before the page opened) is
    moved on to each time it asks, instead of the test waiting for it. Fails after `timeout_s` real
    seconds, as wait_for_selector would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout_s
    while True:
        page.clock.run_for(every_ms)
        try:
            page.wait_for_selector(selector, timeout=500)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise


def wait_for_async(page, predicate: str, timeout_ms: int = 10_000) -> None:
    """Wait until `predicate`, an async JavaScript function (`async () => ...`), resolves to a truthy
    value in the page. page.wait_for_function cannot do this: it does not await a Promise, and a
    Promise is truthy, so an async check given to it passes at once, whatever it would have said
    (that made the offline test's waits no waits at all)."""
    page.evaluate(f"""async () => {{
      const check = {predicate};
      const until = Date.now() + {int(timeout_ms)};
      while (!(await check())) {{
        if (Date.now() > until) throw new Error("still false after {int(timeout_ms)} ms: " + {predicate!r});
        await new Promise(resolve => setTimeout(resolve, 50));
      }}
    }}""")


def wait_for_picture(page, selector: str, timeout_ms: int = 30_000) -> None:
    """Wait until the picture at `selector` has loaded and has a size. A picture the browser gave up on
    (complete, but 0 px wide) fails at once, saying what the server answered for it, instead of
    waiting out the timeout and saying nothing (a CI run once timed out on the bill the practice
    phone scans, and left no clue)."""
    from playwright.sync_api import expect

    picture = page.locator(selector).first
    expect(picture).to_be_attached(timeout=timeout_ms)
    page.wait_for_function("(s) => { const img = document.querySelector(s); return img && img.complete; }",
                           arg=selector, timeout=timeout_ms)
    if page.evaluate("(s) => document.querySelector(s).naturalWidth", selector) > 0:
        return
    src = page.evaluate("(s) => document.querySelector(s).currentSrc || document.querySelector(s).src", selector)
    answer = page.request.get(src)
    raise AssertionError(f"{selector} did not load: {src} answers {answer.status} "
                         f"{answer.headers.get('content-type')!r}: {answer.body()[:300]!r}")


def sign_in(page, base: str, code: str) -> None:
    """A learner types her code on the sign-in page and lands on her home."""
    page.goto(f"{base}/sign-in")
    page.fill("input[name=code]", code)
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/home$"))


def staff_sign_in(page, base: str, username: str, lands_on: str, password: str = "correct horse battery") -> None:
    """A member of staff signs in with her password and lands on her start page (`lands_on`, a path
    such as "/teach/"). The password is the factory's default."""
    page.goto(f"{base}/staff/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/staff/sign-in'] button[type=submit]")
    page.wait_for_url(re.compile(rf".*{re.escape(lands_on)}$"))


def staff_page(browser, base: str, username: str, lands_on: str, **context_args):
    """A new browser context (a device of her own) with a member of staff signed in: (context, page)."""
    context = browser.new_context(**context_args)
    page = context.new_page()
    staff_sign_in(page, base, username, lands_on)
    return context, page


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (ASKEL_REQUIRE_BROWSER=1: browser tests may not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-quic"],
    )
    yield browser
    browser.close()
    playwright.stop()


_axe_contexts: weakref.WeakSet = weakref.WeakSet()  # the contexts that add axe to every page they open
RUN_AXE = """async () => typeof window.axe === 'object'
    ? (await axe.run(document, {resultTypes: ['violations']})).violations : null"""


@pytest.fixture
def axe():
    if not AXE.exists():
        _unavailable(f"axe-core not found at {AXE}: `make test` fetches it with npm")

    def run(page) -> list[dict]:
        # a click that submits a form may still be loading its answer: axe reads the page it lands on
        page.wait_for_load_state("load")
        violations = page.evaluate(RUN_AXE)
        if violations is None:
            # the first page of a context: add axe to it, and to every page the context opens next as
            # it starts (an init script costs nothing more per page; a script tag sent each time cost
            # as much as the check itself)
            page.add_script_tag(path=str(AXE))
            if page.context not in _axe_contexts:
                page.context.add_init_script(path=str(AXE))
                _axe_contexts.add(page.context)
            violations = page.evaluate(RUN_AXE)
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in violations if v["impact"] in ("serious", "critical")
        ]

    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A browser test that fails leaves what each of its open pages showed: its address and first
    words in the report, and a screenshot in test-results/failures/ (a flake in CI can be read)."""
    outcome = yield
    report = outcome.get_result()
    browser = item.funcargs.get("browser") if report.when == "call" and report.failed else None
    if browser is None:
        return
    folder = Path("test-results") / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^\w.-]+", "-", item.name)[:80]
    for i, context in enumerate(browser.contexts):
        for j, page in enumerate(context.pages):
            try:
                text = page.locator("body").inner_text(timeout=2_000)[:300]
                page.screenshot(path=str(folder / f"{slug}-{i}-{j}.png"), full_page=True, timeout=5_000)
            except Exception as error:  # the page may be gone: say so and go on
                text = f"(could not be read: {error.__class__.__name__})"
            report.sections.append((f"page {i}.{j}", f"{page.url}\n{text}"))
