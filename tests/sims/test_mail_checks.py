"""The e-mail lessons' task checks: they read her mailbox and give a specific hint until done;
and the practice step in the lesson player uses them."""
from __future__ import annotations

import re

import pytest

from tests.sims.mail_helpers import M, Clock, by_key, check, learner, post, send, teacher_address
from workshop.sims.mail import mailbox


@pytest.fixture
def amina(app, factory, monkeypatch):
    clock = Clock(monkeypatch)
    client, uid = learner(app, factory)
    return client, uid, clock


def test_checks_before_she_opened_the_practice(app, factory):
    uid, _code, _ = factory.learner(factory.workshop())
    for name in ("mail.read_teacher_message", "mail.read_office_message", "mail.moved_from_junk",
                 "mail.replied_to_teacher", "mail.sent_new_message", "mail.sent_with_photo",
                 "mail.opened_attachment", "mail.reported_phishing"):
        result = check(app, uid, name)
        assert not result.done and "Open the practice" in result.hint, name


def test_read_teacher_message(app, amina):
    client, uid, _clock = amina
    result = check(app, uid, "mail.read_teacher_message")
    assert not result.done and "Liisa Virtanen" in result.hint
    teacher = by_key(app, uid, "teacher")
    post(client, f"{M}/message/{teacher.id}/delete")
    assert "Poistetut" in check(app, uid, "mail.read_teacher_message").hint
    client.get(f"{M}/message/{teacher.id}")
    assert check(app, uid, "mail.read_teacher_message").done


def test_read_office_message(app, amina):
    client, uid, _clock = amina
    assert "Varhaiskasvatuksen" in check(app, uid, "mail.read_office_message").hint
    client.get(f"{M}/message/{by_key(app, uid, 'office').id}")
    assert check(app, uid, "mail.read_office_message").done


def test_moved_from_junk(app, amina):
    client, uid, _clock = amina
    assert "Ei roskapostia" in check(app, uid, "mail.moved_from_junk").hint
    party = by_key(app, uid, "school-party")
    post(client, f"{M}/message/{party.id}/delete")
    assert "Palauta" in check(app, uid, "mail.moved_from_junk").hint
    post(client, f"{M}/message/{party.id}/restore")
    assert check(app, uid, "mail.moved_from_junk").done


def test_replied_to_teacher_hints_then_done(app, amina):
    client, uid, _clock = amina
    assert "First open the teacher's message" in check(app, uid, "mail.replied_to_teacher").hint
    teacher = by_key(app, uid, "teacher")
    client.get(f"{M}/message/{teacher.id}")
    assert "press Vastaa" in check(app, uid, "mail.replied_to_teacher").hint
    quoted = mailbox.QUOTE_MARK + "\n> Vastaatteko"
    post(client, M + "/compose", {"to": teacher_address(app), "subject": "Re: retki", "body": "Kyllä\n\n" + quoted,
                                  "kind": "reply", "related": str(teacher.id), "action": "draft"}, page=M + "/compose")
    assert "Luonnokset" in check(app, uid, "mail.replied_to_teacher").hint
    send(client, to=teacher_address(app), subject="Re: retki", body="\n\n" + quoted, kind="reply", related=str(teacher.id))
    assert "no words of your own" in check(app, uid, "mail.replied_to_teacher").hint
    send(client, to=teacher_address(app), subject="Re: retki", body="Hei, saa osallistua!\n\n" + quoted,
         kind="reply", related=str(teacher.id))
    assert check(app, uid, "mail.replied_to_teacher").done


def test_sent_new_message_and_with_photo(app, amina):
    client, uid, _clock = amina
    assert "Uusi viesti" in check(app, uid, "mail.sent_new_message").hint
    assert "Liitä tiedosto" in check(app, uid, "mail.sent_with_photo").hint
    teacher = by_key(app, uid, "teacher")
    send(client, to=teacher_address(app), subject="Re: x", body="Kyllä", kind="reply", related=str(teacher.id))
    assert "Now write a new one" in check(app, uid, "mail.sent_new_message").hint
    assert "no photo" in check(app, uid, "mail.sent_with_photo").hint
    post(client, M + "/compose", {"to": "sara.ahmed@posti.example", "subject": "Kuva", "body": "Tässä",
                                  "photo": "sea", "action": "draft"}, page=M + "/compose")
    assert "Luonnokset" in check(app, uid, "mail.sent_with_photo").hint
    assert "Luonnokset" in check(app, uid, "mail.sent_new_message").hint
    send(client, to="sara.ahmed@posti.example", subject="Kuva", body="Tässä", photo="sea")
    assert check(app, uid, "mail.sent_new_message").done
    assert check(app, uid, "mail.sent_with_photo").done


def test_opened_attachment(app, amina):
    client, uid, _clock = amina
    assert "paperclip" in check(app, uid, "mail.opened_attachment").hint
    office = by_key(app, uid, "office")
    client.get(f"{M}/message/{office.id}/attachments/{office.attachments[0].id}")
    assert check(app, uid, "mail.opened_attachment").done


def test_reported_phishing_hints(app, amina):
    client, uid, _clock = amina
    assert "account is locked" in check(app, uid, "mail.reported_phishing").hint
    phishing = by_key(app, uid, "phishing")
    post(client, f"{M}/message/{phishing.id}/delete")
    assert "You deleted" in check(app, uid, "mail.reported_phishing").hint
    client.get(f"{M}/message/{phishing.id}/link")
    assert "You opened the link" in check(app, uid, "mail.reported_phishing").hint
    send(client, to=phishing.from_addr, subject="Re", body="Tunnukseni")
    assert "You answered" in check(app, uid, "mail.reported_phishing").hint
    post(client, f"{M}/message/{phishing.id}/spam")
    assert check(app, uid, "mail.reported_phishing").done


def test_practice_step_in_the_player_uses_the_check(app, amina):
    client, uid, clock = amina
    step_url = "/learn/email/04-replying/steps/practice-reply"
    page = client.get(step_url).get_data(as_text=True)
    assert "Open the practice" in page
    opened = client.get("/practice/open/mail?step=email/04-replying/practice-reply&path=scenario/teacher")
    assert opened.headers["Location"].endswith("/practice/mail/scenario/teacher")
    html = client.get(M + "/").get_data(as_text=True)
    assert "Your task:" in html and "Back to the lesson" in html
    fields = {"key": re.search(r'name="key" value="([^"]+)"', page).group(1)}
    r = post(client, step_url, fields, page=step_url)
    assert r.status_code == 200 and "press Vastaa" in r.get_data(as_text=True)
    teacher = by_key(app, uid, "teacher")
    send(client, to=teacher_address(app), subject="Re: retki", body="Hei! Kyllä saa.", kind="reply", related=str(teacher.id))
    page = client.get(step_url).get_data(as_text=True)
    fields = {"key": re.search(r'name="key" value="([^"]+)"', page).group(1)}
    r = post(client, step_url, fields, page=step_url)
    assert r.status_code == 303 and r.headers["Location"].endswith("answered=task")
