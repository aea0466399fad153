"""Sign-in without e-mail: codes, cards, staff passwords, rate limits, CSRF, sign-out."""
from __future__ import annotations

from tests.conftest import csrf_token, sign_in
from workshop.auth.throttle import ITEMS
from workshop.extensions import db
from workshop.models import Role, User


def test_learner_signs_in_with_code_in_any_case_and_spacing(client, factory):
    uid, code, _ = factory.learner(factory.workshop())
    typed = f" {code[:4].lower()} - {code[4:]} "
    response = sign_in(client, typed)
    assert response.status_code == 303 and response.headers["Location"].endswith("/home")
    assert client.get("/home").status_code == 200


def test_wrong_code_gives_a_clear_message_and_no_session(client, factory):
    factory.learner(factory.workshop())
    response = sign_in(client, "AAAA-AAAA")
    assert response.status_code == 200
    assert "That code is not right" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_empty_code_is_explained(client):
    response = sign_in(client, "")
    assert "Please type your code." in response.get_data(as_text=True)


def test_wrong_codes_are_rate_limited_with_a_message(client, factory):
    # More in tests/security/test_sign_in_limits.py: who else may still sign in from that address.
    factory.learner(factory.workshop())
    for _ in range(ITEMS["code-address"].amount):
        assert sign_in(client, "WRONGCODE").status_code == 200
    blocked = sign_in(client, "WRONGCODE")
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.get_data(as_text=True)


def test_successful_sign_ins_do_not_use_up_the_limit(app, factory):
    """A whole class on one Wi-Fi address signs in at once."""
    workshop = factory.workshop()
    codes = [factory.learner(workshop, name=f"L{n}")[1] for n in range(15)]
    for code in codes:
        assert sign_in(app.test_client(), code).status_code == 303


def test_rate_limit_message_is_in_her_language(client, factory):
    client.set_cookie("askel_lang", "fi")
    for _ in range(ITEMS["code-address"].amount):
        sign_in(client, "WRONGCODE")
    blocked = sign_in(client, "WRONGCODE")
    assert blocked.status_code == 429
    assert 'lang="fi"' in blocked.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, factory):
    _uid, code, _ = factory.learner(factory.workshop())
    response = client.post("/sign-in", data={"code": code})
    assert response.status_code == 400
    assert client.get("/home").status_code == 302


def test_card_link_asks_before_signing_in(client, factory):
    uid, _code, token = factory.learner(factory.workshop(), name="Hodan")
    page = client.get(f"/card/{token}", follow_redirects=True)
    assert page.status_code == 200 and "Hodan" in page.get_data(as_text=True)
    assert client.get("/home").status_code == 302  # a GET never signs in
    response = client.post("/card", data={"csrf_token": csrf_token(client, "/card")})
    assert response.status_code == 303
    assert client.get("/home").status_code == 200


def test_the_card_token_leaves_the_address_at_once(client, factory):
    """The token is exchanged for a short-lived session value: after the first GET no URL holds it."""
    _uid, _code, token = factory.learner(factory.workshop(), name="Hodan")
    first = client.get(f"/card/{token}")
    assert first.status_code == 303 and first.headers["Location"] == "/card"
    page = client.get("/card")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Hodan" in html and token not in html
    assert page.request.path == "/card" and token not in page.request.url
    response = client.post("/card", data={"csrf_token": csrf_token(client, "/card")})
    assert response.status_code == 303 and token not in response.headers["Location"]
    assert client.get("/home").status_code == 200
    assert client.get("/card").status_code == 404  # used once: the session value is gone


def test_a_pending_card_expires_and_a_renewed_card_stops_it(app, client, factory):
    uid, _code, token = factory.learner(factory.workshop(), name="Hodan")
    assert client.get(f"/card/{token}").status_code == 303
    with client.session_transaction() as session:
        session["card"] = {**session["card"], "until": 1}
    assert client.get("/card").status_code == 404
    assert client.get(f"/card/{token}").status_code == 303
    with app.app_context():
        db.session.get(User, uid).issue_code()
        db.session.commit()
    response = client.post("/card", data={"csrf_token": csrf_token(client, "/sign-in")})
    assert response.status_code == 404 and client.get("/home").status_code == 302


def test_unknown_card_is_explained(client):
    response = client.get("/card/not-a-real-token-123")
    assert response.status_code == 404
    assert "This card does not work" in response.get_data(as_text=True)


def test_renewed_code_invalidates_old_code_card_and_sessions(app, client, factory):
    uid, code, token = factory.learner(factory.workshop())
    assert sign_in(client, code).status_code == 303
    with app.app_context():
        user = db.session.get(User, uid)
        new_code, _new_token = user.issue_code()
        db.session.commit()
    assert client.get("/home").status_code == 302  # the old session ended
    assert sign_in(client, code).status_code == 200
    assert client.get(f"/card/{token}").status_code == 404
    assert sign_in(client, new_code).status_code == 303


def test_codes_and_passwords_are_stored_hashed(app, factory):
    uid, code, token = factory.learner(factory.workshop())
    staff = factory.staff(password="a long practice password")
    with app.app_context():
        learner = db.session.get(User, uid)
        assert code not in (learner.code_digest or "") and token not in (learner.card_digest or "")
        assert "a long practice password" not in db.session.get(User, staff).password_hash


def test_staff_sign_in_and_wrong_password(client, factory):
    factory.staff("deeqa", password="right password here")
    token = csrf_token(client, "/staff/sign-in")
    wrong = client.post("/staff/sign-in", data={"username": "deeqa", "password": "nope", "csrf_token": token})
    assert "The username or password is not right." in wrong.get_data(as_text=True)
    ok = client.post("/staff/sign-in", data={"username": "Deeqa", "password": "right password here", "csrf_token": token})
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/teach/")


def test_learner_code_does_not_open_staff_sign_in(client, factory):
    _uid, code, _ = factory.learner(factory.workshop())
    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={"username": code, "password": code, "csrf_token": token})
    assert response.status_code == 200


def test_sign_out_is_one_tap_and_ends_the_session(learner_client):
    client, _uid, _code = learner_client
    home = client.get("/home").get_data(as_text=True)
    assert 'action="/sign-out"' in home
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/home")})
    assert response.status_code == 303
    assert client.get("/home").status_code == 302


def test_remember_me_sets_a_long_lived_cookie_only_when_asked(app, factory):
    workshop = factory.workshop()
    _uid, code, _ = factory.learner(workshop, name="A")
    _uid2, code2, _ = factory.learner(workshop, name="B")
    own_phone = app.test_client()
    sign_in(own_phone, code, remember="y")
    assert own_phone.get_cookie("remember_token") is not None
    tablet = app.test_client()
    sign_in(tablet, code2)
    assert tablet.get_cookie("remember_token") is None


def test_session_cookie_flags(client, factory):
    _uid, code, _ = factory.learner(factory.workshop())
    response = sign_in(client, code)
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_staff_routes_refuse_learners(learner_client):
    client, _uid, _code = learner_client
    assert client.get("/teach/").status_code == 403
    assert client.get("/admin/").status_code == 403


def test_learner_pages_require_sign_in(client):
    for path in ["/home", "/my-progress", "/learn/start/01-welcome/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_role_values_are_the_enum(app, factory):
    uid = factory.staff("liisa", role=Role.COORDINATOR)
    with app.app_context():
        assert db.session.get(User, uid).role == "coordinator"


def test_no_request_pays_for_flask_limiters_bookkeeping(app):
    # Sign-in limits are counted by the sign-in views themselves (auth/throttle.py, failures only);
    # Flask-Limiter only holds the storage, so every request skips its per-request bookkeeping.
    assert app.extensions["askel_rate_limited"] == frozenset()
    from workshop.extensions import limiter

    manager = limiter.limit_manager  # nothing app-wide or per blueprint that the filter would skip
    assert not (manager._default_limits or manager._application_limits or manager._blueprint_limits
                or limiter._meta_limits)
