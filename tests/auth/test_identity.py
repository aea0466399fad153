"""Who is signed in: a snapshot kept IDENTITY_SECONDS per process, dropped when this process changes it.

The rest of the suite reads it afresh on every request (IDENTITY_SECONDS = 0); these tests turn the
keeping on, as in production.
"""
from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.conftest import csrf_token, recorded_queries, sign_in
from workshop.auth import identity
from workshop.extensions import db
from workshop.models import DeviceSession, Enrollment, User, digest

STEP = "/learn/start/01-welcome/steps/welcome"


@pytest.fixture
def kept(app, monkeypatch):
    """IDENTITY_SECONDS as in production, with a clock the test moves."""
    clock = [1000.0]
    monkeypatch.setitem(app.config, "IDENTITY_SECONDS", 2)
    monkeypatch.setattr(identity, "_now", lambda: clock[0])
    return clock


def _user_reads(statements) -> int:
    return sum(1 for s in statements if "FROM device_sessions JOIN users" in s)


def _behind_the_app(app, uid: int, **values) -> None:
    """A change made by another worker process: this process's ORM never sees it happen."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(update(User).where(User.id == uid).values(**values))


def test_a_learner_stepping_through_a_lesson_is_read_once_in_the_window(app, factory, kept):
    uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    with recorded_queries(app) as statements:
        for _ in range(3):
            assert client.get(STEP, headers={"HX-Request": "true"}).status_code == 200
    assert _user_reads(statements) == 0  # sign-in just read her, two seconds have not passed
    kept[0] += 2.5
    with recorded_queries(app) as statements:
        assert client.get(STEP, headers={"HX-Request": "true"}).status_code == 200
    assert _user_reads(statements) == 1


def test_the_next_step_over_htmx_runs_no_sql_in_production_settings(app, factory, kept, monkeypatch):
    monkeypatch.setitem(app.config, "REVIEW_REFRESH_SECONDS", 3600)  # 2 s in production; no race here
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    client.get(STEP, headers={"HX-Request": "true"})  # the reviewed-wording version, read once
    with recorded_queries(app) as statements:
        for _ in range(3):
            assert client.get(STEP, headers={"HX-Request": "true"}).status_code == 200
    assert statements == []


def test_a_renewed_card_in_another_process_ends_old_sessions_within_the_window(app, factory, kept):
    uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    _behind_the_app(app, uid, session_version=User.session_version + 1)
    assert client.get("/home").status_code == 200  # still the kept snapshot
    kept[0] += 2.5
    assert client.get("/home").status_code == 302  # read again: the old session is over


def test_a_deactivated_account_in_another_process_is_signed_out_within_the_window(app, factory, kept):
    uid = factory.staff("sahra")
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    assert client.post("/staff/sign-in", data={"username": "sahra", "password": "correct horse battery",
                                               "csrf_token": token}).status_code == 303
    assert client.get("/teach/").status_code == 200
    _behind_the_app(app, uid, active=False)
    kept[0] += 2.5
    assert client.get("/teach/").status_code == 302


def test_changes_made_in_this_process_apply_at_once(app, factory, kept):
    workshop = factory.workshop("so")
    uid, code, _ = factory.learner(workshop, locale="en")
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    assert client.get("/home").status_code == 200
    # an instructor moves her out of the group (through the ORM, in this process): no waiting
    with app.app_context():
        db.session.delete(db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == uid)))
        db.session.commit()
    assert client.get("/home").status_code == 403
    with app.app_context():
        user = db.session.get(User, uid)
        user.issue_code()
        db.session.commit()
    assert client.get("/home").status_code == 302


def test_a_changed_language_shows_at_once_in_every_process(app, factory, kept):
    uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    token = csrf_token(client, "/language")
    other_worker = dict(app.extensions[identity.CACHE])  # what another process keeps: "en"
    assert client.post("/language", data={"locale": "ar", "csrf_token": token}).status_code == 303
    app.extensions[identity.CACHE].update(other_worker)  # the next request lands there
    html = client.get("/home").get_data(as_text=True)
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    kept[0] += 2.5  # read again: her account says Arabic too
    assert 'lang="ar"' in client.get("/home").get_data(as_text=True)


def test_her_account_language_follows_her_to_her_other_devices(app, factory):
    uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    phone, tablet = app.test_client(), app.test_client()
    assert sign_in(phone, code).status_code == 303 and sign_in(tablet, code).status_code == 303
    token = csrf_token(tablet, "/language")
    assert tablet.post("/language", data={"locale": "fi", "csrf_token": token}).status_code == 303
    assert 'lang="fi"' in phone.get("/home").get_data(as_text=True)


def test_signing_in_on_a_shared_device_uses_her_own_language(app, factory):
    workshop = factory.workshop("so")
    _a, code_a, _ = factory.learner(workshop, name="Amina", locale="ar")
    _b, code_b, _ = factory.learner(workshop, name="Hodan", locale="so")
    client = app.test_client()
    assert sign_in(client, code_a).status_code == 303
    assert 'lang="ar"' in client.get("/home").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/home")})
    assert sign_in(client, code_b).status_code == 303
    assert 'lang="so"' in client.get("/home").get_data(as_text=True)


def test_signing_out_says_goodbye_in_her_language_not_the_browsers(app, factory):
    """Her phone's browser asks for English; her language is her group's (Somali), never chosen by
    hand. The signed-out page and the sign-in page after it speak Somali; the next learner on the same
    browser still reads her own group's language (Arabic), not the one left behind."""
    _a, code_a, _ = factory.learner(factory.workshop("so"), name="Amina")
    _b, code_b, _ = factory.learner(factory.workshop("ar"), name="Mariam")
    client = app.test_client()
    english = {"Accept-Language": "en-US,en;q=0.9"}
    assert sign_in(client, code_a).status_code == 303
    assert 'lang="so"' in client.get("/home", headers=english).get_data(as_text=True)
    out = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/home")}, headers=english)
    assert out.status_code == 303
    assert 'lang="so"' in client.get(out.location, headers=english).get_data(as_text=True)
    assert 'lang="so"' in client.get("/sign-in", headers=english).get_data(as_text=True)
    assert sign_in(client, code_b).status_code == 303
    assert 'lang="ar"' in client.get("/home", headers=english).get_data(as_text=True)


def test_the_snapshot_is_what_views_need_and_her_row_on_request(app, factory):
    workshop = factory.workshop("ar")
    uid, _code, _ = factory.learner(workshop, locale=None)
    with app.test_request_context():
        db.session.add(DeviceSession(user_id=uid, token_digest=digest("a-device-token"), version=2, kind="own"))
        db.session.commit()
        me = identity.read("a-device-token")
        assert (me.id, me.role, me.locale, me.is_learner, me.is_staff) == (uid, "learner", None, True, False)
        assert [m.workshop_id for m in me.memberships] == [workshop]
        assert me.membership_now().language == "ar"
        assert me.get_id() == "d:a-device-token"  # the device, never her id
        assert isinstance(me.record, User) and me.record.id == uid
        with pytest.raises(AttributeError):
            me.locale = "so"  # frozen: threads share it
    with app.test_request_context():
        assert identity.read("no-such-device") is None
