"""What an instructor and a learner see (issue 15, items 13, 17, 18 and 19), in a real browser."""
from __future__ import annotations

import hashlib
import io
import re
import wave
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in, staff_page
from workshop.extensions import db
from workshop.models import Enrollment, HelpRequest, Progress, Status, StepEvent, User, utcnow

pytestmark = pytest.mark.browser
SHOTS = "/tmp/askel-staffux-shots"


def a_sound() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 8000)  # one second of silence
    return out.getvalue()


def record(app, locale: str, context: str) -> None:
    """A narration of one text (context course/lesson/step/field), as the review page would store it."""
    from workshop import storage
    from workshop.review import state
    from workshop.review.models import Narration

    data = a_sound()
    with app.app_context():
        name = hashlib.sha256(context.encode()).hexdigest()[:16] + ".wav"
        storage.files().put(f"narrations/{locale}/{name}", data)
        db.session.add(Narration(locale=locale, context=context, filename=name, mimetype="audio/wav", size=len(data),
                                 duration_ms=1000, digest=hashlib.sha256(data).hexdigest()))
        state.bump()
        db.session.commit()


# ---- 13: no Listen button that does nothing; the instructor sees what her learners cannot hear ----

NO_VOICES = "speechSynthesis.getVoices = () => [];"
# A device that lists a voice for the language but fails when asked to speak with it.
BROKEN_VOICE = """
speechSynthesis.getVoices = () => [{lang: 'so-SO', name: 'Somali', voiceURI: 'x', localService: true, default: false}];
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
speechSynthesis.speak = (u) => setTimeout(() => u.onerror && u.onerror({error: 'synthesis-failed'}), 50);
"""


def test_a_somali_learner_sees_listen_only_where_it_plays(app, factory, live_server, browser):
    wid = factory.workshop("so")
    _uid, code, _ = factory.learner(wid, name="Hodan", locale="so")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    recorded, silent = lesson.steps[0], lesson.steps[1]
    record(app, "so", recorded.spoken().context)
    context = browser.new_context(**PHONE)
    context.add_init_script(NO_VOICES)
    page = context.new_page()
    sign_in(page, live_server, code)
    # a step without a recording, on a phone with no Somali voice: no button at all
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{silent.id}")
    page.wait_for_load_state("load")
    assert page.locator("button.listen-button:visible").count() == 0
    # the recorded step: a Listen button, in Somali, that plays
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{recorded.id}")
    button = page.locator("button.listen-button:visible")
    button.wait_for()
    assert button.inner_text().strip() == "Dhageyso"
    button.click()
    page.wait_for_function("() => !document.querySelector('audio.listen-audio').paused")
    assert button.get_attribute("aria-pressed") == "true"
    context.close()


def test_a_device_voice_that_fails_takes_its_button_away(app, factory, live_server, browser):
    wid = factory.workshop("so")
    _uid, code, _ = factory.learner(wid, name="Hodan", locale="so")
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    context = browser.new_context(**PHONE)
    context.add_init_script(BROKEN_VOICE)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(f"{live_server}/learn/start/01-welcome/steps/{lesson.steps[1].id}")
    button = page.locator("button.listen-button:visible")
    button.wait_for()  # the device says it has a Somali voice
    button.click()
    page.wait_for_selector("button.listen-button", state="hidden")  # it could not speak: no dead button
    context.close()


@pytest.mark.parametrize("language", ["so", "ar"])
def test_the_instructor_sees_per_course_what_her_learners_cannot_hear(app, factory, live_server, browser, language):
    uid = factory.staff("deeqa")
    with app.app_context():
        db.session.get(User, uid).locale = language
        db.session.commit()
    wid = factory.workshop(language, name="Kontula", instructor=uid)
    factory.learner(wid, name="Hodan")
    catalogue = app.extensions["askel_catalogue"]
    start = catalogue.course("start")
    start_steps = [s for lesson in start.lessons for s in lesson.steps]
    record(app, language, start_steps[0].spoken().context)
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", **TABLET)
    page.goto(f"{live_server}/teach/groups/{wid}")
    gap = page.locator(".hearing-gap a[href$='#hearing-title']")  # not the counselling line beside it
    if language == "so":  # no common device reads Somali: the class view says how much is silent
        total = sum(len(lesson.steps) for course in catalogue.courses for lesson in course.lessons)
        assert gap.is_visible()
        assert str(total - 1) in gap.inner_text()
        box = gap.bounding_box()
        assert box and box["y"] + box["height"] <= 1280  # in view, above the live part
        gap.click()
        page.wait_for_url(re.compile(rf".*/teach/groups/{wid}/lessons#hearing-title$"))
    else:  # Arabic: the device reads every step aloud
        assert gap.count() == 0
        page.goto(f"{live_server}/teach/groups/{wid}/lessons")
    card = page.locator("section.hearing")
    assert card.is_visible()
    cells = card.locator("tr[data-course=start] td")
    audible = cells.nth(0).inner_text()
    if language == "so":  # only the recorded step can be heard
        assert audible.startswith("1 ") and str(len(start_steps)) in audible
        assert card.locator("tr.has-gap").count() == len(catalogue.courses)
    else:
        assert audible.startswith(f"{len(start_steps)} ")
        assert card.locator("tr.has-gap").count() == 0
    assert cells.nth(1).inner_text().strip() == "1"  # one recording
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    page.screenshot(path=f"{SHOTS}/{language}-hearing.png", full_page=True)
    context.close()


# ---- 17: one definition of time spent ---------------------------------------------------------------

def test_time_spent_is_the_same_on_the_learner_page_and_in_the_month_table(app, factory, live_server, browser):
    uid = factory.staff("deeqa")
    wid = factory.workshop("so", name="Kontula", instructor=uid)
    lid, _code, _ = factory.learner(wid, name="Hodan")
    with app.app_context():
        e = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == lid))
        start = utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
        # four answers 2 min 50 s apart (three gaps, 8.5 minutes), then a break, then one more a minute later
        moments = [start + timedelta(seconds=170 * n) for n in range(4)]
        moments += [moments[-1] + timedelta(hours=1), moments[-1] + timedelta(hours=1, minutes=1)]
        for n, moment in enumerate(moments):
            db.session.add(StepEvent(learner_id=lid, enrollment_id=e.id, course="start", lesson="01-welcome",
                                     step="hello", kind="answer", correct=True, idempotency_key=f"t{n}",
                                     created_at=moment))
        db.session.commit()
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", viewport={"width": 1024, "height": 768})
    page.goto(f"{live_server}/teach/groups/{wid}/learners/{lid}")
    total = page.locator("dl.facts div", has=page.locator("dt", has_text="Time spent")).locator("dd").inner_text()
    months = page.locator("section[aria-labelledby=months-title] tbody tr")
    assert months.count() == 1
    in_month = months.first.locator("td").nth(1).inner_text()
    # 8.5 minutes, a break counted as 5 (MAX_GAP), 1 more: 14.5, counted once (not 2 + 2 + 2 + 5 + 1 = 12)
    assert total == in_month == "14 minutes"
    # a learner who has not answered anything yet: "0 minutes", not a bare 0
    other, _code, _ = factory.learner(wid, name="Amina")
    page.goto(f"{live_server}/teach/groups/{wid}/learners/{other}")
    assert page.locator("dl.facts div", has=page.locator("dt", has_text="Time spent")).locator("dd").inner_text() == "0 minutes"
    context.close()


# ---- 18: no content-security-policy violation during the live updates ------------------------------

WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  [e.violatedDirective, e.blockedURI, e.sample, e.sourceFile, e.lineNumber].join(' ')));
"""


@pytest.mark.parametrize("language", ["so", "ar"])
def test_the_live_class_view_updates_without_a_csp_violation(app, factory, live_server, browser, language):
    from tests.browser.test_teach_live import seed_class

    uid = factory.staff("deeqa")
    with app.app_context():
        db.session.get(User, uid).locale = language
        db.session.commit()
    wid, _lid = seed_class(app, factory, uid, language)
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", **TABLET)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(WATCH_CSP)
    # the view asks every 5 s (htmx's timer): the test moves the page's clock on to the next time it
    # asks, instead of waiting for it
    page.clock.install()
    for url in (f"/teach/groups/{wid}", f"/teach/groups/{wid}?grid=all"):
        page.goto(live_server + url)
        updated = []
        page.on("response", lambda r: updated.append(r.status) if "/teach/groups/" in r.url and
                r.request.headers.get("hx-request") else None)
        # something changes in the room: two more ask for help, one goes on a step
        with app.app_context():
            enrollments = db.session.scalars(db.select(Enrollment).where(Enrollment.workshop_id == wid)
                                             .order_by(Enrollment.id)).all()
            asked = []
            for e in enrollments[1:]:
                db.session.execute(db.delete(HelpRequest).where(HelpRequest.enrollment_id == e.id))
                asked.append(HelpRequest(enrollment_id=e.id, course="start", lesson="01-welcome", step="hello"))
            db.session.add_all(asked)
            p = db.session.scalar(db.select(Progress).where(Progress.enrollment_id == enrollments[0].id))
            p.steps_done = list(p.steps_done or []) + ["x"]
            db.session.commit()
            newest = asked[-1].id
        page.clock.run_for(5_000)
        page.locator(f"#help-{newest}").wait_for(timeout=15_000)  # the live part was swapped in
        page.locator(f"#help-{newest} button").click()  # handled, over htmx
        page.locator(f"#help-{newest}").wait_for(state="detached")
        with page.expect_response(lambda r: "/teach/groups/" in r.url and r.request.headers.get("hx-request")):
            page.clock.run_for(5_000)  # and one more poll
        assert 200 in updated
        violations = page.evaluate("window.__violations")
        assert violations == [], violations
    assert errors == [], errors
    context.close()


# ---- 19: where each learner is, first; every lesson on demand; no sideways scrolling on a tablet ----

@pytest.mark.parametrize("width", [768, 1024])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_class_view_fits_a_tablet_with_every_lesson(app, factory, live_server, browser, width, javascript):
    uid = factory.staff("deeqa")
    with app.app_context():
        db.session.get(User, uid).locale = "so"
        db.session.commit()
    wid = factory.workshop("so", name="Kontula", instructor=uid)
    catalogue = app.extensions["askel_catalogue"]
    lessons = list(catalogue.lessons())
    assert len(lessons) >= 19  # no plan chosen: every lesson is in the grid
    names = ["Hodan", "Amina", "Faadumo Cabdiraxmaan Maxamed", "Sahra"]
    ids = {}
    for name in names:
        ids[name], _code, _ = factory.learner(wid, name=name)
    with app.app_context():
        def progress(name, lesson, status, step=None):
            e = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == ids[name]))
            db.session.add(Progress(enrollment_id=e.id, course=lesson.course, lesson=lesson.id, status=status,
                                    current_step=step, steps_done=[], completed_at=utcnow() if status == Status.DONE else None))
        progress("Hodan", lessons[0], Status.DONE)
        progress("Hodan", lessons[1], Status.IN_PROGRESS, lessons[1].steps[2].id)
        for lesson in lessons:
            progress("Amina", lesson, Status.DONE)
        progress("Faadumo Cabdiraxmaan Maxamed", lessons[12], Status.IN_PROGRESS, lessons[12].steps[1].id)
        db.session.commit()
    context, page = staff_page(browser, live_server, "deeqa", "/teach/", viewport={"width": width, "height": 1280},
                               is_mobile=True, has_touch=True, java_script_enabled=javascript)
    page.goto(f"{live_server}/teach/groups/{wid}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    table = page.locator("table.where-grid")
    assert table.is_visible()
    assert page.evaluate("(() => { const t = document.querySelector('table.where-grid');"
                         " return t.getBoundingClientRect().right <= innerWidth && t.getBoundingClientRect().left >= 0; })()")
    assert page.locator("table.progress-grid").count() == 0  # the full grid only on demand

    def row(name):
        return [c.strip() for c in table.locator("tbody tr", has_text=name).locator("th, td").all_inner_texts()]

    hodan = row("Hodan")
    assert hodan[2] == f"Tallaabada 3 ee {len(lessons[1].steps)}" and hodan[3].startswith("1 ")
    assert row("Amina")[1].startswith("✓")
    assert row("Sahra")[2] == "Lama bilaabin"
    assert row("Faadumo")[2].startswith("Tallaabada 2 ")
    page.screenshot(path=f"{SHOTS}/class-view-{width}-{'js' if javascript else 'nojs'}.png", full_page=True)
    # every lesson, on demand: the grid scrolls inside its own box, the page does not
    page.click("a[href$='grid=all#grid-title']")
    page.wait_for_selector("table.progress-grid")
    assert page.locator("table.progress-grid thead th").count() == len(lessons) + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if javascript:  # the next live update keeps the grid open
        page.wait_for_function("() => document.querySelector('#live').getAttribute('hx-get').endsWith('grid=all')")
    page.click(f"a[href='/teach/groups/{wid}#progress-title']")
    page.wait_for_selector("table.where-grid")
    assert page.locator("table.progress-grid").count() == 0
    context.close()
