"""The lesson task she was doing in a practice is kept with her enrolment, not only in the browser
session: after signing in again (or on another device) the practice still shows her task and the way
back to the lesson (issue 15, item 8)."""
from __future__ import annotations

from tests.conftest import sign_in
from workshop.extensions import db
from workshop.models import Enrollment

STEP = "email/04-replying/practice-reply"


def test_her_practice_task_survives_signing_in_again(app, factory):
    wid = factory.workshop(language="en")
    uid, code, _ = factory.learner(wid)
    tablet = app.test_client()
    assert sign_in(tablet, code).status_code == 303
    assert "Your task:" not in tablet.get("/practice/mail/").get_data(as_text=True)
    tablet.get(f"/practice/open/mail?step={STEP}")
    assert "Your task:" in tablet.get("/practice/mail/").get_data(as_text=True)

    phone = app.test_client()  # a new session: signed in again, at home
    assert sign_in(phone, code).status_code == 303
    html = phone.get("/practice/mail/").get_data(as_text=True)
    assert "Your task:" in html and "/learn/email/04-replying/steps/practice-reply" in html


def test_only_a_real_practice_step_is_kept(app, factory):
    wid = factory.workshop(language="en")
    uid, code, _ = factory.learner(wid)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    client.get("/practice/open/mail?step=email/04-replying/no-such-step")
    client.get("/practice/open/mail?step=" + "x/" * 300)
    with app.app_context():
        assert db.session.scalar(db.select(Enrollment.practice_step).where(Enrollment.learner_id == uid)) is None


def test_a_task_shows_only_in_the_service_it_is_done_in(app, factory):
    """Her Kela task ("Open OmaKela in the practice…") showed in the practice bank, the inbox and Wilma
    too, with "Back to the lesson" leading to the Kela lesson: a task is checked in its own service
    only, so another service shows none (and its own way back to her lessons)."""
    wid = factory.workshop(language="en")
    uid, code, _ = factory.learner(wid)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    client.get(f"/practice/open/mail?step={STEP}")
    assert "Your task:" in client.get("/practice/mail/").get_data(as_text=True)
    for other in ("/practice/bank/", "/practice/wilma/", "/practice/suomifi/", "/practice/phone/"):
        html = client.get(other, follow_redirects=True).get_data(as_text=True)
        assert "Your task:" not in html and "/learn/email/04-replying/steps/practice-reply" not in html, other
    assert "Your task:" in client.get("/practice/mail/").get_data(as_text=True)  # still hers in the inbox
