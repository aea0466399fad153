"""Real-browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright.

Without Chromium (or without axe-core, which `make test` fetches) these tests skip with a reason on a
developer's machine; CI sets ASKEL_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from workshop.config import ROOT

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / ".cache" / "axe-core" / "axe.min.js"
REQUIRED = os.environ.get("ASKEL_REQUIRE_BROWSER") == "1"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 800, "height": 1280}, "is_mobile": True, "has_touch": True}


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


@pytest.fixture
def axe():
    if not AXE.exists():
        _unavailable(f"axe-core not found at {AXE}: `make test` fetches it with npm")

    def run(page) -> list[dict]:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in violations if v["impact"] in ("serious", "critical")
        ]

    return run
