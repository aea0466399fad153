"""Page weight budgets, measured in Chromium: the bytes that cross the wire, compressed.

A cold load of each page type (HTML + CSS + JS, pictures aside) stays within 60 KB; the next lesson
step over htmx within 8 KB. Deterministic (bytes), so a regression fails CI. docs/performance.md
lists the measured figures.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, sign_in, staff_sign_in

pytestmark = pytest.mark.browser

PAGE_BUDGET = 60 * 1024
HTMX_STEP_BUDGET = 8 * 1024
TEXT_TYPES = ("Document", "Stylesheet", "Script", "XHR", "Fetch")


class Wire:
    """Network.loadingFinished encodedDataLength per resource, from the DevTools protocol."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.types: dict[str, tuple[str, str]] = {}
        self.bytes: list[tuple[str, str, int]] = []
        self.cdp.on("Network.responseReceived",
                    lambda e: self.types.__setitem__(e["requestId"], (e["type"], e["response"]["url"])))
        self.cdp.on("Network.loadingFinished",
                    lambda e: self.bytes.append((*self.types.get(e["requestId"], ("?", "?")), e["encodedDataLength"])))

    def text_bytes(self, wait_for_type: str | None = None) -> int:
        """HTML, CSS, JS and htmx fragments; pictures, icons and fonts aside."""
        for _ in range(40):  # protocol events arrive a moment after the page settles
            if wait_for_type is None or any(kind == wait_for_type for kind, _u, _n in self.bytes):
                break
            self.page.wait_for_timeout(50)
        return sum(n for kind, _url, n in self.bytes if kind in TEXT_TYPES)


def cold(browser, base: str, path: str, code: str | None = None):
    """A new browser context (empty cache), signed in first if a code is given, then the page."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    if code:
        sign_in(page, base, code)
    wire = Wire(page)
    wire.cdp.send("Network.clearBrowserCache")
    page.goto(base + path, wait_until="networkidle")
    return context, page, wire


def test_learner_pages_are_within_budget(app, factory, live_server, browser):
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="so")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    results = {}
    for name, path, signed_in in [
        ("chooser", "/language", False),
        ("sign-in", "/sign-in", False),
        ("home", "/home", True),
        ("lesson step", f"/learn/start/01-welcome/steps/{lesson.steps[0].id}", True),
    ]:
        context, page, wire = cold(browser, live_server, path, code if signed_in else None)
        results[name] = wire.text_bytes(wait_for_type="Document")
        if name == "lesson step":
            wire.bytes.clear()
            page.click(".step-nav button.button-primary")
            page.wait_for_url(re.compile(rf".*/steps/{lesson.steps[1].id}$"))
            results["next step over htmx"] = wire.text_bytes(wait_for_type="XHR")
        context.close()
    print("wire bytes:", results)
    for name, n in results.items():
        budget = HTMX_STEP_BUDGET if name == "next step over htmx" else PAGE_BUDGET
        assert 0 < n <= budget, f"{name}: {n} bytes > {budget}"


def test_practice_services_and_class_view_are_within_budget(app, factory, live_server, browser):
    from workshop.extensions import db
    from workshop.models import User

    instructor = factory.staff("deeqa", password="budget-password")
    group = factory.workshop("so", instructor=instructor)
    _uid, code, _ = factory.learner(group, locale="ar")
    results = {}
    for sim in sorted(app.extensions["askel_sims"]):
        context, _page, wire = cold(browser, live_server, f"/practice/{sim}/", code)
        results[f"{sim} main page"] = wire.text_bytes(wait_for_type="Document")
        context.close()
    with app.app_context():
        db.session.get(User, instructor).locale = "so"
        db.session.commit()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    staff_sign_in(page, live_server, "deeqa", "/teach/", password="budget-password")
    wire = Wire(page)
    wire.cdp.send("Network.clearBrowserCache")
    page.goto(f"{live_server}/teach/groups/{group}", wait_until="networkidle")
    results["class view"] = wire.text_bytes(wait_for_type="Document")
    context.close()
    print("wire bytes:", results)
    for name, n in results.items():
        assert 0 < n <= PAGE_BUDGET, f"{name}: {n} bytes > {PAGE_BUDGET}"
