"""Page weight budgets, measured in Chromium: the bytes that cross the wire, compressed.

A cold load of each page type stays within 60 KB counting every byte it loads: HTML, CSS, JS,
pictures, icons and fonts (a narration only once she plays it, so audio is left out of a page that
has not played one); the next lesson step over htmx within 8 KB, its picture included.
Deterministic (bytes), so a regression fails CI. docs/performance.md lists the measured figures.
"""
from __future__ import annotations

import re
import urllib.request

import pytest

from tests.browser.conftest import PHONE, sign_in, staff_sign_in, wait_for_async

pytestmark = pytest.mark.browser

PAGE_BUDGET = 60 * 1024
HTMX_STEP_BUDGET = 8 * 1024
NOT_YET_PLAYED = ("Media",)  # a narration's audio counts once she presses "listen"


class Wire:
    """Network.loadingFinished encodedDataLength per resource, from the DevTools protocol; and the
    service worker's own requests (its script, what it keeps, the pages it fetches for the page),
    which Playwright reports on the context: their headers and compressed body, nothing when a
    request was answered from the browser's cache (Playwright gives a negative body size then).
    A request the worker answers shows 0 bytes on the page's side, so nothing counts twice."""

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
        page.context.on("requestfinished", self._worker_request)

    def _worker_request(self, request) -> None:
        if request.service_worker is None:
            return
        sizes = request.sizes()
        body = sizes["responseBodySize"]
        self.bytes.append(("ServiceWorker", request.url, sizes["responseHeadersSize"] + body if body >= 0 else 0))

    def pictures(self) -> int:
        """The bytes of lesson pictures and icons, whoever fetched them (the page, or its service worker)."""
        return sum(n for kind, url, n in self.bytes if kind == "Image" or "/media/" in url)

    def all_bytes(self, wait_for_type: str | None = None, settle: int = 300) -> int:
        """Every resource's bytes on the wire (compressed), pictures included; audio not yet played aside."""
        for _ in range(40):  # protocol events arrive a moment after the page settles
            if wait_for_type is None or any(kind == wait_for_type for kind, _u, _n in self.bytes):
                break
            self.page.wait_for_timeout(50)
        self.page.wait_for_timeout(settle)  # a picture the new content asks for may finish a moment later
        return sum(n for kind, _url, n in self.bytes if kind not in NOT_YET_PLAYED)

    def by_type(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for kind, _url, n in self.bytes:
            totals[kind] = totals.get(kind, 0) + n
        return totals


def cold(browser, base: str, path: str, code: str | None = None):
    """A new browser context (empty cache), signed in first if a code is given, then the page."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    if code:
        sign_in(page, base, code)
    wire = Wire(page)
    if code:  # the worker installed (it keeps the static files as it installs), then cleared below
        page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    wire.cdp.send("Network.clearBrowserCache")
    # and what the service worker keeps (installed when she signed in): every file crosses the wire again
    wire.cdp.send("Storage.clearDataForOrigin", {"origin": base, "storageTypes": "cache_storage"})
    if code:
        # every cache empty (the worker, still running, may open its caches again at once: empty)
        wait_for_async(page, """async () => {
          for (const name of await caches.keys()) if ((await (await caches.open(name)).keys()).length) return false;
          return true;
        }""")
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
        # the service worker's own requests go on after the page's network is idle: a second to finish
        results[name] = wire.all_bytes(wait_for_type="Document", settle=1000)
        if name == "lesson step":
            assert wire.pictures() > 0, "the step's picture was not counted"
            wire.bytes.clear()
            page.click(".step-nav button.button-primary")
            page.wait_for_url(re.compile(rf".*/steps/{lesson.steps[1].id}$"))
            results["next step over htmx"] = wire.all_bytes(wait_for_type="XHR")
            assert wire.pictures() > 0, "the next step's picture was not counted"
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
        results[f"{sim} main page"] = wire.all_bytes(wait_for_type="Document")
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
    results["class view"] = wire.all_bytes(wait_for_type="Document")
    context.close()
    print("wire bytes:", results)
    for name, n in results.items():
        assert 0 < n <= PAGE_BUDGET, f"{name}: {n} bytes > {PAGE_BUDGET}"


def test_the_first_signed_in_page_with_the_service_worker_is_within_budget(app, factory, live_server, browser):
    """Her first page on a new phone, from the sign-in form on: her home, the worker's script and
    everything it keeps when it installs, with an empty browser cache."""
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="so")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=code]", code)
    wire = Wire(page)
    wire.cdp.send("Network.clearBrowserCache")
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/home$"))
    page.wait_for_function("() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)")
    total = wire.all_bytes(wait_for_type="Document", settle=1000)
    worker = {url.rsplit("/", 1)[-1]: n for kind, url, n in wire.bytes if kind == "ServiceWorker"}
    context.close()
    # Chromium reports the worker's script with its headers but not its body: that is added as served.
    with urllib.request.urlopen(urllib.request.Request(f"{live_server}/sw.js",
                                                       headers={"Accept-Encoding": "gzip"})) as response:
        script = len(response.read())
    assert script > 1000
    total += script
    print("wire bytes: first signed-in page", total, "of which the worker's", worker)
    assert "sw.js" in worker, "the worker's own script was not counted"
    assert 0 < total <= PAGE_BUDGET, f"first signed-in page: {total} bytes > {PAGE_BUDGET}"


def test_a_step_with_recordings_fetches_none_before_she_plays(app, factory, live_server, browser):
    """A question whose text and answers are all recorded: its cold load and the step before it
    over htmx stay within budget and fetch no narration; pressing Listen fetches them, one by one."""
    from tests.review.helpers import stored_narration

    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    quiz = lesson.step("quiz-what")
    for text in quiz.voiced():
        stored_narration(app, "so", text.context)
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="so")
    context, page, wire = cold(browser, live_server, f"/learn/start/01-welcome/steps/{quiz.id}", code)
    assert not [url for _kind, url, _n in wire.bytes if "/review/narrations/" in url]
    assert 0 < wire.all_bytes(wait_for_type="Document") <= PAGE_BUDGET
    assert page.locator("audio.listen-audio[preload=none]").count() == len(quiz.voiced())
    # now she hears them: pressing Listen fetches a narration (waited for, not 1.5 s)
    with page.expect_request_finished(lambda request: "/review/narrations/" in request.url):
        page.locator("[data-listen-play]").click()
    context.close()
