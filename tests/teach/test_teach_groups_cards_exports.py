"""Groups, learners, the lesson plan, sign-in cards (the QR code decoded), exports and deletion."""
from __future__ import annotations

import csv
import io
import json
import re

from tests.conftest import CSRF_RE, csrf_token, sign_in
from tests.teach.helpers import ask_help, catalogue, enrollment_of, event, progress
from tests.teach.qr import decode
from workshop.counsel.rules import give_consent
from workshop.extensions import db
from workshop.models import Assignment, HelpRequest, InstructorNote, StepEvent, User, Workshop

GROUP = {"name": "Tuesday mothers", "language": "ar", "location": "Kontula library", "weekday": "1",
         "start_time": "17:30", "starts_on": "2026-01-05", "ends_on": "2026-05-30"}


def post(client, url, data, page=None, **kw):
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data}, **kw)


def test_an_instructor_creates_a_group_and_becomes_its_instructor(app, teacher):
    client, uid, _wid = teacher
    response = post(client, "/teach/groups/new", GROUP)
    assert response.status_code == 303
    with app.app_context():
        w = db.session.scalar(db.select(Workshop).where(Workshop.name == "Tuesday mothers"))
        assert [i.id for i in w.instructors] == [uid]
        assert (w.language, w.weekday, w.start_time.hour, w.start_time.minute) == ("ar", 1, 17, 30)
    assert "Tuesday mothers" in client.get("/teach/").get_data(as_text=True)


def test_group_form_explains_what_is_wrong(teacher):
    client, _uid, wid = teacher
    bad = post(client, "/teach/groups/new", {**GROUP, "name": "", "ends_on": "2025-12-01", "language": "xx"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Please give the group a name." in html
    assert "The last day must come after the first day." in html
    assert 'aria-invalid="true"' in html
    edit = post(client, f"/teach/groups/{wid}/edit", {**GROUP, "name": "Renamed"})
    assert edit.status_code == 303
    assert "Renamed" in client.get(f"/teach/groups/{wid}").get_data(as_text=True)


def test_lesson_plan_by_week_limits_the_class_view(app, teacher):
    client, _uid, wid = teacher
    url = f"/teach/groups/{wid}/lessons"
    assert post(client, url, {"week-start/01-welcome": "1", "week-email/01-what-is-email": "2"}).status_code == 303
    with app.app_context():
        plan = {(a.course, a.lesson): a.week for a in db.session.scalars(db.select(Assignment))}
    assert plan == {("start", "01-welcome"): 1, ("email", "01-what-is-email"): 2}
    assert post(client, url, {"week-start/01-welcome": "999"}).status_code == 422
    assert post(client, url, {"week-email/01-what-is-email": "3"}).status_code == 303
    with app.app_context():
        plan = {(a.course, a.lesson): a.week for a in db.session.scalars(db.select(Assignment))}
    assert plan == {("email", "01-what-is-email"): 3}


def test_adding_a_learner_shows_her_code_once_and_it_signs_her_in(app, teacher):
    client, _uid, wid = teacher
    page = post(client, f"/teach/groups/{wid}/learners", {"name": "<b>Hodan</b>"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "&lt;b&gt;Hodan&lt;/b&gt;" in html and "<b>Hodan" not in html
    code = re.search(r'class="ltr">([A-Z0-9]{4}-[A-Z0-9]{4})<', html).group(1)
    assert code not in client.get(f"/teach/groups/{wid}/learners").get_data(as_text=True)
    assert sign_in(app.test_client(), code).status_code == 303
    assert post(client, f"/teach/groups/{wid}/learners", {"name": ""}).status_code == 422


def test_rename_and_remove_a_learner(app, factory, teacher):
    client, _uid, wid = teacher
    lid, _code, _ = factory.learner(wid, name="Amina")
    learners = f"/teach/groups/{wid}/learners"
    assert post(client, f"{learners}/{lid}/name", {"name": "Amiina"}, page=learners).status_code == 303
    assert "Amiina" in client.get(learners).get_data(as_text=True)
    confirm = client.get(f"{learners}/{lid}/remove")
    assert "Remove Amiina from the group?" in confirm.get_data(as_text=True)
    assert post(client, f"{learners}/{lid}/remove", {}).status_code == 303
    with app.app_context():
        assert db.session.get(User, lid) is None  # it was her only group
    # a second tap (a double tap, another tablet with the page open): the same list, not a 404 page
    for action in ("remove", "delete"):
        again = post(client, f"{learners}/{lid}/{action}", {}, page=learners)
        assert again.status_code == 303 and again.headers["Location"].endswith(learners)
        assert "This person is no longer in the group." in client.get(learners).get_data(as_text=True)


def test_notes_are_listed_and_escaped(app, teacher, factory):
    client, uid, wid = teacher
    lid, _code, _ = factory.learner(wid, name="Amina")
    with app.app_context():  # a note is kept only on her consent (tests/teach/test_notes_consent.py)
        give_consent(lid, uid)
        db.session.commit()
    url = f"/teach/groups/{wid}/learners/{lid}"
    assert post(client, f"{url}/notes", {"text": "<script>alert(1)</script> reads well"}, page=url).status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; reads well" in html and "<script>alert" not in html
    assert post(client, f"{url}/notes", {"text": ""}, page=url).status_code == 422


def cards_from(html: str) -> list[tuple[str, str, str]]:
    """(name, code, the URL in the QR code) for each card on a sheet."""
    found = []
    for card in html.split('<article class="signin-card">')[1:]:
        name = re.search(r'<h2 class="signin-name">([^<]+)</h2>', card).group(1)
        code = re.search(r'class="ltr">([A-Z0-9]{4}-[A-Z0-9]{4})<', card).group(1)
        svg = re.search(r"(<svg.*?</svg>)", card, re.S).group(1)
        found.append((name, code, decode(svg)))
    return found


def card_signs_in(app, url: str) -> bool:
    path = url.split("://", 1)[1].split("/", 1)[1]
    device = app.test_client()
    page = device.get("/" + path, follow_redirects=True)  # the token is exchanged, then /card asks
    if page.status_code != 200:
        return False
    assert page.request.path == "/card"
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    return device.post("/card", data={"csrf_token": token}).status_code == 303 and device.get("/home").status_code == 200


def test_printed_cards_qr_signs_in_and_renewing_kills_the_old_card(app, factory, teacher):
    client, _uid, wid = teacher
    amina, _c, _ = factory.learner(wid, name="Amina")
    bilan, _c, _ = factory.learner(wid, name="Bilan")
    url = f"/teach/groups/{wid}/cards"
    sheet = post(client, url, {"learner": [str(amina), str(bilan)], "confirm": "yes"}).get_data(as_text=True)
    cards = cards_from(sheet)
    assert [c[0] for c in cards] == ["Amina", "Bilan"]
    assert all(re.fullmatch(r"http://localhost/card/[\w-]+", url) for _n, _c, url in cards)
    assert 'lang="so" dir="ltr"' in sheet  # the two lines are in the group's language
    _name, old_code, old_url = cards[0]
    assert card_signs_in(app, old_url)

    renew = f"/teach/groups/{wid}/learners/{amina}/renew"
    confirm = client.get(renew).get_data(as_text=True)
    assert "Renew the lost code of Amina?" in confirm and "signed out on every device" in confirm
    (_name, new_code, new_url), = cards_from(post(client, renew, {}).get_data(as_text=True))
    assert not card_signs_in(app, old_url)
    assert sign_in(app.test_client(), old_code).status_code != 303
    assert card_signs_in(app, new_url)
    assert sign_in(app.test_client(), new_code).status_code == 303


def _keys(app, *ids):
    with app.app_context():
        return [(u.code_digest, u.card_digest, u.session_version) for u in (db.session.get(User, i) for i in ids)]


def test_the_cards_page_renews_nothing_until_she_chooses_whom_and_confirms(app, factory, teacher):
    """Issue 15, item 14: opening or submitting "Sign-in cards" reissued every code and signed the
    whole group out. Now it renews only the chosen learners, after a page that says what it ends."""
    client, _uid, wid = teacher
    amina, amina_code, _ = factory.learner(wid, name="Amina")
    bilan, bilan_code, _ = factory.learner(wid, name="Bilan")
    url = f"/teach/groups/{wid}/cards"
    before = _keys(app, amina, bilan)
    page = client.get(url).get_data(as_text=True)
    assert "keeps working" in page and "Amina" in page and 'name="learner"' in page
    # a submit with nobody chosen (the old one-button form) changes nothing and says why
    nobody = post(client, url, {})
    assert nobody.status_code == 422 and "Choose the learners who need a new card." in nobody.get_data(as_text=True)
    assert _keys(app, amina, bilan) == before
    # choosing Amina asks first, naming her and what ends; nothing changes yet
    confirm = post(client, url, {"learner": str(amina)}).get_data(as_text=True)
    assert re.search(r'<ul class="chosen"><li>Amina</li></ul>', confirm)
    assert "signed out on every device" in confirm and 'name="confirm" value="yes"' in confirm
    assert _keys(app, amina, bilan) == before
    # a learner of another group cannot be slipped in
    other = factory.workshop(name="Other")
    stranger, _c, _ = factory.learner(other, name="Stranger")
    sheet = post(client, url, {"learner": [str(amina), str(stranger)], "confirm": "yes"}).get_data(as_text=True)
    assert [c[0] for c in cards_from(sheet)] == ["Amina"]
    after = _keys(app, amina, bilan)
    assert after[0] != before[0] and after[1] == before[1]  # only Amina's card and devices ended
    assert sign_in(app.test_client(), bilan_code).status_code == 303
    assert sign_in(app.test_client(), amina_code).status_code != 303


def test_class_progress_csv_is_excel_ready_and_safe(app, factory, teacher):
    client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "01-welcome")
    lid, _c, _ = factory.learner(wid, name="=HYPERLINK(\"http://evil\")")
    factory.learner(wid, name="Sahra, \"Sisi\"")
    with app.app_context():
        progress(enrollment_of(lid), lesson, done_steps=len(lesson.steps))
        db.session.commit()
    response = client.get(f"/teach/groups/{wid}/progress.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Learner" and rows[0][-1] == "Lessons done"
    names = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in names and "Sahra, \"Sisi\"" in names
    evil = next(r for r in rows if r[0].startswith("'="))
    assert any(cell.startswith("Done") for cell in evil)


def test_her_data_as_a_file_and_deleting_her_with_everything(app, factory, teacher):
    client, _uid, wid = teacher
    lesson = catalogue(app).lesson("start", "01-welcome")
    lid, _c, _ = factory.learner(wid, name="Amina")
    other, _c, _ = factory.learner(wid, name="Bilan")
    with app.app_context():
        for uid in (lid, other):
            e = enrollment_of(uid)
            progress(e, lesson, done_steps=2)
            event(e, lesson, lesson.steps[0].id, correct=True)
            ask_help(e, lesson, lesson.steps[1].id)
            db.session.add(InstructorNote(enrollment_id=e.id, text=f"note about {uid}"))
        db.session.commit()
    base = f"/teach/groups/{wid}/learners/{lid}"
    response = client.get(f"{base}/data.json")
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    assert data["name"] == "Amina" and len(data["answers"]) == 1 and len(data["help_requests"]) == 1
    # everything stored about her help request, also when an instructor saw it and whether she took it back
    assert set(data["help_requests"][0]) == {"course", "lesson", "step", "at", "seen_at", "handled_at", "withdrawn_at"}
    assert data["instructor_notes"] == [{"text": f"note about {lid}", "at": data["instructor_notes"][0]["at"]}]
    assert "Bilan" not in response.get_data(as_text=True)

    assert "Delete Amina and all her data?" in client.get(f"{base}/delete").get_data(as_text=True)
    assert post(client, f"{base}/delete", {}).status_code == 303
    with app.app_context():
        assert db.session.get(User, lid) is None
        assert {ev.learner_id for ev in db.session.scalars(db.select(StepEvent))} == {other}
        assert db.session.scalar(db.select(db.func.count(HelpRequest.id))) == 1
        assert [n.text for n in db.session.scalars(db.select(InstructorNote))] == [f"note about {other}"]


def test_class_progress_csv_keeps_a_semicolon_cell_whole(app, factory, teacher):
    """Finnish spreadsheet settings split on `;`: her name must stay one text cell there too."""
    client, _uid, wid = teacher
    factory.learner(wid, name="Sahra;=1+1")
    factory.learner(wid, name="line\n@x")
    text = client.get(f"/teach/groups/{wid}/progress.csv").get_data().decode("utf-8-sig")
    assert "\"Sahra;'=1+1\"" in text  # quoted, and the formula after `;` made text
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) for cell in row), row
    names = [r[0] for r in csv.reader(io.StringIO(text))][1:]
    assert "Sahra;'=1+1" in names and "line\n'@x" in names


def test_a_double_tap_on_add_does_not_add_her_twice(app, teacher):
    """Issue 15, item 15: the name stayed in the field, and a second "Add" silently added her again."""
    client, _uid, wid = teacher
    url = f"/teach/groups/{wid}/learners"
    added = post(client, url, {"name": "Hodan"}).get_data(as_text=True)
    assert "Hodan was added" in added
    assert 'value="Hodan"' not in added.split('class="card add-learner"')[1].split("</form>")[0]  # the field is empty
    again = post(client, url, {"name": " hodan "})
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and "hodan is already in this group. She was not added again." in html
    assert 'name="same_name" value="yes"' in html

    def count():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count(User.id)).where(db.func.lower(User.display_name) == "hodan"))
    assert count() == 1
    assert post(client, url, {"name": "Hodan", "same_name": "yes"}).status_code == 200  # another person, confirmed
    assert count() == 2


def test_tablet_set_up_is_linked_from_the_group_list_and_the_class_view(teacher):
    """Issue 15, item 16: tablet set-up had no link from the class view or the group list."""
    client, _uid, wid = teacher
    link = f'href="/tablet/setup/{wid}"'
    assert link in client.get("/teach/").get_data(as_text=True)
    assert link in client.get(f"/teach/groups/{wid}").get_data(as_text=True)


def test_removing_her_from_her_only_group_deletes_what_she_kept_in_the_practices(app, factory, teacher):
    """Removed from her only group, her account goes: her practice photos and sandboxes go with it, as
    when she is deleted (teach.learner_delete), not only the rows the database cascades."""
    from tests.teach.test_teach_access import PhotoUpload
    from workshop.sims import photos

    client, _uid, wid = teacher
    lid, _code, _ = factory.learner(wid, name="Amina")
    with app.app_context(), app.test_request_context():
        photos.save("mail", lid, PhotoUpload())
        db.session.commit()
        assert len(photos.names("mail", lid)) == 1
    assert post(client, f"/teach/groups/{wid}/learners/{lid}/remove", {}).status_code == 303
    with app.app_context():
        assert db.session.get(User, lid) is None
        assert photos.names("mail", lid) == []
