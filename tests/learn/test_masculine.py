"""Fathers too: a learner (or her instructor) chooses how the texts address her or him; in Arabic a
father reads every learner-facing text (interface, lessons, feedback, practice) addressed to a man."""
from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po

from tests.conftest import csrf_token, sign_in, staff_client
from workshop import i18n_tools
from workshop.extensions import db
from workshop.models import User

STEP = "/learn/start/01-welcome/steps/welcome"


def norm(text: str) -> str:
    """Text as read: without the Unicode isolates that keep Finnish runs left to right in Arabic
    (workshop.formats), no-break spaces as spaces, runs of white space as one."""
    return " ".join(re.sub("[\u2066-\u2069]", "", text).replace("\u00a0", " ").split())


def overlay_pairs():
    """(feminine, masculine) for every entry of both Arabic overlays, paragraph by paragraph."""
    pairs = []
    for domain in ("messages", "lessons"):
        with i18n_tools.po_path("ar", domain).open("rb") as fh:
            default = {(m.context, m.id): m.string for m in read_po(fh) if m.id}
        with i18n_tools.overlay_path("ar", domain).open("rb") as fh:
            for m in read_po(fh):
                if not m.id or isinstance(m.id, tuple) or "%(" in m.id:
                    continue
                for f, mm in zip(default[(m.context, m.id)].split("\n\n"), m.string.split("\n\n")):
                    if f.strip() != mm.strip():
                        pairs.append((norm(f), norm(mm)))
    return pairs


def page_text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return norm(html.unescape(response.get_data(as_text=True)))


def assert_reads(text: str, pairs, masculine: bool, at_least: int = 1) -> int:
    seen = 0
    for feminine, male in pairs:
        if feminine in text or male in text:
            if masculine:
                assert male in text, f"a father reads a text written to a woman: {feminine}"
            else:
                assert feminine in text, f"a mother reads a text written to a man: {male}"
            seen += 1
    assert seen >= at_least
    return seen


@pytest.fixture
def parents(app, factory):
    """An Arabic group with a mother and a father (signed in), and their instructor."""
    rasha = factory.staff("rasha")
    workshop = factory.workshop("ar", instructor=rasha)
    mother_id, mother_code, _ = factory.learner(workshop, name="Amal")
    father_id, father_code, _ = factory.learner(workshop, name="Omar")
    mother, father = app.test_client(), app.test_client()
    assert sign_in(mother, mother_code).status_code == 303
    assert sign_in(father, father_code).status_code == 303
    return {"workshop": workshop, "mother": mother, "father": father, "father_id": father_id,
            "mother_id": mother_id, "father_code": father_code}


def choose(client, value: str, path="/my-progress"):
    token = csrf_token(client, path)
    return client.post("/my-progress/address", data={"address": value, "csrf_token": token, "next": path})


def test_a_father_chooses_on_his_page_and_reads_lessons_and_interface_addressed_to_a_man(app, parents):
    pairs = overlay_pairs()
    mother, father = parents["mother"], parents["father"]
    # the mother renders the step first: the cached player must not serve her text to him
    assert_reads(page_text(mother, STEP), pairs, masculine=False)
    assert 'value="feminine" checked' in page_text(father, "/my-progress")
    response = choose(father, "masculine")
    assert response.status_code == 303 and response.headers["Location"] == "/my-progress"
    with app.app_context():
        assert db.session.get(User, parents["father_id"]).address == "masculine"
    assert 'value="masculine" checked' in page_text(father, "/my-progress")
    for path in (STEP, "/home", "/my-progress", "/practice/bank/"):
        assert_reads(page_text(father, path), pairs, masculine=True)
        assert_reads(page_text(mother, path), pairs, masculine=False)
    # the htmx fragment of the next step too (cached per locale and overlay)
    fragment = father.get(STEP, headers={"HX-Request": "true"})
    assert_reads(norm(html.unescape(fragment.get_data(as_text=True))), pairs, masculine=True)
    # and back
    choose(father, "feminine")
    assert_reads(page_text(father, STEP), pairs, masculine=False)


def test_feedback_on_a_wrong_answer_speaks_to_him(app, parents):
    pairs = overlay_pairs()
    father = parents["father"]
    choose(father, "masculine")
    path = "/learn/start/01-welcome/steps/quiz-what"
    token = csrf_token(father, path)
    page = page_text(father, path)
    options = re.findall(r'name="answer" value="([^"]+)"', page)
    assert options
    seen = 0
    for option in options:
        response = father.post(path, data={"answer": option, "csrf_token": token, "key": f"k-{option}"})
        text = norm(html.unescape(response.get_data(as_text=True)))
        seen += assert_reads(text, pairs, masculine=True, at_least=0)
    assert seen


def test_the_instructor_chooses_on_the_learners_page(app, parents):
    pairs = overlay_pairs()
    rasha = staff_client(app, "rasha")
    page = f"/teach/groups/{parents['workshop']}/learners/{parents['father_id']}"
    html_page = page_text(rasha, page)
    assert 'name="address" value="masculine"' in html_page
    token = csrf_token(rasha, page)
    response = rasha.post(page + "/address", data={"address": "masculine", "csrf_token": token})
    assert response.status_code == 303
    assert_reads(page_text(parents["father"], STEP), pairs, masculine=True)
    # a phone signed in afterwards reads it too: the choice is on his account, not on a device
    phone = app.test_client()
    assert sign_in(phone, parents["father_code"]).status_code == 303
    assert_reads(page_text(phone, STEP), pairs, masculine=True)
    # the instructor's own pages stay as they were
    assert 'value="masculine" checked' in page_text(rasha, page)


@pytest.mark.parametrize("value", ["", "male", "masculine'"])
def test_an_unknown_choice_changes_nothing(app, parents, value):
    response = choose(parents["father"], value)
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, parents["father_id"]).address is None
    assert "يُرجى اختيار واحد من الاثنين." in page_text(parents["father"], "/my-progress")


def test_without_csrf_the_choice_is_refused(app, parents):
    response = parents["father"].post("/my-progress/address", data={"address": "masculine"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, parents["father_id"]).address is None


def test_a_fathers_sign_in_card_speaks_to_him(app, parents):
    from workshop.teach.history import make_cards

    with app.app_context():
        father = db.session.get(User, parents["father_id"])
        mother = db.session.get(User, parents["mother_id"])
        father.address = "masculine"
        workshop = father.enrollments[0].workshop
        with app.test_request_context():
            cards = make_cards(workshop, [(mother, "AAAAAAAA", "t1"), (father, "CCCCCCCC", "t2")])
    assert "واكتبي رمزكِ" in cards[0].lines[1] and "واكتب رمزكَ" in cards[1].lines[1]


def test_reviewed_wording_written_to_a_woman_is_not_shown_to_a_father(app, parents, monkeypatch):
    from workshop import i18n

    choose(parents["father"], "masculine")
    monkeypatch.setitem(app.extensions, i18n.REVIEWED, lambda context, message: (
        "مرحبًا بكِ. جرّبي." if context == "start/01-welcome/welcome/text" else None))
    father_page = page_text(parents["father"], STEP)
    mother_page = page_text(parents["mother"], STEP)
    assert "مرحبًا بكِ. جرّبي." in mother_page and "مرحبًا بكِ. جرّبي." not in father_page
    monkeypatch.setitem(app.extensions, i18n.REVIEWED, lambda context, message: (
        "مرحبًا" if context == "start/01-welcome/welcome/text" else None))
    app.extensions.pop("askel_players", None)
    assert "مرحبًا" in page_text(parents["father"], STEP)
