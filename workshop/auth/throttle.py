"""Sign-in limits: failures are counted per source and per target, in storage every process shares.

Only failures count, so a whole class signs in at once. Each limit is keyed on something the server
verified, never on text the client may vary: the client address (after ProxyFix, with only the
configured number of trusted proxies; an IPv6 address by its /64 network), a set-up tablet's id,
a staff account (its normalised username, which names one account or none), a learner's id, a group's
id, or a "known browser": a signed cookie, given at every successful sign-in, naming the account that
signed in there and a random browser id.

A right answer always signs in, except where the space is too small to allow it:
- a card token has 192 bits, so it is checked even when its source is over the limit;
- a learner code is refused unchecked only for an unknown browser from an address (or a tablet) over
  its limit; a known browser counts on its own (and per account that vouched for it), so a class
  whose address someone is attacking still signs in on every phone or tablet used before;
- a staff password is refused unchecked for a locked account only from browsers where that account
  never signed in;
- picture passwords (1 728 combinations) are refused while the learner or her group is over its weekly
  limit, until an instructor allows picture sign-in again.
The arithmetic is in docs/security.md ("Sign-in limits").

Storage: RATELIMIT_STORAGE_URI (redis:// in production, shared by every worker and host). If it cannot
be reached, limits are counted in this process until it answers again (logged, and /healthz says
"degraded"); a sign-in never fails because of the storage.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
import sys
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_login import user_logged_in
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from .device import current_device


# name -> limit. docs/security.md quotes these numbers (tests/security/test_sign_in_limits.py checks).
LIMITS: dict[str, str] = {
    "code-address": "30 per 10 minutes",   # wrong codes from one unknown browser's address
    "code-tablet": "30 per 10 minutes",    # wrong codes typed on one set-up tablet
    "code-everyone": "300 per 10 minutes",  # wrong codes from all unknown browsers together
    "browser": "10 per 10 minutes",        # wrong codes or passwords from one known browser
    "browser-account": "10 per 10 minutes",  # from all browsers known through one account
    "card-address": "60 per 10 minutes",   # unknown card links from one address (a wall for scanners)
    "staff-address": "30 per 10 minutes",  # wrong staff passwords from one address
    "staff-account": "10 per 10 minutes",  # wrong passwords for one staff account ...
    "staff-account-day": "50 per day",     # ... and per day
    "picture-learner": "5 per 7 days",       # wrong pictures for one learner, on any tablet
    "picture-group": "14 per 7 days",        # wrong pictures on all the tablets of one group (a weekly class)
}
ITEMS: dict[str, RateLimitItem] = {name: parse(text) for name, text in LIMITS.items()}

KNOWN_COOKIE = "askel_known"
KNOWN_MAX_AGE = 60 * 60 * 24 * 400
RETRY_SHARED_AFTER = 15.0  # seconds: after a storage error, count in this process this long


# --- where the counts live -------------------------------------------------------------------------

class Counters:
    """The limiter's storage, with a per-process fallback while it cannot be reached."""

    def __init__(self, app: Flask, storage) -> None:
        self.uri = app.config["RATELIMIT_STORAGE_URI"]
        self.shared = not self.uri.startswith("memory://")
        self.primary = FixedWindowRateLimiter(storage)
        self.fallback = FixedWindowRateLimiter(MemoryStorage())
        self.storage = storage
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.last_error = ""
        self.checked_at = 0.0
        self.lock = threading.Lock()
        self.logger: logging.Logger = app.logger

    def _run(self, op: str, item: RateLimitItem, key: str) -> bool:
        if self.retry_at and time.monotonic() < self.retry_at:
            return getattr(self.fallback, op)(item, key)
        try:
            result = getattr(self.primary, op)(item, key)
        except Exception as error:  # noqa: BLE001  (any storage failure: refused, timeout, auth, ...)
            self._failed(error)
            return getattr(self.fallback, op)(item, key)
        if self.down_since is not None:
            self._recovered()
        return result

    def _failed(self, error: Exception) -> None:
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = time.time()
            self.retry_at = time.monotonic() + RETRY_SHARED_AFTER
            self.last_error = type(error).__name__
        if first:
            self.logger.error(
                "Sign-in limits: the limiter storage %s cannot be reached (%s). Failures are counted in "
                "this process only until it answers again; sign-in goes on.", _safe_uri(self.uri), self.last_error,
            )

    def _recovered(self) -> None:
        with self.lock:
            self.down_since, self.retry_at, self.last_error = None, 0.0, ""
        self.logger.warning("Sign-in limits: the limiter storage answers again; limits are shared again.")

    def allowed(self, item: RateLimitItem, key: str) -> bool:
        return self._run("test", item, key)

    def hit(self, item: RateLimitItem, key: str) -> None:
        self._run("hit", item, key)

    def clear(self, item: RateLimitItem, key: str) -> None:
        self._run("clear", item, key)
        self.fallback.clear(item, key)

    def state(self) -> dict:
        """For /healthz: how limits are counted now. Asks the storage at most once a second."""
        if not self.shared:
            return {"limiter": "in-process", "shared": False, "degraded": False}
        now = time.monotonic()
        if now - self.checked_at >= 1.0 and not (self.retry_at and now < self.retry_at):
            self.checked_at = now
            try:
                healthy = bool(self.storage.check())
            except Exception:  # noqa: BLE001
                healthy = False
            if not healthy:
                self._failed(ConnectionError("no answer to ping"))
            elif self.down_since is not None:
                self._recovered()
        if self.down_since is not None:
            return {"limiter": "degraded", "shared": False, "degraded": True, "error": self.last_error}
        return {"limiter": "shared", "shared": True, "degraded": False}


def _safe_uri(uri: str) -> str:
    """The storage URI without a password, for logs."""
    scheme, sep, rest = uri.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return scheme + sep + rest


def counters() -> Counters:
    return current_app.extensions["askel_sign_in_limits"]


def init_app(app: Flask, storage) -> None:
    app.extensions["askel_sign_in_limits"] = Counters(app, storage)
    if not app.extensions["askel_sign_in_limits"].shared and not (app.testing or app.debug) and _multi_process_server():
        app.logger.warning(
            "Sign-in limits are counted in this process only (RATELIMIT_STORAGE_URI=memory://). "
            "That is right for one process (make run); with several gunicorn workers or hosts each one "
            "counts alone and an attacker gets that many times the tries: set RATELIMIT_STORAGE_URI "
            "to redis://... (docs/deploying.md)."
        )

    @app.after_request
    def remember_known_browser(response):
        user_id = g.pop("askel_signed_in", None)
        if user_id is not None:
            _set_known_cookie(response, user_id)
        return response


def _multi_process_server() -> bool:
    """Started by a server that may run several worker processes (gunicorn, uWSGI), not by `flask run`
    or another flask command."""
    return any(name in sys.modules for name in ("gunicorn", "uwsgi"))


@user_logged_in.connect
def _signed_in(sender, user, **extra) -> None:
    account_id = getattr(user, "id", None)
    if isinstance(account_id, int):  # a tablet's picture sign-in too: harmless, the tablet has its own key
        g.askel_signed_in = account_id


# --- who is asking ------------------------------------------------------------------------------------

def client_address() -> str:
    """The client's address as ProxyFix left it; an IPv6 client by its /64 (one home or phone)."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class KnownBrowser:
    account: str  # account_tag() of the account that signed in there
    browser_id: str


def account_tag(account_id: int) -> str:
    """Names an account in the known-browser cookie without showing its id to the next person on a
    shared browser (the cookie is signed, not encrypted)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"askel-known-account:{account_id}".encode(), hashlib.sha256).hexdigest()[:20]


def _known_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="askel-known-browser")


def known_browser() -> KnownBrowser | None:
    """The verified known-browser cookie of this request, if any."""
    raw = request.cookies.get(KNOWN_COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        value = _known_signer().loads(raw, max_age=KNOWN_MAX_AGE)
    except BadSignature:  # also SignatureExpired
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str) or len(value[0]) != 20
            or not isinstance(value[1], str) or not 8 <= len(value[1]) <= 32):
        return None
    return KnownBrowser(value[0], value[1])


def _set_known_cookie(response, account_id: int) -> None:
    known = known_browser()
    browser_id = known.browser_id if known is not None else secrets.token_urlsafe(12)
    response.set_cookie(
        KNOWN_COOKIE, _known_signer().dumps([account_tag(account_id), browser_id]), max_age=KNOWN_MAX_AGE, httponly=True,
        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"], path="/",
    )


# --- the gates -----------------------------------------------------------------------------------------

class Gate:
    """The limits one sign-in attempt is judged by: `blocked` before checking, `failed()` after a miss."""

    def __init__(self, *keys: tuple[str, object]) -> None:
        self.keys = [(name, f"{name}:{ident}") for name, ident in keys]

    @property
    def blocked(self) -> bool:
        store = counters()
        return any(not store.allowed(ITEMS[name], key) for name, key in self.keys)

    def failed(self) -> None:
        store = counters()
        for name, key in self.keys:
            store.hit(ITEMS[name], key)


def _tablet_id() -> int | None:
    device = current_device()
    return device.id if device is not None else None


def code_gate() -> Gate:
    """A learner code: a wrong code names no learner, so the limits are on where it came from."""
    known = known_browser()
    if known is not None:
        return Gate(("browser", known.browser_id), ("browser-account", known.account))
    tablet_id = _tablet_id()
    if tablet_id is not None:
        return Gate(("code-tablet", tablet_id))
    return Gate(("code-address", client_address()), ("code-everyone", "all"))


def card_gate() -> Gate:
    """Card links: checked whatever the count (192 bits); over the limit a wrong link answers 429."""
    known = known_browser()
    if known is not None:
        return Gate(("browser", known.browser_id))
    return Gate(("card-address", client_address()))


def staff_gate(username: str, account_id: int | None) -> Gate:
    """Staff sign-in. The account is keyed by its normalised username whether or not it exists, so a
    lockout says nothing about which usernames are real (one normalised name is one account)."""
    known = known_browser()
    if known is not None and account_id is not None and hmac.compare_digest(known.account, account_tag(account_id)):
        return Gate(("browser", known.browser_id))
    account = hashlib.sha256(username.encode()).hexdigest()[:32]
    return Gate(("staff-address", client_address()), ("staff-account", account), ("staff-account-day", account))


def picture_gate(learner_id: int, workshop_id: int) -> Gate:
    return Gate(("picture-learner", learner_id), ("picture-group", workshop_id))


def pictures_paused(workshop_id: int) -> bool:
    return not counters().allowed(ITEMS["picture-group"], f"picture-group:{workshop_id}")


def allow_pictures_again(workshop_id: int | None, learner_ids) -> None:
    """An instructor in the room lets the group (and each of its learners) try pictures again."""
    store = counters()
    if workshop_id is not None:
        store.clear(ITEMS["picture-group"], f"picture-group:{workshop_id}")
    for learner_id in learner_ids:
        store.clear(ITEMS["picture-learner"], f"picture-learner:{learner_id}")
