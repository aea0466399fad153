"""The practice inbox through the Flask test client: every route, the Finnish labels, writing with
the checks a real client makes, the teacher's delayed answer, escaping, limits, reset, isolation."""
from __future__ import annotations

import re

import pytest

from tests.sims.mail_helpers import (
    M, Clock, attachments, by_key, learner, messages, post, send, teacher_address,
)
from workshop.sims.mail import mailbox


@pytest.fixture
def amina(app, factory, monkeypatch):
    clock = Clock(monkeypatch)
    client, uid = learner(app, factory)
    return client, uid, clock


def text(response) -> str:
    return response.get_data(as_text=True)


# --- the inbox ------------------------------------------------------------------------------


def test_inbox_is_seeded_once_with_finnish_labels_and_her_language(app, amina):
    client, uid, _clock = amina
    html = text(client.get(M + "/"))
    for label in ("Saapuneet", "Lähetetyt", "Luonnokset", "Roskaposti", "Poistetut", "Uusi viesti", "Hae"):
        assert f'<span class="fi" dir="ltr" lang="fi">{label}</span>' in html
    assert '<span class="gloss" lang="en">Inbox</span>' in html
    assert "Practice — nothing here is real" in html
    assert "amina.ali@posti.example" in html
    for subject in ("Luokan retki perjantaina", "Päätös varhaiskasvatuspaikasta", "A photo from the park", "Tilisi on lukittu!"):
        assert subject in html
    assert "Kevätjuhla torstaina" not in html  # that one is in Roskaposti
    assert 'hx-trigger="every 5s"' in html
    client.get(M + "/")
    assert len(messages(app, uid)) == 5  # seeded once, not on every visit



def test_folder_counts_are_read_out_whole_and_plural_in_her_language(app, amina):
    client, uid, _clock = amina
    html = text(client.get(M + "/"))
    unread = sum(1 for m in messages(app, uid) if m.folder == "inbox" and not m.read)
    assert unread > 1
    assert f'<span aria-hidden="true">{unread}</span><span class="visually-hidden">{unread} unread messages</span>' in html
    client.get(f"{M}/message/{by_key(app, uid, 'teacher').id}")
    client.post("/language", data={"locale": "fi", "csrf_token": re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get("/language"))).group(1)})
    html = text(client.get(M + "/"))
    left = unread - 1
    word = "lukematon viesti" if left == 1 else "lukematonta viestiä"
    assert f'<span class="visually-hidden">{left} {word}</span>' in html

def test_every_folder_and_the_scenario_start_paths(app, amina):
    client, uid, _clock = amina
    for name in ("inbox", "sent", "drafts", "junk", "deleted"):
        assert client.get(f"{M}/folder/{name}").status_code == 200
    assert client.get(f"{M}/folder/nothing").status_code == 404
    assert "Kevätjuhla torstaina" in text(client.get(M + "/folder/junk"))
    r = client.get(M + "/scenario/teacher")
    assert r.headers["Location"].endswith(f"/message/{by_key(app, uid, 'teacher').id}")
    assert client.get(M + "/scenario/nobody").headers["Location"].endswith(M + "/")


def test_reading_marks_read_and_translates_on_request(app, amina):
    client, uid, _clock = amina
    teacher = by_key(app, uid, "teacher")
    assert not teacher.read
    html = text(client.get(f"{M}/message/{teacher.id}"))
    assert "Korkeasaaren eläintarhaan" in html and 'lang="fi"' in html
    assert "Show in my language" in html
    for label in ("Vastaa", "Välitä", "Poista", "Merkitse roskapostiksi", "Lähettäjä", "Vastaanottaja"):
        assert f'<span class="fi" dir="ltr" lang="fi">{label}</span>' in html
    assert by_key(app, uid, "teacher").read
    html = text(client.get(f"{M}/message/{teacher.id}?lang=mine"))
    assert "Korkeasaari zoo" in html and "Show the original (Finnish)" in html
    friend = by_key(app, uid, "friend")
    html = text(client.get(f"{M}/message/{friend.id}"))
    assert "Here is a photo from the park" in html and "Show in my language" not in html


def test_finnish_learner_gets_no_translation_toggle(app, factory, monkeypatch):
    Clock(monkeypatch)
    client, uid = learner(app, factory, locale="fi", name="Leena")
    teacher = by_key(app, uid, "teacher")
    html = text(client.get(f"{M}/message/{teacher.id}"))
    assert "Show in my language" not in html and 'class="gloss"' not in html


def test_attachments_pdf_preview_download_and_photo(app, amina):
    client, uid, _clock = amina
    office = by_key(app, uid, "office")
    att = office.attachments[0]
    html = text(client.get(f"{M}/message/{office.id}"))
    assert "Paatos_varhaiskasvatus.pdf" in html
    html = text(client.get(f"{M}/message/{office.id}/attachments/{att.id}"))
    assert "Kuusikon päiväkodista" in html and "Download the PDF file" in html
    assert "Kuusikko daycare centre" in text(client.get(f"{M}/message/{office.id}/attachments/{att.id}?lang=mine"))
    assert next(a for a in attachments(app, uid) if a.id == att.id).opened_at is not None
    r = client.get(f"{M}/message/{office.id}/attachments/{att.id}/file")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF-")
    friend = by_key(app, uid, "friend")
    photo = friend.attachments[0]
    html = text(client.get(f"{M}/message/{friend.id}/attachments/{photo.id}"))
    assert "Children playing in a park" in html
    r = client.get(f"{M}/message/{friend.id}/attachments/{photo.id}/file")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    # an attachment of another message of hers is not reachable through this one
    assert client.get(f"{M}/message/{friend.id}/attachments/{att.id}").status_code == 404


def test_delete_restore_junk_and_not_junk(app, amina):
    client, uid, _clock = amina
    friend = by_key(app, uid, "friend")
    r = post(client, f"{M}/message/{friend.id}/delete")
    assert r.status_code == 303
    assert by_key(app, uid, "friend").folder == "deleted"
    assert "A photo from the park" in text(client.get(M + "/folder/deleted"))
    assert "Palauta" in text(client.get(f"{M}/message/{friend.id}"))
    post(client, f"{M}/message/{friend.id}/restore")
    assert by_key(app, uid, "friend").folder == "inbox"
    phishing = by_key(app, uid, "phishing")
    post(client, f"{M}/message/{phishing.id}/spam")
    assert by_key(app, uid, "phishing").folder == "junk"
    party = by_key(app, uid, "school-party")
    assert "Ei roskapostia" in text(client.get(f"{M}/message/{party.id}"))
    post(client, f"{M}/message/{party.id}/restore")
    assert by_key(app, uid, "school-party").folder == "inbox"
    # without the CSRF token nothing moves
    assert client.post(f"{M}/message/{friend.id}/delete").status_code == 400
    assert by_key(app, uid, "friend").folder == "inbox"
    assert client.get(f"{M}/message/{friend.id}/delete").status_code == 405


def test_search_finds_by_word_in_any_language_and_folder(app, amina):
    client, uid, _clock = amina
    html = text(client.get(M + "/search?q=retki"))
    assert "Luokan retki perjantaina" in html and "A photo from the park" not in html
    assert "Luokan retki perjantaina" in text(client.get(M + "/search?q=trip"))  # the translation
    assert "Kevätjuhla torstaina" in text(client.get(M + "/search?q=kevätjuhla"))  # in Roskaposti too
    assert "No messages found" in text(client.get(M + "/search?q=zzzz"))
    assert client.get(M + "/search?q=" + "x" * 5000).status_code == 200


def test_trap_link_explains_and_is_only_on_the_phishing_message(app, amina):
    client, uid, _clock = amina
    phishing = by_key(app, uid, "phishing")
    html = text(client.get(f"{M}/message/{phishing.id}"))
    assert f'href="{M}/message/{phishing.id}/link"' in html and "pankki-tunnistus.example/avaa-tili" in html
    html = text(client.get(f"{M}/message/{phishing.id}/link"))
    trap = html.split('class="wm-trap"')[1].split('class="sim-reset"')[0]
    assert "This was a trick" in trap and "<input" not in trap and "password" not in trap.lower()
    assert by_key(app, uid, "phishing").link_opened_at is not None
    assert client.get(f"{M}/message/{by_key(app, uid, 'teacher').id}/link").status_code == 404


# --- writing --------------------------------------------------------------------------------


def test_reply_quotes_the_original_and_forward_carries_attachments(app, amina):
    client, uid, _clock = amina
    teacher = by_key(app, uid, "teacher")
    html = text(client.get(f"{M}/message/{teacher.id}/reply"))
    assert 'value="liisa.virtanen@koulu.example"' in html
    assert 'value="VS: Luokan retki perjantaina"' in html
    assert "----- Alkuperäinen viesti -----" in html and "&gt; Vastaatteko tähän viestiin" in html
    office = by_key(app, uid, "office")
    html = text(client.get(f"{M}/message/{office.id}/forward"))
    assert 'value="VL: Päätös varhaiskasvatuspaikasta"' in html and "Paatos_varhaiskasvatus.pdf" in html
    r = send(client, to="sara.ahmed@posti.example", subject="VL: Päätös", body="Katso tämä", kind="forward",
             related=str(office.id))
    assert r.status_code == 303
    sent = [m for m in messages(app, uid) if m.folder == "sent"]
    assert sent[0].kind == "forward" and [a.name for a in sent[0].attachments] == ["Paatos_varhaiskasvatus.pdf"]


def test_missing_recipient_invalid_address_and_missing_subject(app, amina):
    client, uid, _clock = amina
    r = send(client, subject="Hei", body="Moi")
    assert r.status_code == 422 and "Add at least one recipient" in text(r)
    for bad, why in (("sara.ahmed.posti.example", "no @ sign"), ("sara ahmed@posti.example", "no spaces"),
                     ("sara@@posti.example", "more than one @"), ("sara@posti", "like example.com")):
        r = send(client, to=bad, subject="Hei", body="Moi")
        assert r.status_code == 422, bad
        assert why in text(r) and "is not valid" in text(r)
        assert f'value="{bad}"' in text(r)  # what she typed stays
    r = send(client, to="sara.ahmed@posti.example", subject="", body="Moi")
    assert r.status_code == 200 and "has no subject" in text(r) and "Lähetä silti" in text(r)
    assert not [m for m in messages(app, uid) if m.folder == "sent"]
    r = send(client, to="sara.ahmed@posti.example", subject="", body="Moi", action="send-anyway")
    assert r.status_code == 303
    assert [m.body for m in messages(app, uid) if m.folder == "sent"] == ["Moi"]


def test_body_over_the_limit_keeps_everything_she_typed(app, amina):
    client, uid, _clock = amina
    body = "Hei Sara! " + "a" * 5000
    r = send(client, to="sara.ahmed@posti.example", subject="Kuvia puistosta", body=body, photo=["cake", "sea"])
    html = text(r)
    assert r.status_code == 422
    assert "The message is too long: 5010 characters. The limit is 5000." in html
    assert 'value="sara.ahmed@posti.example"' in html and 'value="Kuvia puistosta"' in html
    assert body in html
    assert re.search(r'value="cake" checked', html) and re.search(r'value="sea" checked', html)
    assert not [m for m in messages(app, uid) if m.folder == "sent"]


def test_html_typed_anywhere_is_shown_as_text(app, amina):
    client, uid, _clock = amina
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = send(client, to=f"{evil}@posti.example", subject=evil, body=evil)
    assert r.status_code == 422 and "<script>" not in text(r) and "&lt;script&gt;" in text(r)
    r = send(client, to="sara.ahmed@posti.example", subject=evil, body=evil + "\n\n" + evil)
    assert r.status_code == 303
    sent = next(m for m in messages(app, uid) if m.folder == "sent")
    for page in (M + "/folder/sent", f"{M}/message/{sent.id}", f"{M}/message/{sent.id}/reply",
                 f"{M}/message/{sent.id}/forward", M + "/search?q=" + "%3Cscript%3E"):
        html = text(client.get(page))
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "&lt;script&gt;" in html, page
    r = post(client, M + "/compose", {"to": evil, "subject": evil, "body": evil, "action": "draft"}, page=M + "/compose")
    assert r.status_code == 303
    draft = next(m for m in messages(app, uid) if m.folder == "drafts")
    html = text(client.get(f"{M}/compose?draft={draft.id}"))
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_new_message_with_photos_goes_to_sent(app, amina):
    client, uid, _clock = amina
    html = text(client.get(M + "/compose"))
    assert "Liitä tiedosto" in html and 'name="photo" value="cake"' in html
    r = send(client, to="sara.ahmed@posti.example", subject="Kakku", body="Katso!", photo=["cake", "nope"])
    assert r.status_code == 303 and r.headers["Location"].endswith(M + "/")
    sent = next(m for m in messages(app, uid) if m.folder == "sent")
    assert [a.asset for a in sent.attachments] == ["cake"] and sent.kind == "new"
    html = text(client.get(M + "/folder/sent"))
    assert "Kakku" in html and "sara.ahmed@posti.example" in html
    r = client.get(f"{M}/message/{sent.id}/attachments/{sent.attachments[0].id}/file")
    assert r.status_code == 200


def test_draft_is_saved_opened_and_sent(app, amina):
    client, uid, _clock = amina
    r = post(client, M + "/compose", {"to": "sara.ahmed@posti.example", "subject": "Luonnos", "body": "Kesken",
                                      "photo": "sea", "action": "draft"}, page=M + "/compose")
    assert r.status_code == 303 and r.headers["Location"].endswith("/folder/drafts")
    draft = next(m for m in messages(app, uid) if m.folder == "drafts")
    assert "Luonnos" in text(client.get(M + "/folder/drafts"))
    assert client.get(f"{M}/message/{draft.id}").headers["Location"].endswith(f"/compose?draft={draft.id}")
    html = text(client.get(f"{M}/compose?draft={draft.id}"))
    assert 'value="Luonnos"' in html and 'value="sea" checked' in html and f'name="draft" value="{draft.id}"' in html
    r = send(client, to="sara.ahmed@posti.example", subject="Luonnos", body="Valmis", photo="sea", draft=str(draft.id))
    assert r.status_code == 303
    rows = messages(app, uid)
    assert not [m for m in rows if m.folder == "drafts"]
    sent = next(m for m in rows if m.folder == "sent")
    assert sent.id == draft.id and sent.body == "Valmis" and [a.asset for a in sent.attachments] == ["sea"]
    # a sent message cannot be opened as a draft
    assert client.get(f"{M}/compose?draft={sent.id}").status_code == 404


def test_teacher_answers_after_the_delay_and_the_poll_sees_it(app, amina):
    client, uid, clock = amina
    teacher = by_key(app, uid, "teacher")
    html = text(client.get(M + "/"))
    state = re.search(r"/poll\?state=([0-9-]+)", html).group(1)
    assert client.get(f"{M}/poll?state={state}").status_code == 204
    r = send(client, to=teacher_address(app), subject="VS: Luokan retki perjantaina", kind="reply",
             related=str(teacher.id), body="Hei, saa osallistua.\n\n" + mailbox.QUOTE_MARK + "\n> vanha")
    assert r.status_code == 303
    clock.advance(seconds=19)
    assert "kiitos vastauksestanne" not in text(client.get(M + "/"))
    assert client.get(f"{M}/poll?state={state}").status_code == 204
    clock.advance(seconds=2)
    polled = client.get(f"{M}/poll?state={state}", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "A new message has arrived" in text(polled)
    assert "VS: Luokan retki perjantaina" in text(polled) and "HX-Request" in polled.headers["Vary"]
    answer = by_key(app, uid, "teacher-answer")
    assert "kiitos vastauksestanne" in text(client.get(f"{M}/message/{answer.id}"))
    # she writes again: the teacher answered once, there is no second answer
    send(client, to=teacher_address(app), subject="Kiitos", body="Kiitos!")
    clock.advance(seconds=60)
    assert len([m for m in messages(app, uid) if m.scenario_key == "teacher-answer"]) == 1


def test_the_delay_is_a_setting(app, amina, monkeypatch):
    client, uid, clock = amina
    monkeypatch.setitem(app.config, "MAIL_REPLY_DELAY", 1)
    send(client, to="sara.ahmed@posti.example", subject="Hei", body="Moi")
    clock.advance(seconds=1)
    assert "Thank you for your message" in text(client.get(f"{M}/message/{by_key(app, uid, 'friend-answer').id}"))


def test_a_message_to_herself_arrives(app, amina):
    client, uid, _clock = amina
    send(client, to="Amina.Ali@posti.example", subject="Muistilappu", body="Osta maitoa")
    assert [m.subject for m in messages(app, uid) if m.folder == "inbox" and not m.scenario_key] == ["Muistilappu"]


def test_reset_starts_again_from_the_scenario(app, amina):
    client, uid, _clock = amina
    send(client, to="sara.ahmed@posti.example", subject="Hei", body="Moi", photo="cake")
    post(client, f"{M}/message/{by_key(app, uid, 'teacher').id}/delete")
    r = post(client, "/practice/reset/mail", {"confirm": "yes"})
    assert r.status_code == 303 and r.headers["Location"].endswith(M + "/")
    assert messages(app, uid) == []  # everything of hers is gone; where the reset leads seeds it afresh
    assert "started again" in text(client.get(M + "/"))
    rows = messages(app, uid)
    assert len(rows) == 5 and not [m for m in rows if m.folder == "sent"]
    assert by_key(app, uid, "teacher").folder == "inbox"


# --- nobody reaches another learner's mailbox ----------------------------------------------


def test_every_route_with_another_learners_ids_is_404(app, factory, monkeypatch):
    Clock(monkeypatch)
    amina, _amina_id = learner(app, factory, name="Amina")
    hodan, hodan_id = learner(app, factory, name="Hodan")
    post(hodan, M + "/compose", {"to": "x@posti.example", "subject": "Oma luonnos", "body": "salainen",
                                 "action": "draft"}, page=M + "/compose")
    before = [(m.id, m.folder, m.read, m.subject, m.body) for m in messages(app, hodan_id)]
    theirs = {m.scenario_key or "draft": m for m in messages(app, hodan_id)}
    office, phishing, draft = theirs["office"], theirs["phishing"], theirs["draft"]
    att = office.attachments[0]
    gets = [f"/message/{office.id}", f"/message/{office.id}?lang=mine", f"/message/{office.id}/reply",
            f"/message/{office.id}/forward", f"/message/{phishing.id}/link",
            f"/message/{office.id}/attachments/{att.id}", f"/message/{office.id}/attachments/{att.id}/file",
            f"/compose?draft={draft.id}", f"/message/{draft.id}"]
    for path in gets:
        r = amina.get(M + path)
        assert r.status_code == 404, path
        assert "salainen" not in text(r) and "Kuusikon" not in text(r)
    for action in ("delete", "restore", "spam"):
        assert post(amina, f"{M}/message/{office.id}/{action}").status_code == 404, action
    for field in ("related", "draft"):
        r = send(amina, to="sara.ahmed@posti.example", subject="x", body="y", kind="forward",
                 **{field: str(draft.id if field == "draft" else office.id)})
        assert r.status_code == 404, field
    assert amina.get(M + "/search?q=salainen").get_data(as_text=True).count("Oma luonnos") == 0
    after = [(m.id, m.folder, m.read, m.subject, m.body) for m in messages(app, hodan_id)]
    assert after == before
    assert all(a.opened_at is None for a in attachments(app, hodan_id))


def test_only_signed_in_learners(app, client, factory):
    assert client.get(M + "/").status_code == 302
    staff = factory.staff()
    from tests.conftest import csrf_token

    token = csrf_token(client, "/staff/sign-in")
    client.post("/staff/sign-in", data={"username": "deeqa", "password": "correct horse battery", "csrf_token": token})
    assert client.get(M + "/").status_code == 403
    assert staff
