"""The same form sent twice at the same moment (two tabs, a double tap), 50 times: the second
answers as the first did, nothing is stored twice, never a 5xx. Also the first visit to each
practice service from two tabs at once: one sandbox, seeded once. SQLite, and PostgreSQL in CI."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.conftest import csrf_token
from tests.reliability.test_races import ROUNDS, _tabs, together
from workshop.extensions import db
from workshop.models import HelpRequest
from workshop.sims import discover
from workshop.sims.wilma import rules
from workshop.sims.wilma.models import WilmaFormAnswer, WilmaMark

W = "/practice/wilma"
SIMS = sorted(discover())  # every registered practice service (workshop/sims/contract.py), none named here


def _twice(a, b, url, data):
    first, second = {**data, "csrf_token": csrf_token(a)}, {**data, "csrf_token": csrf_token(b)}
    answers = together(lambda: a.post(url, data=first), lambda: b.post(url, data=second))
    return [getattr(r, "status_code", repr(r)) for r in answers], answers


def _run(app, rounds, clear, send, count):
    failures = []
    for round_ in range(rounds):
        clear()
        statuses, answers = send()
        stored = count()
        if any(not isinstance(s, int) or s >= 400 for s in statuses) or stored != 1:
            failures.append((round_, statuses, stored))
    assert failures == [], f"{len(failures)} of {rounds} rounds: {failures[:3]}"


def test_a_wilma_form_sent_twice_at_once(app, factory):
    uid, (a, b) = _tabs(app, factory)
    a.get(W + "/")  # her sandbox exists

    def clear():
        with app.app_context():
            db.session.execute(db.delete(WilmaFormAnswer).where(WilmaFormAnswer.learner_id == uid))
            db.session.commit()

    def count():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(WilmaFormAnswer)
                                     .where(WilmaFormAnswer.learner_id == uid))

    _run(app, ROUNDS, clear, lambda: _twice(a, b, W + "/forms/trip-permission", {"permission": "yes"}), count)


def test_an_absence_notice_sent_twice_at_once(app, factory, monkeypatch):
    monkeypatch.setattr(rules, "now", lambda: datetime(2026, 3, 10, 9, 0, tzinfo=rules.HELSINKI))
    uid, (a, b) = _tabs(app, factory)
    a.get(W + "/")

    def clear():
        with app.app_context():
            db.session.execute(db.delete(WilmaMark).where(WilmaMark.learner_id == uid, WilmaMark.kind == "notice"))
            db.session.commit()

    def count():  # today's notice, sent from two tabs at once: one entry
        with app.app_context():
            return len(db.session.scalars(db.select(WilmaMark.day).where(
                WilmaMark.learner_id == uid, WilmaMark.kind == "notice")).all())

    data = {"child": "yusuf", "reason": "illness"}
    _run(app, ROUNDS, clear, lambda: _twice(a, b, W + "/marks/notify", data), count)


def test_two_quick_help_presses_open_one_request(app, factory):
    uid, (a, b) = _tabs(app, factory)
    data = {"course": "start", "lesson": "01-welcome", "step": "welcome", "back": "/home"}

    def clear():
        with app.app_context():
            db.session.execute(db.delete(HelpRequest))
            db.session.commit()

    def count():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(HelpRequest)
                                     .where(HelpRequest.handled_at.is_(None)))

    _run(app, ROUNDS, clear, lambda: _twice(a, b, "/help", data), count)


@pytest.mark.parametrize("sim", SIMS)
def test_the_first_visit_to_a_practice_service_from_two_tabs(app, factory, sim):
    uid, (a, b) = _tabs(app, factory)
    service = app.extensions["askel_sims"][sim]
    failures = []
    for round_ in range(ROUNDS // 2):
        with app.app_context():
            from workshop.models import User

            if sim == "mail":  # its reset seeds again at once: empty it as a new learner's
                from workshop.sims.mail.models import MailAttachment, MailBox, MailMessage

                for model in (MailAttachment, MailMessage, MailBox):
                    db.session.execute(db.delete(model).where(model.learner_id == uid))
            else:
                service.reset(db.session.get(User, uid))
            db.session.commit()
        answers = together(lambda: a.get(f"/practice/{sim}/"), lambda: b.get(f"/practice/{sim}/"))
        statuses = [getattr(r, "status_code", repr(r)) for r in answers]
        if any(not isinstance(s, int) or s >= 400 for s in statuses):
            failures.append((round_, statuses))
    assert failures == [], f"{len(failures)} of {ROUNDS // 2} rounds: {failures[:3]}"


ONCE_RE = re.compile(r'name="once" value="([^"]+)"')


def _created(app, uid, what: str) -> int:
    from workshop.sims.mail.models import MailMessage
    from workshop.sims.wilma.models import WilmaApplication, WilmaMessage, WilmaThread

    query = {
        "mail": db.select(db.func.count()).select_from(MailMessage).where(
            MailMessage.learner_id == uid, MailMessage.folder == "sent"),
        "new message": db.select(db.func.count()).select_from(WilmaThread).where(
            WilmaThread.learner_id == uid, WilmaThread.subject == "Kysymys"),
        "reply": db.select(db.func.count()).select_from(WilmaMessage).where(
            WilmaMessage.learner_id == uid, WilmaMessage.body == "Kiitos vastauksesta"),
        "leave request": db.select(db.func.count()).select_from(WilmaApplication).where(
            WilmaApplication.learner_id == uid),
    }[what]
    with app.app_context():
        return db.session.scalar(query)


@pytest.mark.parametrize("what", ["mail", "new message", "reply", "leave request"])
def test_a_form_that_creates_something_sent_twice_at_once_creates_it_once(app, factory, what):
    """The same form (the same key drawn with it) sent from two tabs at once: one message, one
    request; both answers lead to the same place."""
    uid, (a, b) = _tabs(app, factory)
    a.get("/practice/mail/")
    a.get(W + "/")
    start = rules.now().date().replace(year=rules.now().year + 1).isoformat()
    page, url, data = {
        "mail": ("/practice/mail/compose", "/practice/mail/compose",
                 {"to": "opettaja@koulu.example", "subject": "Hei", "body": "Kiitos", "action": "send"}),
        "new message": (W + "/messages/new", W + "/messages/new",
                        {"child": "maryam", "person": "laine", "subject": "Kysymys", "body": "Hei"}),
        "reply": (None, None, {"body": "Kiitos vastauksesta"}),
        "leave request": (W + "/applications/new", W + "/applications/new",
                          {"child": "yusuf", "starts_on": start, "ends_on": start, "reason": "Perhematka"}),
    }[what]
    if what == "reply":
        from workshop.sims.wilma.models import WilmaThread

        with app.app_context():
            thread_id = db.session.scalar(db.select(WilmaThread.id).where(WilmaThread.learner_id == uid).limit(1))
        page = url = f"{W}/messages/{thread_id}"
        url += "/reply"
    failures = []
    rounds = ROUNDS // 2
    for round_ in range(rounds):
        before = _created(app, uid, what)
        key = ONCE_RE.search(a.get(page).get_data(as_text=True)).group(1)
        statuses, answers = _twice(a, b, url, {**data, "once": key})
        places = {getattr(r, "location", None) for r in answers}
        made = _created(app, uid, what) - before
        if statuses != [303, 303] or made != 1 or len(places) != 1:
            failures.append((round_, statuses, made, places))
    assert failures == [], f"{len(failures)} of {rounds} rounds: {failures[:3]}"


def _staff_tabs(app, factory, role):
    from tests.conftest import csrf_token
    from workshop.models import Role

    uid = factory.staff(role, role=Role.INSTRUCTOR if role == "instructor" else Role.COORDINATOR, password="pw-twice")
    tabs = []
    for _ in range(2):
        tab = app.test_client()
        token = csrf_token(tab, "/staff/sign-in")
        assert tab.post("/staff/sign-in", data={"username": role, "password": "pw-twice", "csrf_token": token}).status_code == 303
        tabs.append(tab)
    return uid, tabs


@pytest.mark.parametrize("what", ["group", "learner", "note", "instructor", "counselling session", "topic"])
def test_a_staff_form_that_creates_something_sent_twice_at_once_creates_it_once(app, factory, what):
    from workshop.counsel import rules as counsel
    from workshop.counsel.models import CounselSession, Topic
    from workshop.models import InstructorNote, User, Workshop

    role = "coordinator" if what in ("instructor", "topic") else "instructor"
    uid, (a, b) = _staff_tabs(app, factory, role)
    workshop = factory.workshop("so", instructor=uid)
    learner_id, _code, _token = factory.learner(workshop, name="Hodan")
    with app.app_context():
        counsel.give_consent(learner_id, uid)
        db.session.commit()
        counsel.topics()  # the seeded topics are there before the first count
    failures = []
    rounds = ROUNDS // 5
    for round_ in range(rounds):
        page, url, data, count = {
            "group": ("/teach/groups/new", "/teach/groups/new",
                      {"name": f"Group {round_}", "language": "so", "location": "Itäkeskus", "weekday": "1",
                       "start_time": "17:00", "starts_on": "2026-01-05", "ends_on": "2026-05-05"},
                      db.select(db.func.count()).select_from(Workshop)),
            "learner": (f"/teach/groups/{workshop}/learners", f"/teach/groups/{workshop}/learners",
                        {"name": f"Sahra {round_}"}, db.select(db.func.count()).select_from(User)),
            "note": (f"/teach/groups/{workshop}/learners/{learner_id}",
                     f"/teach/groups/{workshop}/learners/{learner_id}/notes",
                     {"text": f"Note {round_}"}, db.select(db.func.count()).select_from(InstructorNote)),
            "instructor": ("/admin/instructors", "/admin/instructors",
                           {"username": f"new{round_}", "display_name": "New", "language": "so"},
                           db.select(db.func.count()).select_from(User)),
            "counselling session": (f"/teach/groups/{workshop}/learners/{learner_id}/sessions/new",
                                    f"/teach/groups/{workshop}/learners/{learner_id}/sessions/new",
                                    {"held_on": "2026-01-05", "kind": "light", "note": f"Talk {round_}"},
                                    db.select(db.func.count()).select_from(CounselSession)),
            "topic": ("/admin/counselling/topics", "/admin/counselling/topics", {"label_fi": f"Aihe {round_}"},
                      db.select(db.func.count()).select_from(Topic)),
        }[what]
        with app.app_context():
            before = db.session.scalar(count)
        html = a.get(page).get_data(as_text=True)
        key = ONCE_RE.search(html).group(1)
        statuses, _answers = _twice(a, b, url, {**data, "once": key})
        with app.app_context():
            made = db.session.scalar(count) - before
        # the second may also be told "already in this group" (422) if it looked after the first committed
        if any(not isinstance(s, int) or s >= 500 for s in statuses) or min(statuses) >= 400 or made != 1:
            failures.append((round_, statuses, made))
    assert failures == [], f"{len(failures)} of {rounds} rounds: {failures[:3]}"


@pytest.mark.parametrize("what", ["consent", "plan"])
def test_what_exists_once_recorded_from_two_tablets_at_once_exists_once(app, factory, what):
    """Her consent (one in force) and her plan (one per enrolment): two tablets at the same moment make
    one, and neither gets a 5xx."""
    from workshop.counsel import rules as counsel
    from workshop.counsel.models import Consent, Plan

    uid, (a, b) = _staff_tabs(app, factory, "instructor")
    workshop = factory.workshop("so", instructor=uid)
    failures = []
    for round_ in range(ROUNDS // 5):
        learner_id, _code, _token = factory.learner(workshop, name=f"Hodan {round_}")
        base = f"/teach/groups/{workshop}/learners/{learner_id}"
        if what == "consent":
            url, data, model = f"{base}/consent", {"agreed": "y"}, Consent
        else:
            with app.app_context():
                counsel.give_consent(learner_id, uid)
                db.session.commit()
            url, model = f"{base}/plan", Plan
            data = {"goal": "Haluan töihin.", "direction": "work", "next_step": "CV", "check_on": "2026-06-01"}
        statuses, _answers = _twice(a, b, url, data)
        with app.app_context():
            stored = db.session.scalar(db.select(db.func.count()).select_from(model))
        if any(not isinstance(s, int) or s >= 400 for s in statuses) or stored != round_ + 1:
            failures.append((round_, statuses, stored))
    assert failures == [], f"{len(failures)} of {ROUNDS // 5} rounds: {failures[:3]}"


# ---- every form of every registered service -------------------------------------------------------
# The services come from the registry and their forms from their own pages, so a new service is
# covered without being named here. A learner explores each service the way a careful learner
# would: she types the practice values a page shows her (the phone number, the PIN), a plain answer
# elsewhere, chooses the first real option, attaches a photo where there is a file input, and presses
# the form's first button. Two learners walk the same path: at each form, one sends it once and the
# other sends it twice at the same moment (two tabs, a double tap, with the same page's key); what
# each stored in her sandbox (rows of every table of the service, photos) must have grown alike.

SHOWN_RE = re.compile(r'class="[^"]*practice-codes?[^"]*"[^>]*>[^<]*<bdi[^>]*>([^<]+)</bdi>')
SELECT_RE = re.compile(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION_RE = re.compile(r'<option[^>]*\bvalue="([^"]+)"')
FILE_RE = re.compile(r'<input[^>]*\btype="file"[^>]*\bname="([^"]+)"|<input[^>]*\bname="([^"]+)"[^>]*\btype="file"')
PLAIN = {"text": "Hei", "textarea": "Hei, tässä tieto.", "search": "Hei", "email": "opettaja@koulu.example",
         "number": "100", "tel": "040 123 4567", "url": "https://kela.fi", "password": "1234"}


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 180, 120)).save(out, "JPEG")
    return out.getvalue()


def _answers(form, html: str) -> tuple[dict, list[str]]:
    """What she sends in `form` (shown on `html`), and the names of its file inputs."""
    from datetime import timedelta

    from workshop import clock

    shown = [value.strip() for value in SHOWN_RE.findall(html)]
    selects = {name: (OPTION_RE.findall(body) or [""])[0] for name, body in SELECT_RE.findall(html)}
    data: dict[str, str] = {}
    for kind, name, default in form.fields:
        if name in data or name == "csrf_token":
            continue
        if kind == "select":
            data[name] = selects.get(name, default)
        elif kind == "date":
            data[name] = default or (clock.today() + timedelta(days=14)).isoformat()
        elif kind in PLAIN and not default:
            data[name] = shown.pop(0) if shown else PLAIN[kind]
        else:
            data[name] = default
    if form.buttons:
        data.setdefault(*form.buttons[0])
    return data, [a or b for a, b in FILE_RE.findall(html)]


def _sandbox(app, sim, uid) -> dict[str, int]:
    with app.app_context():
        counts = {model.__tablename__: db.session.scalar(
            db.select(db.func.count()).select_from(model).where(model.learner_id == uid)) for model in sim.tables}
        counts["photos"] = len(sim.photos(uid))
    return counts


def _service_forms(app, client, sim, starts=()) -> tuple[dict, dict]:
    """Her service's own forms (their action is one of its views), by a key that leaves out ids, and
    on how many of its pages each is."""
    from urllib.parse import urlsplit

    from tests.security.crawl import _Parser

    pages, forms = _crawl(client, f"/practice/{sim.name}/", starts)
    adapter = app.url_map.bind("localhost")

    def own(action: str) -> bool:
        try:
            endpoint, _args = adapter.match(urlsplit(action).path, method="POST")
        except Exception:  # noqa: BLE001  (not a route of this app, or not a POST one)
            return False
        return endpoint.startswith(sim.blueprint.name + ".")

    def key(form) -> tuple:
        return (re.sub(r"\d+", "N", urlsplit(form.action).path), tuple(sorted({n for _k, n, _v in form.fields})))

    found, seen_on = {}, {}
    for form in forms:  # a form on every page (signing out of the service) is sent last
        if own(form.action):
            found.setdefault(key(form), form)
            seen_on[key(form)] = seen_on.get(key(form), 0) + 1
    return found, seen_on


def _crawl(client, prefix: str, starts=(), limit: int = 40):
    """The pages under `prefix` she reaches by links from its home (and from `starts`, where her last
    answers led), and every form on each (a form on many pages is listed as often)."""
    from collections import deque
    from urllib.parse import urlsplit

    from tests.security.crawl import _Parser

    seen, pages, forms, queue = set(), [], [], deque([*starts, prefix])
    while queue and len(pages) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow_redirects=True)  # a page that asks her to identify first
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        query = response.request.query_string.decode()
        path = response.request.path + (f"?{query}" if query else "")
        if path in pages:
            continue
        seen.add(path)
        pages.append(path)
        parser = _Parser("http://localhost" + path)
        parser.feed(response.get_data(as_text=True))
        forms += parser.forms
        for link in parser.links:
            parts = urlsplit(link)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc in ("", "localhost") and parts.path.startswith(prefix) and target not in seen:
                queue.append(target)
    return pages, forms


def _send(client, form, data: dict, files: list[str], token: str):
    from io import BytesIO
    from urllib.parse import urlsplit

    body = {**data, "csrf_token": token, **{name: (BytesIO(_jpeg()), "document.jpg") for name in files}}
    return client.post(urlsplit(form.action).path, data=body, content_type="multipart/form-data")


@pytest.mark.parametrize("name", SIMS)
def test_every_form_of_every_service_sent_twice_at_once_stores_what_once_does(app, factory, name):
    from urllib.parse import urlsplit

    sim = app.extensions["askel_sims"][name]
    once_uid, (single,) = _tabs(app, factory, 1)
    twice_uid, (a, b) = _tabs(app, factory, 2)
    done: set = set()
    failures, changed, led = [], 0, ([], [])
    for _round in range(4):  # what a form opens (OmaKela after identifying) is explored next round
        mine, theirs = _service_forms(app, single, sim, led[0]), _service_forms(app, a, sim, led[1])
        led = ([], [])
        new = sorted((k for k in mine[0] if k not in done and k in theirs[0]), key=lambda k: (mine[1][k], k))
        if not new:
            break
        for key in new:
            done.add(key)
            form_once, form_twice = mine[0][key], theirs[0][key]
            html_once = single.get(form_once.page).get_data(as_text=True)
            html_twice = a.get(form_twice.page).get_data(as_text=True)
            data_once, files = _answers(form_once, html_once)
            data_twice, _files = _answers(_reparsed(form_twice, html_twice), html_twice)
            before_once, before_twice = _sandbox(app, sim, once_uid), _sandbox(app, sim, twice_uid)
            answer = _send(single, form_once, data_once, files, csrf_token(single))
            tokens = csrf_token(a), csrf_token(b)
            answers = together(lambda: _send(a, form_twice, data_twice, files, tokens[0]),
                               lambda: _send(b, form_twice, data_twice, files, tokens[1]))
            grew_once = {t: n - before_once[t] for t, n in _sandbox(app, sim, once_uid).items()}
            grew_twice = {t: n - before_twice[t] for t, n in _sandbox(app, sim, twice_uid).items()}
            statuses = [getattr(r, "status_code", repr(r)) for r in (answer, *answers)]
            for where, response in zip(led, (answer, answers[0])):
                location = urlsplit(getattr(response, "location", None) or "")
                if location.path.startswith(f"/practice/{name}/"):
                    where.append(location.path + (f"?{location.query}" if location.query else ""))
            changed += any(grew_once.values())
            if any(not isinstance(s, int) or s >= 500 for s in statuses) or grew_twice != grew_once:
                failures.append((key[0], statuses, {t: (grew_once[t], grew_twice[t]) for t in grew_once
                                                    if grew_once[t] != grew_twice[t]}))
    assert failures == [], f"{name}: sent twice at once stored more (table: once, twice): {failures[:4]}"
    assert done, f"{name}: no form of its own found on its pages"
    assert changed, f"{name}: none of its {len(done)} forms stored anything: the test sent nothing real"


def _reparsed(form, html: str):
    """The form as her other tab's page shows it now (its own key drawn with the page)."""
    from tests.security.crawl import _Parser

    parser = _Parser(form.page if form.page.startswith("http") else "http://localhost" + form.page)
    parser.feed(html)
    return next((f for f in parser.forms if f.action.endswith(form.action.rpartition("localhost")[2])), form)
