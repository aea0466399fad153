"""Instructors and coordinators can be men: a member of staff chooses how Askel speaks to them (on
their own account page; the coordinator when making an instructor's account, or later on it), and
Arabic staff pages then read the masculine overlay for a man, as a father's lessons do.

Texts made for someone else than the reader keep speaking to that person: a learner's sign-in card to
her, the lesson wording a reviewer corrects as the catalogs write it (to a woman).
"""
from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po

from tests.conftest import csrf_token, sign_in, staff_client
from tests.learn.test_masculine import assert_reads, norm, overlay_pairs, page_text
from workshop import i18n_tools
from workshop.extensions import db
from workshop.models import Role, User
from workshop.review.models import set_grants

# Arabic staff texts that speak to the reader, as the default catalog (to a woman) and the overlay write them.
TABLETS_FEMININE = "عندما تكونين مع المجموعة"
TABLETS_MASCULINE = "عندما تكون مع المجموعة"


@pytest.fixture
def staff(app, factory, auth):
    """An Arabic group taught by a man and a woman, both reading Arabic; the man has said so."""
    man, man_id = auth.staff("omar", locale="ar")
    woman, woman_id = auth.staff("rasha", locale="ar")
    workshop_id = factory.workshop("ar", instructor=man_id)
    with app.app_context():
        from workshop.models import Workshop

        group = db.session.get(Workshop, workshop_id)
        group.instructors.append(db.session.get(User, woman_id))
        db.session.commit()
    learner_id, code, _ = factory.learner(workshop_id, name="Amal")
    assert sign_in(app.test_client(), code).status_code == 303  # signed in on a phone: "Sign her out" shows
    token = csrf_token(man, "/teach/account")
    response = man.post("/teach/account/address", data={"address": "masculine", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/teach/account#address"
    return {"man": man, "man_id": man_id, "woman": woman, "woman_id": woman_id, "workshop": workshop_id,
            "learner": learner_id}


def lesson_overlay_pairs() -> list[tuple[str, str]]:
    """(feminine, masculine) of the lessons' overlay, as overlay_pairs gives both domains'."""
    with i18n_tools.overlay_path("ar", "lessons").open("rb") as fh:
        lessons = {norm(part) for m in read_po(fh) if m.id and isinstance(m.string, str)
                   for part in m.string.split("\n\n")}
    return [(f, m) for f, m in overlay_pairs() if m in lessons]


def checked(page: str) -> str | None:
    """The value of the checked radio button named address on a page."""
    for tag in re.findall(r'<input[^>]*name="address"[^>]*>', page):
        if re.search(r"\bchecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def staff_pages(staff) -> list[str]:
    w = staff["workshop"]
    return ["/review/", f"/teach/groups/{w}/cards", f"/tablet/setup/{w}", f"/teach/groups/{w}/learners/{staff['learner']}"]


def test_a_man_reads_his_arabic_staff_pages_addressed_to_a_man_and_a_woman_to_a_woman(app, staff):
    pairs = overlay_pairs()
    with app.app_context():
        assert db.session.get(User, staff["man_id"]).address == "masculine"
        assert db.session.get(User, staff["woman_id"]).address is None
    for path in staff_pages(staff):
        assert_reads(page_text(staff["man"], path), pairs, masculine=True)
        assert_reads(page_text(staff["woman"], path), pairs, masculine=False)
    tablets = f"/tablet/setup/{staff['workshop']}"
    assert TABLETS_MASCULINE in page_text(staff["man"], tablets) and TABLETS_FEMININE not in page_text(staff["man"], tablets)
    assert TABLETS_FEMININE in page_text(staff["woman"], tablets)
    # his account page shows his choice, hers the default
    assert checked(page_text(staff["man"], "/teach/account")) == "masculine"
    assert checked(page_text(staff["woman"], "/teach/account")) == "feminine"


def test_the_choice_is_on_his_account_and_can_be_taken_back(app, staff):
    tablets = f"/tablet/setup/{staff['workshop']}"
    phone = staff_client(app, "omar")  # another device of his, signed in afterwards
    assert TABLETS_MASCULINE in page_text(phone, tablets)
    man = staff["man"]
    token = csrf_token(man, "/teach/account")
    man.post("/teach/account/address", data={"address": "feminine", "csrf_token": token})
    assert TABLETS_FEMININE in page_text(man, tablets) and TABLETS_FEMININE in page_text(phone, tablets)


def test_an_unknown_choice_changes_nothing(app, staff):
    woman = staff["woman"]
    token = csrf_token(woman, "/teach/account")
    for value in ("", "male", "masculine'"):
        response = woman.post("/teach/account/address", data={"address": value, "csrf_token": token})
        assert response.status_code == 303
        with app.app_context():
            assert db.session.get(User, staff["woman_id"]).address is None
        assert "يُرجى اختيار واحد من الاثنين." in page_text(woman, "/teach/account")


def test_a_mans_printed_cards_still_speak_to_the_mother_who_gets_one(staff):
    """The page around the cards speaks to him; the card itself to the learner (her own choice)."""
    man, w = staff["man"], staff["workshop"]
    token = csrf_token(man, f"/teach/groups/{w}/cards")
    response = man.post(f"/teach/groups/{w}/cards",
                        data={"learner": str(staff["learner"]), "confirm": "yes", "csrf_token": token})
    assert response.status_code == 200
    text = norm(html.unescape(response.get_data(as_text=True)))
    assert "واكتبي رمزكِ" in text and "واكتب رمزكَ" not in text


def test_a_man_reviewing_arabic_wording_corrects_the_catalogs_text_written_to_a_woman(app, staff):
    """Reviewed wording replaces the default (feminine) text: the review page shows him that text, not
    his overlay's, while its own interface speaks to him."""
    pairs = overlay_pairs()
    with app.app_context():
        set_grants(staff["man_id"], {("ar", "wording")})
        db.session.commit()
    page = page_text(staff["man"], "/review/ar/start/01-welcome/")
    lesson_pairs = [(f, m) for f, m in lesson_overlay_pairs() if f in page or m in page]
    assert lesson_pairs, "the lesson has texts that address the learner"
    for feminine, masculine in lesson_pairs:
        assert feminine in page, f"the reviewer is shown the overlay's text: {masculine}"
    assert_reads(page, [p for p in pairs if p not in lesson_pairs], masculine=True)  # the page's own words: to him


def test_the_coordinator_says_how_askel_speaks_to_a_new_instructor(app, auth):
    coordinator, _uid = auth.staff("mirja", role=Role.COORDINATOR, locale="en")
    page = page_text(coordinator, "/admin/instructors")
    assert checked(page) == "feminine"  # the default, as the catalogs speak
    token = csrf_token(coordinator, "/admin/instructors")
    made = {}
    for username, value in (("ahmed", "masculine"), ("hodan", "feminine"), ("sahra", None)):
        data = {"username": username, "display_name": username.title(), "language": "ar", "csrf_token": token}
        if value is not None:
            data["address"] = value
        response = coordinator.post("/admin/instructors", data=data)
        assert response.status_code == 200 and "can now sign in" in response.get_data(as_text=True)
        with app.app_context():
            made[username] = db.session.scalar(db.select(User).where(User.username == username))
    assert made["ahmed"].address == "masculine"
    assert made["hodan"].address == "feminine" and made["sahra"].address == "feminine"  # the form's default
    response = coordinator.post("/admin/instructors", data={
        "username": "bad", "display_name": "Bad", "language": "ar", "address": "male", "csrf_token": token})
    assert "Please choose one of the two." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "bad")) is None
    # and later, on the instructor's page
    path = f"/admin/instructors/{made['hodan'].id}"
    response = coordinator.post(path + "/address", data={"address": "masculine", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == path + "#address"
    with app.app_context():
        assert db.session.get(User, made["hodan"].id).address == "masculine"
    assert checked(page_text(coordinator, path)) == "masculine"


def test_the_coordinators_pages_about_an_instructor_do_not_call_every_instructor_she(app, auth, factory):
    """Texts about a learner say "she" (most learners are mothers, docs/translating.md); an instructor
    may be a man, so the pages about one name the instructor or the account instead."""
    coordinator, _uid = auth.staff("mirja", role=Role.COORDINATOR, locale="en")
    target = factory.staff("ahmed")
    token = csrf_token(coordinator, "/admin/instructors")
    created = coordinator.post("/admin/instructors", data={
        "username": "yusuf", "display_name": "Yusuf", "language": "ar", "address": "masculine", "csrf_token": token})
    saved = coordinator.post(f"/admin/instructors/{target}/rights", data={"wording-ar": "1", "csrf_token": token},
                             follow_redirects=True)
    missing_name = coordinator.post("/admin/instructors", data={
        "username": "nobody", "display_name": "", "language": "ar", "csrf_token": token})
    texts = [page_text(coordinator, "/admin/instructors"), page_text(coordinator, f"/admin/instructors/{target}"),
             norm(html.unescape(created.get_data(as_text=True))), norm(html.unescape(saved.get_data(as_text=True))),
             norm(html.unescape(missing_name.get_data(as_text=True)))]
    for text in texts:
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S))
        found = re.findall(r"\b(?:she|her|hers|herself)\b", visible, flags=re.I)
        assert not found, f"{found}: {visible[:300]}"
