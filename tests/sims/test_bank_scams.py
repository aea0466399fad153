"""Scams as they reach people in Finland now (issue 13, items 8 and 9): the practice phone has no
"report a scam" button (no real phone or bank has one), and each new trick's practice task passes
only when her choice, stored in her sandbox, is the safe one."""
from __future__ import annotations

import pytest

from tests.sims.test_bank_views import B, check, post, rows
from workshop.extensions import db
from workshop.sims.bank.accounts import message_data
from workshop.sims.bank.models import Message

# task -> (message key, the safe choice, the unsafe choices)
TRICKS = {
    "bank.scam_new_number": ("new-number", "call-old", ["pay", "reply"]),
    "bank.scam_parcel_text": ("parcel", "delete", ["reply"]),
    "bank.scam_safe_account": ("call-safe-account", "hang-up", ["move", "confirm"]),
    "bank.scam_fake_police": ("call-police", "hang-up", ["codes", "call-back"]),
}


def message_id(client, app, uid, key):
    client.get(B + "/phone")
    return next(m.id for m in rows(app, Message, uid) if m.key == key)


def choose(client, mid, action):
    return post(client, f"{B}/phone/{mid}/choose", {"action": action}, page=f"{B}/phone/{mid}")


def test_no_phone_page_offers_a_report_a_scam_button(learner_client, app):
    client, uid, _ = learner_client
    client.get(B + "/phone")
    for m in rows(app, Message, uid):
        html = client.get(f"{B}/phone/{m.id}").get_data(as_text=True)
        assert "Ilmoita huijauksesta" not in html, m.key
    sms = message_id(client, app, uid, "sms-locked")
    assert post(client, f"{B}/phone/{sms}/report", page=B + "/phone").status_code == 404
    html = client.get(f"{B}/phone/{sms}").get_data(as_text=True)
    assert 'lang="fi">Poista<' in html
    r = post(client, f"{B}/phone/{sms}/delete", page=B + "/phone")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "number on the back of your bank card" in html and "rikosilmoitus" in html


@pytest.mark.parametrize("task", sorted(TRICKS))
def test_each_trick_passes_only_with_the_safe_choice(learner_client, app, task):
    client, uid, _ = learner_client
    key, safe, unsafe = TRICKS[task]
    assert not check(app, uid, task).done
    mid = message_id(client, app, uid, key)
    for action in unsafe:
        r = choose(client, mid, action)
        assert r.status_code == 303
        result = check(app, uid, task)
        assert not result.done, action
        assert "Not safe yet" in result.hint
        html = client.get(f"{B}/phone/{mid}").get_data(as_text=True)
        assert "notice-error" in html and 'value="%s"' % safe in html  # explained, and she can choose again
    choose(client, mid, safe)
    assert check(app, uid, task).done
    html = client.get(f"{B}/phone/{mid}").get_data(as_text=True)
    assert "notice-ok" in html and "/choose" not in html
    choose(client, mid, unsafe[0])  # the last choice counts: an unsafe one after it fails again
    assert not check(app, uid, task).done


def test_tapping_the_parcel_link_is_the_unsafe_choice(learner_client, app):
    client, uid, _ = learner_client
    mid = message_id(client, app, uid, "parcel")
    assert client.get(f"{B}/phone/{mid}/link").status_code == 200
    assert not check(app, uid, "bank.scam_parcel_text").done
    with app.app_context():
        assert db.session.get(Message, mid).choice == "link"


def test_an_unknown_or_foreign_choice_changes_nothing(learner_client, app):
    client, uid, _ = learner_client
    mid = message_id(client, app, uid, "call-police")
    r = choose(client, mid, "give-everything")
    assert r.status_code == 303
    with app.app_context():
        assert db.session.get(Message, mid).choice == ""
    assert "Choose one of the buttons" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_every_trick_has_one_safe_choice_or_more_and_an_unsafe_one(app):
    with app.app_context():
        for key, _safe, _unsafe in TRICKS.values():
            actions = message_data(key)["actions"]
            assert any(a["safe"] for a in actions) and any(not a["safe"] for a in actions), key


def test_an_older_sandbox_gets_the_new_tricks(learner_client, app):
    client, uid, _ = learner_client
    client.get(B + "/phone")
    with app.app_context():
        db.session.execute(db.delete(Message).where(Message.learner_id == uid, Message.key == "call-police"))
        db.session.commit()
    assert not check(app, uid, "bank.scam_fake_police").done
    assert "call-police" not in {m.key for m in rows(app, Message, uid)}  # a check only reads
    client.get(B + "/phone")  # opening her phone brings what the scenario added since
    assert "call-police" in {m.key for m in rows(app, Message, uid)}
