"""Sessions and identity (issue 12, items 1-4): a session names a device by a random token, ends at
sign-out, remember-me is per device, ages and can be revoked, a shared tablet signs out by itself,
and the database alone does not give away anyone's sign-in code."""
from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from tests.conftest import csrf_token, sign_in
from workshop.auth import identity
from workshop.extensions import db
from workshop.models import DeviceSession, User, digest, keyed_digest, utcnow

REMEMBER = "remember_token"


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", REMEMBER) if client.get_cookie(name)}


def _with_cookies(app, cookies: dict[str, str]):
    """Another browser holding copies of these cookies (a stolen or left-behind phone)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _only_remember(app, cookies):
    return _with_cookies(app, {REMEMBER: cookies[REMEMBER]})


def _sign_out(client, page="/home"):
    return client.post("/sign-out", data={"csrf_token": csrf_token(client, page)})


def test_a_deleted_learners_cookies_do_not_open_the_next_learners_account(app, factory):
    workshop = factory.workshop("so")
    old_id, code, _ = factory.learner(workshop, name="Amina", locale="en")
    phone = app.test_client()
    assert sign_in(phone, code, remember="y").status_code == 303
    cookies = _cookies(phone)
    assert REMEMBER in cookies
    with app.app_context():
        db.session.delete(db.session.get(User, old_id))
        db.session.commit()
    new_id, _code, _ = factory.learner(workshop, name="Hodan", locale="en")
    assert new_id != old_id  # never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL)
    assert phone.get("/home").status_code == 302
    assert _only_remember(app, cookies).get("/home").status_code == 302


def test_signing_out_ends_the_session_and_the_remember_cookie_everywhere(app, factory):
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    phone = app.test_client()
    assert sign_in(phone, code, remember="y").status_code == 303
    cookies = _cookies(phone)
    assert _with_cookies(app, cookies).get("/home").status_code == 200  # copies work while signed in
    assert _sign_out(phone).status_code == 303
    assert _with_cookies(app, {"session": cookies["session"]}).get("/home").status_code == 302
    assert _only_remember(app, cookies).get("/home").status_code == 302


def test_remember_me_is_per_device_and_signing_out_one_keeps_the_other(app, factory):
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    phone, laptop = app.test_client(), app.test_client()
    assert sign_in(phone, code, remember="y").status_code == 303
    assert sign_in(laptop, code, remember="y").status_code == 303
    assert _cookies(phone)[REMEMBER] != _cookies(laptop)[REMEMBER]
    laptop_cookies = _cookies(laptop)
    assert _sign_out(phone).status_code == 303
    assert _only_remember(app, laptop_cookies).get("/home").status_code == 200


def test_remember_me_ends_after_ninety_days_without_a_visit(app, factory):
    uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    phone = app.test_client()
    assert sign_in(phone, code, remember="y").status_code == 303
    cookies = _cookies(phone)
    with app.app_context():
        db.session.execute(db.update(DeviceSession).where(DeviceSession.user_id == uid)
                           .values(last_seen_at=utcnow() - timedelta(days=89)))
        db.session.commit()
    assert _only_remember(app, cookies).get("/home").status_code == 200  # 89 days: still hers, seen again
    with app.app_context():
        seen = db.session.scalar(db.select(DeviceSession.last_seen_at).where(DeviceSession.user_id == uid))
        assert seen > utcnow() - timedelta(minutes=5)
        db.session.execute(db.update(DeviceSession).where(DeviceSession.user_id == uid)
                           .values(last_seen_at=utcnow() - timedelta(days=91)))
        db.session.commit()
    assert _only_remember(app, cookies).get("/home").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(DeviceSession.id)).where(DeviceSession.user_id == uid)) == 0


def test_she_signs_out_everywhere_from_her_progress_page(app, factory):
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    phone, lost_phone = app.test_client(), app.test_client()
    assert sign_in(phone, code).status_code == 303
    assert sign_in(lost_phone, code, remember="y").status_code == 303
    lost = _cookies(lost_phone)
    page = phone.get("/my-progress").get_data(as_text=True)
    assert 'action="/sign-out/everywhere"' in page
    answer = phone.post("/sign-out/everywhere", data={"csrf_token": csrf_token(phone, "/my-progress")})
    assert answer.status_code == 303 and "everywhere" in answer.headers["Location"]
    assert phone.get("/home").status_code == 302
    assert lost_phone.get("/home").status_code == 302
    assert _only_remember(app, lost).get("/home").status_code == 302
    assert sign_in(app.test_client(), code).status_code == 303  # her code still works


def test_her_instructor_signs_her_out_everywhere(app, factory):
    from tests.conftest import staff_client

    deeqa = factory.staff("deeqa")
    workshop = factory.workshop("so", instructor=deeqa)
    uid, code, _ = factory.learner(workshop, locale="en")
    phone = app.test_client()
    assert sign_in(phone, code, remember="y").status_code == 303
    cookies = _cookies(phone)
    instructor = staff_client(app, "deeqa")
    page = f"/teach/groups/{workshop}/learners/{uid}"
    assert "She is signed in on 1 device." in instructor.get(page).get_data(as_text=True)
    answer = instructor.post(page + "/sign-out", data={"csrf_token": csrf_token(instructor, page)})
    assert answer.status_code == 303
    assert phone.get("/home").status_code == 302
    assert _only_remember(app, cookies).get("/home").status_code == 302
    assert "She is signed in on 0 devices." in instructor.get(page).get_data(as_text=True)


def test_another_instructor_cannot_sign_her_out(app, factory):
    from tests.conftest import staff_client

    deeqa, rasha = factory.staff("deeqa"), factory.staff("rasha")
    workshop = factory.workshop("so", instructor=deeqa)
    factory.workshop("ar", instructor=rasha)
    uid, code, _ = factory.learner(workshop, locale="en")
    phone = app.test_client()
    assert sign_in(phone, code).status_code == 303
    other = staff_client(app, "rasha")
    answer = other.post(f"/teach/groups/{workshop}/learners/{uid}/sign-out",
                        data={"csrf_token": csrf_token(other, "/teach/")})
    assert answer.status_code == 404
    assert phone.get("/home").status_code == 200


def test_signing_in_on_a_shared_browser_keeps_nothing_of_the_person_before(app, factory):
    workshop = factory.workshop("so")
    _a, code_a, _ = factory.learner(workshop, name="Amina", locale="en")
    _b, code_b, _ = factory.learner(workshop, name="Hodan", locale="en")
    browser = app.test_client()
    assert sign_in(browser, code_a).status_code == 303
    with browser.session_transaction() as s:
        s["practice"] = "bank/03-pay-a-bill/practice"  # e.g. her practice-task banner
        s["anything"] = "of hers"
    assert _sign_out(browser).status_code == 303
    with browser.session_transaction() as s:
        assert "practice" not in s and "anything" not in s
    with browser.session_transaction() as s:
        s["practice"] = "left by someone"
    assert sign_in(browser, code_b).status_code == 303
    with browser.session_transaction() as s:
        assert "practice" not in s


def test_a_card_signing_in_over_someone_else_starts_afresh(app, factory):
    workshop = factory.workshop("so")
    _a, code_a, _ = factory.learner(workshop, name="Amina", locale="en")
    _b, _code_b, token_b = factory.learner(workshop, name="Hodan", locale="en")
    browser = app.test_client()
    assert sign_in(browser, code_a).status_code == 303
    with browser.session_transaction() as s:
        s["practice"] = "bank/03-pay-a-bill/practice"
    card = browser.get(f"/card/{token_b}", follow_redirects=True)
    assert card.status_code == 200
    answer = browser.post(card.request.path, data={"csrf_token": csrf_token(browser, card.request.path)})
    assert answer.status_code == 303
    with browser.session_transaction() as s:
        assert "practice" not in s
    assert "Hodan" in browser.get("/home").get_data(as_text=True)


def test_codes_are_stored_keyed_by_a_secret_that_is_not_in_the_database(app, factory):
    uid, code, token = factory.learner(factory.workshop("so"), locale="en")
    with app.app_context():
        user = db.session.get(User, uid)
        plain = hashlib.sha256(code.encode()).hexdigest()
        assert user.code_digest != plain and user.card_digest != hashlib.sha256(token.encode()).hexdigest()
        # what is stored is a keyed HMAC of the SHA-256: without SECRET_KEY nobody can test a guess
        assert user.code_digest == keyed_digest(plain, app.config["SECRET_KEY"])
        assert user.code_digest != keyed_digest(plain, "another key")


def test_a_rotated_key_keeps_codes_working_and_rekeys_them(app, factory, monkeypatch):
    uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    old = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-after-rotation")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old])
    assert sign_in(app.test_client(), code).status_code == 303
    with app.app_context():
        assert db.session.get(User, uid).code_digest == digest(code)  # now under the new key
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    assert sign_in(app.test_client(), code).status_code == 303


def _tablet_learner(app, factory):
    from tests.conftest import staff_client

    deeqa = factory.staff("deeqa")
    workshop = factory.workshop("so", instructor=deeqa)
    uid, code, _ = factory.learner(workshop, locale="en")
    tablet = staff_client(app, "deeqa")
    answer = tablet.post(f"/tablet/setup/{workshop}", data={"csrf_token": csrf_token(tablet, f"/tablet/setup/{workshop}")})
    assert answer.status_code in (200, 303)
    _sign_out(tablet, "/teach/")
    assert sign_in(tablet, code).status_code == 303
    return tablet, uid


def test_a_shared_tablet_signs_out_by_itself_when_left_alone(app, factory, monkeypatch):
    monkeypatch.setitem(app.config, "TABLET_IDLE_SECONDS", 300)
    tablet, uid = _tablet_learner(app, factory)
    page = tablet.get("/home").get_data(as_text=True)
    assert 'id="idle-countdown"' in page and 'data-seconds="300"' in page
    assert 'http-equiv="refresh" content="302;url=/tablet/idle' in page  # without JavaScript too
    with tablet.session_transaction() as s:
        s[identity.SEEN_KEY] = int(time.time()) - 280
    assert tablet.get("/home").status_code == 200  # a tap just in time: the time starts again
    with tablet.session_transaction() as s:
        assert s[identity.SEEN_KEY] >= int(time.time()) - 5
        s[identity.SEEN_KEY] = int(time.time()) - 301
    assert tablet.get("/tablet/idle").headers["Location"].endswith("/tablet/")
    assert tablet.get("/home").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(DeviceSession.id)).where(DeviceSession.user_id == uid)) == 0


def test_the_idle_check_itself_is_no_sign_of_life(app, factory):
    tablet, _uid = _tablet_learner(app, factory)
    with tablet.session_transaction() as s:
        s[identity.SEEN_KEY] = int(time.time()) - 200
    assert tablet.get("/tablet/idle").status_code == 303
    with tablet.session_transaction() as s:
        assert s[identity.SEEN_KEY] <= int(time.time()) - 200


def test_her_own_phone_shows_no_countdown(app, factory):
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="en")
    phone = app.test_client()
    assert sign_in(phone, code, remember="y").status_code == 303
    assert 'idle-countdown' not in phone.get("/home").get_data(as_text=True)
