"""The live class view: cells, help requests, who looks stuck, 'with help', and its query budget."""
from __future__ import annotations

import re
from datetime import timedelta

from contextlib import contextmanager

import pytest

from tests.conftest import csrf_token, recorded_queries, sign_in
from tests.teach.helpers import ask_help, catalogue, enrollment_of, event, progress
from workshop.curriculum.model import Practice
from workshop.extensions import db
from workshop.models import Enrollment
from workshop.review import state as review_state


def make_class(app, factory, wid: int, size: int) -> None:
    lessons = list(catalogue(app).lessons())
    with app.app_context():
        for n in range(size):
            uid, _code, _ = factory.learner(wid, name=f"Learner {n:02d}")
            e = enrollment_of(uid, wid)
            lesson = lessons[n % len(lessons)]
            progress(e, lesson, done_steps=n % (len(lesson.steps) + 1))
            for _ in range(n % 4):
                event(e, lesson, lesson.steps[0].id, correct=False)
            event(e, lesson, lesson.steps[0].id, kind="task", correct=True, helped=n % 2 == 0)
            if n % 3 == 0:
                ask_help(e, lesson, lesson.steps[0].id)
            db.session.commit()


def count_queries(app, client, url: str, **kwargs) -> int:
    with recorded_queries(app) as statements:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(statements)


def test_query_count_does_not_grow_with_learners(app, factory, teacher):
    client, uid, small = teacher
    large = factory.workshop("so", name="Big group", instructor=uid)
    make_class(app, factory, small, 5)
    make_class(app, factory, large, 50)
    # A process's first page with lesson text loads the reviewed wording and narrations once (two more
    # queries; the migrations leave a version token, so when this test runs first in its process):
    # the budget is the steady state's.
    with app.app_context():
        review_state.current()
    for kwargs in ({}, {"headers": {"HX-Request": "true"}}):
        five = count_queries(app, client, f"/teach/groups/{small}", **kwargs)
        fifty = count_queries(app, client, f"/teach/groups/{large}", **kwargs)
        assert five == fifty, (kwargs, five, fifty)
        assert fifty <= 12


def test_cells_show_not_started_step_n_of_m_and_done(app, factory, teacher):
    client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "01-welcome")
    a, _c, _ = factory.learner(wid, name="Amina")
    b, _c, _ = factory.learner(wid, name="Bilan")
    factory.learner(wid, name="Caaliya")
    with app.app_context():
        progress(enrollment_of(a), lesson, done_steps=2)
        progress(enrollment_of(b), lesson, done_steps=len(lesson.steps))
        db.session.commit()
    html = client.get(f"/teach/groups/{wid}?grid=all").get_data(as_text=True)  # the table of every lesson
    grid = html[html.index('class="grid progress-grid"'):]
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr><th scope="row"><a [^>]+>(\w+)</a></th>(.*?)</tr>', grid, re.S)}
    assert f"Step 3 of {len(lesson.steps)}" in rows["Amina"]
    assert "Done" in rows["Bilan"]
    assert "Not started" in rows["Caaliya"] and "Done" not in rows["Caaliya"]


def test_help_request_from_a_learner_shows_and_is_marked_handled(app, factory, teacher):
    client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "01-welcome")
    _lid, code, _ = factory.learner(wid, name="Hodan", locale="so")
    learner = app.test_client()
    sign_in(learner, code)
    token = csrf_token(learner, f"/learn/start/01-welcome/steps/{lesson.steps[2].id}")
    learner.post("/help", data={"csrf_token": token, "course": "start", "lesson": "01-welcome", "step": lesson.steps[2].id})

    response = client.get(f"/teach/groups/{wid}", headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["Vary"]
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "Hodan" in fragment and "step 3" in fragment
    assert "ago" in fragment
    request_id = re.search(r'/help/(\d+)/handled', fragment).group(1)
    token = csrf_token(client, f"/teach/groups/{wid}")
    done = client.post(f"/teach/groups/{wid}/help/{request_id}/handled", data={"csrf_token": token},
                       headers={"HX-Request": "true"})
    assert done.status_code == 200 and "Nobody is waiting for help." in done.get_data(as_text=True)
    # Without JavaScript: a plain form, then a redirect back to the class view.
    assert client.post(f"/teach/groups/{wid}/help/{request_id}/handled", data={"csrf_token": token}).status_code == 303


def test_three_wrong_answers_on_a_step_look_stuck(app, factory, teacher):
    client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "01-welcome")
    choose = next(s for s in lesson.steps if s.type == "choose")
    a, _c, _ = factory.learner(wid, name="Amina")
    b, _c, _ = factory.learner(wid, name="Bilan")
    with app.app_context():
        for uid, wrong in ((a, 3), (b, 2)):
            e = enrollment_of(uid)
            progress(e, lesson, done_steps=lesson.index(choose.id))
            for _ in range(wrong):
                event(e, lesson, choose.id, correct=False)
        db.session.commit()
    html = client.get(f"/teach/groups/{wid}").get_data(as_text=True)
    stuck = html.split('id="stuck-title"')[1].split("</section>")[0]
    assert "Amina" in stuck and "3 wrong tries" in stuck and "Bilan" not in stuck


def test_five_quiet_minutes_on_a_practice_step_look_stuck(app, factory, teacher, monkeypatch):
    client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "02-steps")
    practice = Practice(id=lesson.steps[1].id, picture="x.svg", alt="", context="c", goal="Reply", task="mail.reply", sim="mail")
    monkeypatch.setattr(lesson, "steps", [lesson.steps[0], practice, *lesson.steps[2:]])
    quiet, _c, _ = factory.learner(wid, name="Amina")
    busy, _c, _ = factory.learner(wid, name="Bilan")
    with app.app_context():
        progress(enrollment_of(quiet), lesson, done_steps=1, ago=timedelta(minutes=7))
        progress(enrollment_of(busy), lesson, done_steps=1, ago=timedelta(minutes=2))
        db.session.commit()
    html = client.get(f"/teach/groups/{wid}").get_data(as_text=True)
    stuck = html.split('id="stuck-title"')[1].split("</section>")[0]
    assert "Amina" in stuck and "no activity since" in stuck and "Bilan" not in stuck


def test_a_task_done_after_asking_for_help_is_recorded_and_shown(app, factory, teacher):
    from workshop.learn import progress as prog

    client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "01-welcome")
    helped, _c, _ = factory.learner(wid, name="Amina")
    alone, _c, _ = factory.learner(wid, name="Bilan")
    step = lesson.steps[2].id
    with app.app_context():
        ask_help(enrollment_of(helped), lesson, step)
        db.session.commit()
        for uid in (helped, alone):
            e = enrollment_of(uid)
            prog.record(e, lesson, step, kind="task", key=prog.new_key(), answer="x.y", correct=False, completes_step=False)
            prog.record(e, lesson, step, kind="task", key=prog.new_key(), answer="x.y", correct=True, completes_step=True)
        from workshop.models import StepEvent

        flags = {(ev.learner_id, ev.correct): ev.helped for ev in db.session.scalars(db.select(StepEvent))}
    assert flags == {(helped, False): False, (helped, True): True, (alone, False): False, (alone, True): False}
    html = client.get(f"/teach/groups/{wid}").get_data(as_text=True)
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr><th scope="row"><a [^>]+>(\w+)</a></th>(.*?)</tr>', html, re.S)}
    assert "with help" in rows["Amina"] and "with help" not in rows["Bilan"]
    page = client.get(f"/teach/groups/{wid}/learners/{helped}").get_data(as_text=True)
    assert "Done after asking for help" in page and ">2<" in page  # two tries
    assert "Done alone" in client.get(f"/teach/groups/{wid}/learners/{alone}").get_data(as_text=True)


def test_class_view_without_javascript_reloads_itself(teacher):
    client, _uid, wid = teacher
    html = client.get(f"/teach/groups/{wid}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in html
    assert 'hx-trigger="every 5s"' in html


def test_her_own_progress_knows_which_lessons_she_did_with_help(app, factory, teacher):
    from workshop.learn import progress as prog

    _client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "01-welcome")
    lid, _c, _ = factory.learner(wid, name="Amina")
    with app.app_context():
        e = enrollment_of(lid)
        event(e, lesson, lesson.steps[2].id, kind="task", correct=True, helped=True)
        db.session.commit()
        assert prog.helped_lessons([e.id]) == {("start", "01-welcome")}
        assert prog.helped_lessons([]) == set()


def make_varied_class(app, factory, wid: int, size: int) -> None:
    """Every kind of cell (not started, step n of m, done, with help) already among 5 learners, so
    a larger class repeats the same labels in more cells."""
    lessons = list(catalogue(app).lessons())[:5]
    with app.app_context():
        for n in range(size):
            uid, _code, _ = factory.learner(wid, name=f"Learner {n:02d}")
            e = enrollment_of(uid, wid)
            for k, lesson in enumerate(lessons[: n % 5]):
                progress(e, lesson, done_steps=len(lesson.steps) if k % 2 else k + 1)
                if k == 1:
                    event(e, lesson, lesson.steps[0].id, kind="task", correct=True, helped=True)
            db.session.commit()


@contextmanager
def translation_lookups():
    """How many times a translation is looked up (every gettext, in Python or a template, and every
    lesson text asks flask_babel for the catalog once)."""
    import flask_babel

    calls = [0]
    module_lookup, domain_lookup = flask_babel.get_translations, flask_babel.Domain.get_translations

    def counted_module():
        calls[0] += 1
        return module_lookup()

    def counted_domain(self):
        calls[0] += 1
        return domain_lookup(self)

    flask_babel.get_translations, flask_babel.Domain.get_translations = counted_module, counted_domain
    try:
        yield calls
    finally:
        flask_babel.get_translations, flask_babel.Domain.get_translations = module_lookup, domain_lookup


@pytest.mark.parametrize("path, kwargs", [("", {}), ("", {"headers": {"HX-Request": "true"}}), ("?grid=all", {}),
                                          ("/progress.csv", {})])
def test_translations_per_request_do_not_grow_with_learners(app, factory, teacher, path, kwargs):
    """The class view (page, live refresh) and its CSV translate each distinct label once per
    request: 50 learners cost the same number of lookups as 5, and the same queries."""
    client, uid, small = teacher
    large = factory.workshop("so", name="Big group", instructor=uid)
    make_varied_class(app, factory, small, 5)
    make_varied_class(app, factory, large, 50)

    def measure(wid: int) -> tuple[int, int]:
        client.get(f"/teach/groups/{wid}{path}", **kwargs)
        with translation_lookups() as calls, recorded_queries(app) as statements:
            response = client.get(f"/teach/groups/{wid}{path}", **kwargs)
        assert response.status_code == 200
        return calls[0], len(statements)

    few, many = measure(small), measure(large)
    assert many == few, (few, many)


def test_live_refresh_answers_304_until_something_changes(app, factory, teacher, monkeypatch):
    """The live part is revalidated every 5 s: while nothing it shows has changed, the answer is an
    empty 304 after one query of aggregates; an answer in the class changes it."""
    from workshop.teach import live
    from workshop.models import utcnow

    still = utcnow()
    monkeypatch.setattr(live, "utcnow", lambda: still)  # the tag holds the minute: keep it from turning
    client, _uid, wid = teacher
    make_varied_class(app, factory, wid, 8)
    htmx = {"HX-Request": "true", "Accept-Encoding": "gzip"}
    first = client.get(f"/teach/groups/{wid}", headers=htmx)
    assert first.status_code == 200 and first.headers["ETag"].endswith(':gzip"')  # compressed, as a browser gets it
    assert "HX-Request" in first.headers["Vary"] and "no-cache" in first.headers["Cache-Control"]
    with recorded_queries(app) as statements:
        again = client.get(f"/teach/groups/{wid}", headers={**htmx, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert len(statements) <= 4, statements  # who is signed in, the group, the aggregates, the wording version
    lesson = catalogue(app).lesson("start", "01-welcome")
    with app.app_context():
        learner = db.session.scalar(db.select(Enrollment).where(Enrollment.workshop_id == wid))
        event(learner, lesson, lesson.steps[0].id, correct=False)
        db.session.commit()
    changed = client.get(f"/teach/groups/{wid}", headers={**htmx, "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    page = client.get(f"/teach/groups/{wid}", headers={"If-None-Match": first.headers["ETag"]})
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)  # the whole page is never a 304
