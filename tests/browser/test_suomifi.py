"""The practice Suomi.fi and Kela in a real browser: a Somali learner finishes the fake-Kela-text lesson
on a 360-px phone, an Arabic learner finishes the identification lesson on a tablet, right to left,
both with JavaScript on and off; axe on every page in all four locales."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in, walk_lesson
from workshop.sims import discover

discover()  # the practice steps' task checks exist before the app loads the lessons

pytestmark = pytest.mark.browser
BASE = "/practice/suomifi"
PAGES = ["/", "/puhelin", "/tunnistus", "/tunnistus/pankki/harjoituspankki", "/tunnistus/mobiilivarmenne",
         "/sovellus", "/viestit", "/omakela", "/omakela/maksut", "/omakela/asiakirjat", "/omakela/muutoksenhaku",
         "/omakela/muutos", "/omakela/muutos/varhaiskasvatus", "/omakela/muutos/muutto", "/omakela/hakemus",
         "/omakela/hakemus/kotihoidon-tuki", "/omakela/liitteet"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_somali_learner_recognises_the_fake_kela_text_on_a_phone(app, factory, live_server, browser, javascript):
    _uid, code, _ = factory.learner(factory.workshop("so"), name="Amina", locale="so")
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    assert page.evaluate("document.documentElement.lang") == "so"

    def practise(page, step):
        page.wait_for_url(re.compile(r".*/practice/suomifi/puhelin$"))
        assert page.locator(".sf .sim-tab").count() == 4
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.click("a.sf-row:has-text('OmaKeIa')")
        page.wait_for_url(re.compile(r".*/puhelin/\d+$"))
        assert "omakeIa-tunnistus.com" in page.inner_text(".sf-bubble")
        page.click("button[name=verdict][value=scam]")
        page.wait_for_selector("#answer.notice-ok")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=f"test-results/suomifi-so-phone-scam-{'js' if javascript else 'nojs'}.png", full_page=True)

    walk_lesson(page, app, live_server, "kela", "07-fake-kela-messages", practise)
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_arabic_learner_identifies_with_mobiilivarmenne_on_a_tablet(app, factory, live_server, browser, javascript):
    _uid, code, _ = factory.learner(factory.workshop("ar"), name="Fatima", locale="ar")
    context = browser.new_context(**TABLET, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)

    def practise(page, step):
        page.wait_for_url(re.compile(r".*/practice/suomifi/tunnistus\?next=.*"))
        assert page.evaluate("document.documentElement.dir") == "rtl"
        page.click("a.sf-method[href*=mobiilivarmenne]")
        page.fill("input[name=phone]", "050 000 0000")  # not the practice number: a message in Arabic
        page.click("form.sf-form button[type=submit]")
        assert "040 123 4567" in page.inner_text("#phone-error")
        page.fill("input[name=phone]", "040 123 4567")
        page.click("form.sf-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/tunnistus/odota.*"))
        shown = page.inner_text(".sf-code")
        page.click("a.button-primary[href*=sovellus]")
        page.wait_for_url(re.compile(r".*/sovellus.*"))
        assert page.inner_text(".sf-code") == shown  # the same code on both screens
        page.fill("input[name=pin]", "1234")
        page.click("button[name=action][value=confirm]")
        page.wait_for_url(re.compile(r".*/practice/suomifi/omakela$"))
        assert page.evaluate("document.documentElement.dir") == "rtl"
        page.screenshot(path=f"test-results/suomifi-ar-tablet-omakela-{'js' if javascript else 'nojs'}.png", full_page=True)

    walk_lesson(page, app, live_server, "kela", "01-identify", practise)
    context.close()


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_no_serious_violations_on_any_suomifi_page(app, factory, live_server, browser, axe, locale):
    _uid, code, _ = factory.learner(factory.workshop("ar" if locale == "ar" else "so"), locale=locale)
    context = browser.new_context(**PHONE, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, live_server, code)
    found = {}
    page.goto(live_server + BASE + "/tunnistus/pankki/harjoituspankki")
    page.click("form.sf-form button[type=submit]")  # empty: the page with an error
    found["bank with error"] = axe(page)
    page.fill("input[name=user_id]", "12345678")
    page.click("form.sf-form button[type=submit]")
    page.goto(live_server + BASE + "/sovellus")
    found["app"] = axe(page)
    page.fill("input[name=pin]", "1234")
    page.click("button[name=action][value=confirm]")
    page.wait_for_url(re.compile(r".*/omakela$"))
    for path in PAGES:
        page.goto(live_server + BASE + path)
        found[path] = axe(page)
    page.goto(live_server + BASE + "/omakela/hakemus/kotihoidon-tuki")
    page.click("form.sf-form button[type=submit]")
    found["application with errors"] = axe(page)
    page.goto(live_server + BASE + "/viestit")
    page.click("a.sf-row >> nth=0")
    found["letter"] = axe(page)
    page.goto(live_server + BASE + "/omakela/asiakirjat")
    page.click("a.sf-row >> nth=0")
    found["decision"] = axe(page)
    page.screenshot(path=f"test-results/suomifi-{locale}-phone-decision.png", full_page=True)
    page.goto(live_server + BASE + "/puhelin")
    page.click("a.sf-row >> nth=1")
    found["text message"] = axe(page)
    page.click("button[name=verdict][value=real]")
    found["text message answered"] = axe(page)
    context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad
