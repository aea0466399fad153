"""Sign-in limits that stop guessing and never stop a class (issue 12, items 5-8).

Failures are counted per source and per target, keyed on what the server verified; a right card
always signs in, a right code from a browser used before or a set-up tablet too; staff usernames
do not leak through timing; the counts live in shared storage and a lost Redis degrades clearly.
"""
from __future__ import annotations

import logging
import re
import socket
import sys
from pathlib import Path

import pytest
import werkzeug.security
from flask import Flask
from limits.storage import MemoryStorage, RedisStorage

from tests.conftest import REDIS_TEST_URL, csrf_token, sign_in, staff_client
from tests.auth.helpers import set_pictures, set_up_tablet, tap
from workshop import _trust_proxies
from workshop.auth import throttle
from workshop.auth.throttle import ITEMS, LIMITS, Counters

REDIS_URL = REDIS_TEST_URL
ROOT = Path(__file__).resolve().parents[2]


def amount(name: str) -> int:
    return ITEMS[name].amount


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")


def staff_post(client, username: str, password: str, **kwargs):
    token = csrf_token(client, "/staff/sign-in")
    return client.post("/staff/sign-in", data={"username": username, "password": password, "csrf_token": token},
                       **kwargs)


def code_post(client, code: str, headers=None):
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"code": code, "csrf_token": token}, headers=headers or {})


def fail_codes(client, times: int, headers=None) -> None:
    for _ in range(times):
        assert code_post(client, "WRONGCODE", headers).status_code == 200


# --- item 5: timing --------------------------------------------------------------------------------------

@pytest.fixture
def hash_runs(monkeypatch):
    """How often the password hash really runs (both the account's check and the dummy go through it)."""
    runs = []
    original = werkzeug.security._hash_internal

    def counting(method, salt, password):
        runs.append(method.split(":")[0])
        return original(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return runs


def test_unknown_and_known_usernames_both_run_the_password_hash(client, factory, hash_runs):
    factory.staff("deeqa", password="the right password")
    staff_post(client, "someone-else", "warm up")  # the dummy hash is made once per process
    hash_runs.clear()
    staff_post(client, "deeqa", "a wrong password")
    known = list(hash_runs)
    hash_runs.clear()
    staff_post(client, "nobody-by-this-name", "a wrong password")
    unknown = list(hash_runs)
    assert len(known) == 1 and unknown == known  # one hash each, of the same method


def test_a_learner_or_a_deactivated_account_also_runs_the_hash(app, client, factory, hash_runs):
    from workshop.extensions import db
    from workshop.models import User

    staff = factory.staff("rasha", password="the right password")
    with app.app_context():
        db.session.get(User, staff).active = False
        db.session.commit()
    hash_runs.clear()
    response = staff_post(client, "rasha", "the right password")
    assert response.status_code == 200 and len(hash_runs) == 1


# --- item 6: a right code always signs in where it safely can ------------------------------------

def test_a_class_behind_one_address_signs_in_after_someone_elses_typos(app, factory):
    """Her phone, used before on this Wi-Fi, signs in even when the address is over its limit."""
    workshop = factory.workshop()
    _uid, code, _ = factory.learner(workshop)
    phone = app.test_client()
    assert sign_in(phone, code).status_code == 303
    phone.post("/sign-out", data={"csrf_token": csrf_token(phone, "/home")})
    mischief = app.test_client()
    fail_codes(mischief, amount("code-address"))
    assert sign_in(mischief, "WRONGCODE").status_code == 429
    assert sign_in(phone, code).status_code == 303
    # a brand-new browser at that address waits: checking its code would give the guesser more tries
    assert sign_in(app.test_client(), code).status_code == 429


def test_a_known_browser_counts_on_its_own_and_per_account(app, factory):
    workshop = factory.workshop()
    _uid, code, _ = factory.learner(workshop)
    browser = app.test_client()
    assert sign_in(browser, code).status_code == 303
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/home")})
    fail_codes(browser, amount("browser"))
    assert sign_in(browser, "WRONGCODE").status_code == 429
    # a second browser vouched for by the same account shares the account's count
    second = app.test_client()
    assert sign_in(second, code).status_code == 303
    second.post("/sign-out", data={"csrf_token": csrf_token(second, "/home")})
    assert sign_in(second, "WRONGCODE").status_code == 429


def test_a_forged_known_browser_cookie_counts_as_unknown(app, factory):
    client = app.test_client()
    client.set_cookie(throttle.KNOWN_COOKIE, "WzEsImFhYWFhYWFhYWFhIl0.forged.signature")
    fail_codes(client, amount("code-address"))
    assert sign_in(client, "WRONGCODE").status_code == 429


def test_a_right_card_always_signs_in(app, factory):
    _uid, _code, token = factory.learner(factory.workshop(), name="Hodan")
    scanner = app.test_client()
    for n in range(amount("card-address")):
        assert scanner.get(f"/card/not-a-real-token-{n:04d}").status_code == 404
    assert scanner.get("/card/not-a-real-token-9999").status_code == 429
    phone = app.test_client()  # a fresh browser at the same address
    assert phone.get(f"/card/{token}", follow_redirects=True).status_code == 200
    response = phone.post("/card", data={"csrf_token": csrf_token(phone, "/card")})
    assert response.status_code == 303 and phone.get("/home").status_code == 200


def test_codes_typed_on_a_set_up_tablet_count_for_that_tablet(app, factory):
    deeqa = factory.staff("deeqa", password="correct horse battery")
    workshop = factory.workshop(instructor=deeqa)
    _uid, code, _ = factory.learner(workshop)
    street = app.test_client()
    fail_codes(street, amount("code-address"))  # the address is over its limit ...
    assert sign_in(street, "WRONGCODE").status_code == 429
    tablet = set_up_tablet(app, "deeqa", workshop)
    tablet.delete_cookie(throttle.KNOWN_COOKIE)  # (the instructor signed in on it: make it unknown again)
    assert sign_in(tablet, code).status_code == 303  # ... a set-up tablet has its own count


def test_a_staff_account_under_attack_still_opens_from_her_own_browser(app, factory):
    factory.staff("deeqa", password="correct horse battery")
    laptop = staff_client(app, "deeqa")
    laptop.post("/sign-out", data={"csrf_token": csrf_token(laptop, "/teach/")})
    attacker = app.test_client()
    for _ in range(amount("staff-account")):
        assert staff_post(attacker, "deeqa", "guess").status_code == 200
    assert staff_post(attacker, "deeqa", "correct horse battery").status_code == 429
    assert staff_post(app.test_client(), "Deeqa ", "correct horse battery").status_code == 429  # same account
    assert staff_post(laptop, "deeqa", "correct horse battery").status_code == 303


def test_a_lockout_does_not_tell_which_usernames_exist(app, factory):
    factory.staff("deeqa", password="correct horse battery")
    answers = {}
    for name in ("deeqa", "nobody"):
        client = app.test_client()
        statuses = [staff_post(client, name, "guess").status_code for _ in range(amount("staff-account") + 1)]
        answers[name] = statuses
    assert answers["deeqa"] == answers["nobody"] == [200] * amount("staff-account") + [429]


# --- X-Forwarded-For only from trusted proxies -----------------------------------------------------------

@pytest.fixture
def behind_one_proxy(app):
    original = app.wsgi_app
    app.config["TRUSTED_PROXIES"] = 1
    _trust_proxies(app)
    yield
    app.wsgi_app = original
    app.config["TRUSTED_PROXIES"] = 0


def test_a_client_cannot_choose_its_address_without_a_trusted_proxy(app, factory):
    client = app.test_client()
    for n in range(amount("code-address")):
        code_post(client, "WRONGCODE", {"X-Forwarded-For": f"198.51.100.{n}"})
    assert code_post(client, "WRONGCODE", {"X-Forwarded-For": "198.51.100.200"}).status_code == 429


def test_behind_the_proxy_each_client_address_counts_alone(app, factory, behind_one_proxy):
    _uid, code, _ = factory.learner(factory.workshop())
    attacker = app.test_client()
    fail_codes(attacker, amount("code-address"), {"X-Forwarded-For": "198.51.100.7"})
    assert code_post(attacker, "WRONGCODE", {"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    # the rest of the city, behind the same proxy, is not locked out
    assert code_post(app.test_client(), code, {"X-Forwarded-For": "203.0.113.9"}).status_code == 303
    # and a client's own X-Forwarded-For entries to the left of the proxy's are not believed
    spoofed = code_post(attacker, "WRONGCODE", {"X-Forwarded-For": "203.0.113.50, 198.51.100.7"})
    assert spoofed.status_code == 429


def test_ipv6_clients_count_by_their_network(app):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}):
        first = throttle.client_address()
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2:bbbb::9"}):
        assert throttle.client_address() == first == "2001:db8:1:2::/64"


# --- item 7: keys on verified identity, never raw client text -----------------------------------------

def test_appending_to_the_tablet_cookie_gives_no_new_tries(app, factory):
    deeqa = factory.staff("deeqa", password="correct horse battery")
    workshop = factory.workshop(instructor=deeqa)
    amina, _code, _ = factory.learner(workshop, name="Amina")
    others = [factory.learner(workshop, name=f"L{n}")[0] for n in range(amount("picture-group"))]
    set_pictures(app, amina, (2, 7, 0))
    for other in others:
        set_pictures(app, other, (3, 3, 3))
    tablet = set_up_tablet(app, "deeqa", workshop)
    cookie = tablet.get_cookie("askel_tablet").value
    statuses = []
    for n in range(amount("picture-learner") + 3):
        tablet.set_cookie("askel_tablet", cookie + "=%d" % n)  # the signature still holds: same tablet
        statuses.append(tap(tablet, amina, [0, 0, 0]).status_code)
    assert statuses == [200] * amount("picture-learner") + [429] * 3
    # spread over the other learners too: the group's count holds, whatever the cookie says
    for n, learner in enumerate(others):
        tablet.set_cookie("askel_tablet", cookie + "=%d" % (n + 100))
        tap(tablet, learner, [0, 0, 0])
    tablet.set_cookie("askel_tablet", cookie)
    assert tap(tablet, others[0], [3, 3, 3]).status_code == 429


def test_the_picture_limit_keys_on_the_tablets_group_not_its_cookie(app, factory):
    """Whatever the cookie looks like, the keys are the learner's id and the verified tablet's group."""
    deeqa = factory.staff("deeqa", password="correct horse battery")
    workshop = factory.workshop(instructor=deeqa)
    amina, _code, _ = factory.learner(workshop, name="Amina")
    set_pictures(app, amina, (2, 7, 0))
    tablet = set_up_tablet(app, "deeqa", workshop)
    seen = []
    original = throttle.Gate.failed

    def record(gate):
        seen.extend(key for _name, key in gate.keys)
        return original(gate)

    throttle.Gate.failed = record
    try:
        tap(tablet, amina, [0, 0, 0])
    finally:
        throttle.Gate.failed = original
    assert seen == [f"picture-learner:{amina}", f"picture-group:{workshop}"]


# --- item 8: shared storage, start-up warning, Redis down, /healthz ------------------------------------

def test_in_process_limits_are_warned_about_outside_tests(caplog, monkeypatch):
    monkeypatch.setitem(sys.modules, "gunicorn", sys.modules.get("gunicorn") or object())  # as under gunicorn
    production = Flask("askel-warning-check")
    production.config["RATELIMIT_STORAGE_URI"] = "memory://"  # as workshop/config.py declares it
    with caplog.at_level(logging.WARNING):
        throttle.init_app(production, MemoryStorage())
    assert any("counted in this process only" in r.getMessage() and "gunicorn" in r.getMessage()
               for r in caplog.records)
    caplog.clear()
    testing = Flask("askel-warning-check-2")
    testing.testing = True
    testing.config["RATELIMIT_STORAGE_URI"] = "memory://"
    with caplog.at_level(logging.WARNING):
        throttle.init_app(testing, MemoryStorage())
    assert not caplog.records


@needs_redis
def test_two_processes_share_the_counts_through_redis(app):
    """Two workers (two storages, two connections) see one count: 10 meant is 10 given."""
    config = {"RATELIMIT_STORAGE_URI": REDIS_URL}
    shared = Flask("askel-redis")
    shared.config.update(config)
    first = Counters(shared, RedisStorage(REDIS_URL))
    second = Counters(shared, RedisStorage(REDIS_URL))
    first.storage.reset()
    item, key = ITEMS["browser"], "browser:two-workers-test"
    for n in range(item.amount):
        (first if n % 2 else second).hit(item, key)
    assert not first.allowed(item, key) and not second.allowed(item, key)
    assert first.state() == {"limiter": "shared", "shared": True, "degraded": False}
    first.storage.reset()


@pytest.fixture
def redis_unreachable(app):
    """The app's limits pointed at a Redis that does not answer (a closed port)."""
    dead = Flask("askel-dead-redis")
    dead.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:9/5"
    counters = Counters(dead, RedisStorage("redis://127.0.0.1:9/5", socket_connect_timeout=0.2, socket_timeout=0.2))
    saved = app.extensions["askel_sign_in_limits"]
    app.extensions["askel_sign_in_limits"] = counters
    yield counters
    app.extensions["askel_sign_in_limits"] = saved


def test_without_redis_sign_in_goes_on_and_healthz_says_degraded(app, factory, redis_unreachable, caplog):
    _uid, code, _ = factory.learner(factory.workshop())
    with caplog.at_level(logging.ERROR):
        client = app.test_client()
        wrong = sign_in(client, "WRONGCODE")
        assert wrong.status_code == 200 and "That code is not right" in wrong.get_data(as_text=True)
        assert sign_in(client, code).status_code == 303
    assert [r.getMessage() for r in caplog.records if "cannot be reached" in r.getMessage()][:1]
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.get_data(as_text=True).splitlines()[:2] == ["degraded", "limiter: degraded"]
    assert health.headers["X-Askel-Limiter"] == "degraded"
    # the limits still hold, counted in this process meanwhile
    guesser = app.test_client()
    fail_codes(guesser, amount("code-address") - 1)
    assert sign_in(guesser, "WRONGCODE").status_code == 429


def test_healthz_reports_how_limits_are_counted(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True).splitlines()[:2] == ["ok", "limiter: in-process"]


@needs_redis
def test_healthz_with_redis_says_shared(app, client):
    healthy = Flask("askel-redis-health")
    healthy.config["RATELIMIT_STORAGE_URI"] = REDIS_URL
    saved = app.extensions["askel_sign_in_limits"]
    app.extensions["askel_sign_in_limits"] = Counters(healthy, RedisStorage(REDIS_URL))
    try:
        assert client.get("/healthz").get_data(as_text=True).splitlines()[:2] == ["ok", "limiter: shared"]
    finally:
        app.extensions["askel_sign_in_limits"] = saved


def test_a_storage_that_comes_back_is_used_again(app):
    flaky = Flask("askel-flaky")
    flaky.config["RATELIMIT_STORAGE_URI"] = "redis://flaky"

    class Flaky(MemoryStorage):
        down = True

        def incr(self, *args, **kwargs):
            if Flaky.down:
                raise ConnectionError("down")
            return super().incr(*args, **kwargs)

        def check(self):
            return not Flaky.down

    counters = Counters(flaky, Flaky())
    counters.hit(ITEMS["browser"], "browser:x")
    assert counters.down_since is not None and counters.state()["degraded"]
    Flaky.down = False
    counters.retry_at = 0.0
    counters.checked_at = 0.0
    assert counters.state() == {"limiter": "shared", "shared": True, "degraded": False}


# --- docs ----------------------------------------------------------------------------------------------------

def test_docs_quote_every_limit():
    text = (ROOT / "docs" / "security.md").read_text()
    section = text.split("## Sign-in limits", 1)[1].split("\n## ", 1)[0]
    for name, limit in LIMITS.items():
        assert re.search(rf"`{re.escape(name)}`[^\n]*{re.escape(limit)}", section), (name, limit)
