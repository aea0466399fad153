"""Translation review: side by side, in-place edits that learners see at once, history, revert,
English changes marked, the step page's query budget kept, and the export into the catalogs."""
from __future__ import annotations

import re
import shutil

import pytest
from babel.messages.pofile import read_po

from tests.conftest import csrf_token, recorded_queries
from tests.review.helpers import LESSON, STEP, make_world, said
from workshop.config import ROOT
from workshop.extensions import db
from workshop.review import state
from workshop.review.models import Wording, WordingChange

BASE = f"/review/ar/{LESSON[0]}/{LESSON[1]}"
STEP_URL = f"/learn/{LESSON[0]}/{LESSON[1]}/steps/{STEP}"
NEW_TEXT = "أهلاً بكِ في أسكِل.\n\nنصّ جديد راجعته المدرّبة."


@pytest.fixture
def world(app, factory):
    return make_world(app, factory)


def english_of(app, context: str) -> str:
    return {c: en for c, en, _n in app.extensions["askel_catalogue"].texts()}[context]


def edit(client, text: str, key: str = f"{STEP}/text", **headers):
    return client.post(f"{BASE}/edit/{key}", data={"csrf_token": csrf_token(client), "text": text}, headers=headers)


def test_lesson_page_shows_english_beside_the_translation_and_glossary(app, world):
    rasha = world["clients"]["other_instructor"]  # Arabic instructor
    html = rasha.get(f"{BASE}/").get_data(as_text=True)
    english = english_of(app, f"{LESSON[0]}/{LESSON[1]}/{STEP}/text")
    assert english.split("\n")[0].replace("'", "&#39;") in html
    assert 'lang="ar" dir="rtl"' in html
    assert f'id="t-{STEP}--text"' in html
    lesson = app.extensions["askel_catalogue"].lesson(*LESSON)
    step_with_terms = next((s for s in lesson.steps if getattr(s, "terms", [])), None)
    if step_with_terms:
        term = app.extensions["askel_catalogue"].glossary.terms[step_with_terms.terms[0]]
        assert term.fi in html


def test_an_edit_applies_at_once_and_is_kept_with_who_and_when(app, world):
    rasha = world["clients"]["other_instructor"]
    learner = world["arabic_learner"]
    assert NEW_TEXT.split("\n")[0] not in learner.get(STEP_URL).get_data(as_text=True)
    response = edit(rasha, NEW_TEXT)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#t-{STEP}--text")
    page = learner.get(STEP_URL).get_data(as_text=True)
    assert "نصّ جديد راجعته المدرّبة." in page
    with app.app_context():
        change = db.session.scalar(db.select(WordingChange))
        assert (change.username, change.action, change.old_text, change.new_text) == ("rasha", "edit", None, NEW_TEXT)
        assert change.created_at is not None
    # the Somali learner's page is unchanged
    assert "نصّ جديد" not in world["clients"]["learner"].get(STEP_URL).get_data(as_text=True)


def test_another_process_sees_an_edit_within_its_refresh_window(app, world, monkeypatch):
    """A second gunicorn worker keeps its own copy, checked at most every REVIEW_REFRESH_SECONDS
    (2 s in production): it shows the old text inside that window and the new one after it. The
    other worker is this app with its copy swapped in, and a clock the test moves."""
    learner = world["arabic_learner"]
    clock = [1000.0]
    monkeypatch.setattr(state.time, "monotonic", lambda: clock[0])
    monkeypatch.setitem(app.config, "REVIEW_REFRESH_SECONDS", 2.0)
    learner.get(STEP_URL)  # the other worker is warm: it read the version at t = 1000 s
    other_worker = dict(app.extensions["askel_review"])
    edit(world["clients"]["other_instructor"], NEW_TEXT)  # made by this worker, which sees it at once
    assert "نصّ جديد" in learner.get(STEP_URL).get_data(as_text=True)

    app.extensions["askel_review"] = other_worker  # now answer as the other worker
    app.extensions.pop("askel_players", None)  # its rendered pages are its own too
    clock[0] = 1001.5
    assert "نصّ جديد" not in learner.get(STEP_URL).get_data(as_text=True)  # within 2 s: not yet
    clock[0] = 1002.0
    assert "نصّ جديد" in learner.get(STEP_URL).get_data(as_text=True)  # at 2 s it looks, and shows it


def test_htmx_edit_swaps_the_row_in_place(app, world):
    rasha = world["clients"]["other_instructor"]
    form = rasha.get(f"{BASE}/edit/{STEP}/text", headers={"HX-Request": "true"})
    assert "HX-Request" in form.headers["Vary"]
    body = form.get_data(as_text=True)
    assert "<html" not in body and "<textarea" in body and f'hx-post="{BASE}/edit/{STEP}/text"' in body
    row = edit(rasha, "نص", **{"HX-Request": "true"})
    assert row.status_code == 200
    html = row.get_data(as_text=True)
    assert html.lstrip().startswith(f'<div class="text-row') and "نص" in html and said(app, "ar", "Revert") in html


def test_empty_and_script_text(app, world):
    rasha = world["clients"]["other_instructor"]
    response = edit(rasha, "   ")
    assert response.status_code == 422 and said(app, "ar", "Write the text in this language, or press Cancel.") in response.get_data(as_text=True)
    assert edit(rasha, '<script>alert("x")</script>').status_code == 303
    page = world["arabic_learner"].get(STEP_URL).get_data(as_text=True)
    page = page.replace("\u2066", "").replace("\u2069", "")  # Arabic isolates its Latin runs (formats.isolate_ltr_runs)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_revert_goes_back_one_edit_at_a_time(app, world):
    rasha, liisa = world["clients"]["other_instructor"], world["clients"]["coordinator"]
    learner = world["arabic_learner"]
    catalog_text = learner.get(STEP_URL).get_data(as_text=True)
    edit(rasha, "الأول")
    edit(rasha, "الثاني")
    assert "الثاني" in learner.get(STEP_URL).get_data(as_text=True)
    revert = lambda client: client.post(f"{BASE}/revert/{STEP}/text", data={"csrf_token": csrf_token(client)})  # noqa: E731
    assert revert(liisa).status_code == 303  # the coordinator reverts anyone's
    assert "الأول" in learner.get(STEP_URL).get_data(as_text=True)
    assert revert(rasha).status_code == 303
    page = learner.get(STEP_URL).get_data(as_text=True)
    assert "الأول" not in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Wording.id))) == 0
        actions = db.session.scalars(db.select(WordingChange.action).order_by(WordingChange.id)).all()
        assert actions == ["edit", "edit", "revert", "revert"]  # history is append-only
    history = rasha.get(f"{BASE}/").get_data(as_text=True)
    assert "liisa" in history and said(app, "ar", "reverted") in history
    assert catalog_text.count("<p>") == page.count("<p>")


def test_a_changed_english_source_is_marked_and_not_shown(app, world):
    rasha = world["clients"]["other_instructor"]
    edit(rasha, "ترجمة قديمة")
    with app.app_context():
        wording = db.session.scalar(db.select(Wording))
        wording.source_hash = state.source_hash("The English as it was before")
        state.bump()
        db.session.commit()
    page = rasha.get(f"{BASE}/").get_data(as_text=True)
    row = page.split(f'id="t-{STEP}--text"')[1].split('class="text-row')[0]
    assert said(app, "ar", "English changed: review again") in row
    assert "ترجمة قديمة" not in world["arabic_learner"].get(STEP_URL).get_data(as_text=True)
    edit(rasha, "ترجمة جديدة")  # saving again reviews it against today's English
    assert said(app, "ar", "English changed: review again") not in rasha.get(f"{BASE}/").get_data(as_text=True).split(f'id="t-{STEP}--text"')[1].split('class="text-row')[0]
    assert "ترجمة جديدة" in world["arabic_learner"].get(STEP_URL).get_data(as_text=True)


def test_step_page_stays_within_its_query_budget_with_reviewed_wording(app, world):
    edit(world["clients"]["other_instructor"], NEW_TEXT)
    learner = world["arabic_learner"]
    learner.get(STEP_URL)
    with recorded_queries(app) as statements:
        learner.get(STEP_URL)
        learner.get(STEP_URL, headers={"HX-Request": "true"})
    assert len(statements) <= 4, statements  # as without reviewed wording: who is signed in, the version
    assert sum("review_version" in s for s in statements) == 2  # one cheap check per request (tests: no 2 s grace)


def test_export_writes_reviewed_text_into_a_copy_of_the_catalogs(app, world, tmp_path):
    edit(world["clients"]["other_instructor"], NEW_TEXT)
    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy)
    before = (ROOT / "translations" / "ar" / "LC_MESSAGES" / "lessons.po").read_bytes()
    result = app.test_cli_runner().invoke(args=["review", "export", "--translations", str(copy)])
    assert result.exit_code == 0, result.output
    assert "ar: 1 reviewed texts written" in result.output
    with (copy / "ar" / "LC_MESSAGES" / "lessons.po").open("rb") as fh:
        catalog = read_po(fh, locale="ar")
    context = f"{LESSON[0]}/{LESSON[1]}/{STEP}/text"
    message = catalog.get(english_of(app, context), context=context)
    assert message.string == NEW_TEXT
    assert any(re.fullmatch(r"reviewed in Askel by rasha on \d{4}-\d{2}-\d{2}", c) for c in message.user_comments)
    assert "fuzzy" not in message.flags
    # the real catalogs are untouched
    assert (ROOT / "translations" / "ar" / "LC_MESSAGES" / "lessons.po").read_bytes() == before
    # a second export replaces the mark rather than adding another
    app.test_cli_runner().invoke(args=["review", "export", "--translations", str(copy)])
    with (copy / "ar" / "LC_MESSAGES" / "lessons.po").open("rb") as fh:
        again = read_po(fh, locale="ar").get(english_of(app, context), context=context)
    assert sum(c.startswith("reviewed in Askel") for c in again.user_comments) == 1
