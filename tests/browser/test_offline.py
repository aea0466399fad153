"""Askel offline on her own phone (issue 19), in Chromium on a 360-px phone: she saves a course, loses
the network, reloads, answers two steps; back online they reach the server once each and her
instructor sees them; a lesson changed meanwhile shows in its new edition; signing out forgets it all."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in, staff_page, wait_for_async
from workshop.extensions import db
from workshop.models import Progress, StepEvent
from workshop.review import state
from workshop.review.models import Wording

pytestmark = pytest.mark.browser

KEPT = """async () => { const out = {}; for (const n of await caches.keys()) {
  out[n] = (await (await caches.open(n)).keys()).map(r => new URL(r.url).pathname); } return out; }"""
PAGE_CACHES = "async () => (await caches.keys()).filter(n => n.startsWith('askel-pages:'))"
WAITING = """async () => await new Promise(resolve => {
  const open = indexedDB.open('askel', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('answers', {keyPath: 'key'});
  open.onsuccess = () => {
    const request = open.result.transaction('answers').objectStore('answers').getAll();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
  };
})"""


def controlled(page) -> None:
    page.wait_for_function("() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)", timeout=15_000)


def events(app, uid):
    with app.app_context():
        return db.session.execute(
            db.select(StepEvent.step, StepEvent.idempotency_key).where(StepEvent.learner_id == uid)
            .order_by(StepEvent.id)).all()


def test_saved_course_works_offline_and_answers_arrive_once(app, factory, live_server, browser):
    instructor = factory.staff("deeqa")
    group = factory.workshop("so", instructor=instructor)
    uid, code, _ = factory.learner(group, name="Hodan", locale="so")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    first, second, third = lesson.steps[:3]
    assert first.type == second.type == "explain"

    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    assert page.locator("link[rel=manifest]").count() == 1
    controlled(page)
    box = page.locator("[data-offline-course=start]")
    if page.locator("#course-start").get_attribute("open") is None:
        page.locator("#course-start summary").click()
    assert re.search(r"\d+", box.locator("[data-when=save]").inner_text())  # its size is shown
    box.locator("[data-offline-action=save]").click()
    box.locator("[data-when=saved]").wait_for(timeout=20_000)

    # No network: the page is reloaded from the phone, and two steps are answered there.
    context.set_offline(True)
    # Opening the saved lesson starts at its first step, not wherever the phone's cache happens to list first.
    page.goto(f"{live_server}/learn/start/01-welcome/")
    page.wait_for_url(re.compile(rf".*/steps/{first.id}$"))
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{first.id}")
    try:
        page.wait_for_selector("#player", timeout=10_000)
    except Exception:  # say what the phone showed and what it keeps, for whoever reads the failure
        kept = page.evaluate(KEPT)
        raise AssertionError(f"no lesson step offline: {page.locator('body').inner_text()[:400]!r}; kept: {kept}")
    assert page.locator("h1.lesson-title").count() == 1
    page.screenshot(path="test-results/offline-step.png", full_page=True)
    page.click(".step-nav button.button-primary")
    page.wait_for_url(re.compile(rf".*/steps/{second.id}$"))
    page.wait_for_selector("#player")
    assert page.locator("#answers-waiting").is_visible()
    page.click(".step-nav button.button-primary")
    page.wait_for_url(re.compile(rf".*/steps/{third.id}$"))
    page.wait_for_selector("#answers-waiting:not([hidden])")
    kept = page.evaluate(WAITING)
    assert sorted(item["url"] for item in kept) == sorted(
        f"/learn/start/01-welcome/steps/{s.id}" for s in (first, second))
    assert events(app, uid) == []  # nothing reached the server yet
    # A practice service says plainly that it needs the network, and offers the lessons.
    page.goto(f"{live_server}/practice/email/")
    assert page.locator("a[href='/home']").count() >= 1
    practice_text = page.locator("main").inner_text()
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{third.id}")
    page.wait_for_selector("#player")

    # Back online: both answers are sent, with the keys their forms carried, and stored once.
    context.set_offline(False)
    page.wait_for_selector("#answers-sent:not([hidden])", timeout=15_000)
    assert page.locator("#answers-waiting").is_hidden()
    stored = events(app, uid)
    assert sorted(stored) == sorted((item["url"].rsplit("/", 1)[1], item["key"]) for item in kept)
    # The same answers sent again (a retry after a lost reply) count once.
    for item in kept:
        page.evaluate("""item => new Promise(resolve => {
          const channel = new MessageChannel(); channel.port1.onmessage = e => resolve(e.data);
          navigator.serviceWorker.controller.postMessage({type: 'keep', url: item.url, key: item.key, answer: null}, [channel.port2]);
        })""", item)
    page.evaluate("""token => new Promise(resolve => {
      const channel = new MessageChannel(); channel.port1.onmessage = e => resolve(e.data);
      navigator.serviceWorker.controller.postMessage({type: 'send', token}, [channel.port2]);
    })""", page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']"))
    assert page.evaluate(WAITING) == []
    assert len(events(app, uid)) == 2
    with app.app_context():
        progress = db.session.scalar(db.select(Progress).where(Progress.lesson == "01-welcome"))
        assert set(progress.steps_done) == {first.id, second.id}

    # Her instructor's class view shows them.
    teacher_context, teacher = staff_page(browser, live_server, "deeqa", "/teach/")
    teacher.goto(f"{live_server}/teach/groups/{group}")
    row = teacher.locator("tr", has_text="Hodan")
    assert row.locator(".cell-started").count() == 1
    assert "3" in row.locator(".cell-started").inner_text()  # on step 3 of the lesson
    teacher_context.close()

    # A lesson changed while she was offline: online she sees the new edition, and the phone keeps
    # only that one (the old cache is removed, the saved course saved again).
    context.set_offline(True)
    with app.app_context():
        db.session.add(Wording(locale="so", context=f"{first.context}/text", text="Qoraal cusub oo la hubiyay.",
                               source_hash=state.source_hash(first.text), reviewer="deeqa"))
        state.bump()
        db.session.commit()
    old_caches = page.evaluate(PAGE_CACHES)
    assert len(old_caches) == 1
    context.set_offline(False)
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{first.id}")
    assert "Qoraal cusub oo la hubiyay." in page.locator("#player").inner_text()
    wait_for_async(page, f"""async () => {{
      const names = (await caches.keys()).filter(n => n.startsWith('askel-pages:'));
      if (names.length !== 1 || names[0] === {old_caches[0]!r}) return false;
      const cache = await caches.open(names[0]);
      // saved again in the new edition: the list of saved courses, the offline page, and the step
      // she opens next (the worker saves them in the background after the new edition's first page)
      return Boolean(await cache.match('/askel/saved')) && Boolean(await cache.match('/offline'))
        && Boolean(await cache.match('/learn/start/01-welcome/steps/{second.id}?askel-part=1'));
    }}""", timeout_ms=20_000)
    context.set_offline(True)
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{second.id}")
    page.wait_for_selector("#player")
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{first.id}")
    assert "Qoraal cusub oo la hubiyay." in page.locator("#player").inner_text()
    context.set_offline(False)

    # Saving again in a new edition cut short (here the server fails the lessons' downloads): her home
    # says so and offers to save, and her next page online saves it again without her asking.
    bundle_view = app.view_functions["learn.offline_lesson"]
    app.view_functions["learn.offline_lesson"] = lambda **_: ("", 503)
    try:
        with app.app_context():
            state.bump()
            db.session.commit()
        page.goto(f"{live_server}/home")
        box.locator("[data-when=failed]").wait_for()
        assert box.locator("[data-offline-action=save]").is_visible()
        # Offline meanwhile, the course she saved still opens, whole, from the edition she saved it in
        # (kept until the new one holds it).
        assert len(page.evaluate(PAGE_CACHES)) == 2
        context.set_offline(True)
        page.goto(f"{live_server}/learn/start/01-welcome/")
        page.wait_for_url(re.compile(rf".*/steps/{first.id}$"))
        expect(page.locator("#player")).to_contain_text("Qoraal cusub oo la hubiyay.")
        page.goto(f"{live_server}/learn/start/01-welcome/steps/{second.id}")
        page.wait_for_selector("#player")
        context.set_offline(False)
    finally:
        app.view_functions["learn.offline_lesson"] = bundle_view
    page.goto(f"{live_server}/home")
    box.locator("[data-when=saved]").wait_for(timeout=20_000)
    # saved again: the last edition's pages are gone
    wait_for_async(page, f"async () => ({PAGE_CACHES})().then(n => n.length === 1)")
    context.set_offline(True)
    page.goto(f"{live_server}/learn/start/02-steps/")
    page.wait_for_selector("#player")
    context.set_offline(False)

    # "Remove it from this phone" frees the space: none of the course's lessons is kept any more, in any
    # cache, and offline its lesson does not open; she can save it again.
    page.goto(f"{live_server}/home")
    if page.locator("#course-start").get_attribute("open") is None:
        page.locator("#course-start summary").click()
    box.locator("[data-offline-action=remove]").click()
    box.locator("[data-offline-action=save]").wait_for()
    wait_for_async(page, """async () => {
      for (const n of (await caches.keys()).filter(n => n.startsWith('askel-pages:')))
        if ((await (await caches.open(n)).keys()).some(r => new URL(r.url).pathname.startsWith('/learn/start/02-steps/')))
          return false;
      return true;
    }""")
    context.set_offline(True)
    page.goto(f"{live_server}/learn/start/02-steps/")
    expect(page.locator("#player")).to_have_count(0)
    context.set_offline(False)

    # Signing out removes her kept pages and anything waiting.
    page.goto(f"{live_server}/home")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(re.compile(r".*/signed-out$"))
    wait_for_async(page, f"async () => ({PAGE_CACHES})().then(n => n.length === 0)")
    context.set_offline(True)
    with pytest.raises(Exception):
        page.goto(f"{live_server}/learn/start/01-welcome/steps/{first.id}")
    context.close()
    assert practice_text




@pytest.mark.parametrize("locale", ["so", "ar"])
def test_chromium_finds_askel_installable(app, factory, live_server, browser, locale):
    """What Lighthouse's installability audit asks Chromium (Page.getInstallabilityErrors): none, with
    the manifest in her language; Lighthouse 11's PWA category passes too (docs/architecture.md)."""
    _uid, code, _ = factory.learner(factory.workshop(locale), locale=locale)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    controlled(page)
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith(f"/app/{locale}.webmanifest") and manifest["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # a Playwright context is a private window, where Chromium never offers to install: not the site's doing
    assert [e for e in errors if e["errorId"] != "in-incognito"] == []
    context.close()
