"""Who is signed in: a small read-only snapshot, read with one Core query and kept a moment.

Her session and "keep me signed in" cookies name a `DeviceSession` by a random token ("d:<token>"),
never her user id: ids can be reused and the id alone says nothing of which device. The row is
looked up by the token's keyed digest together with her user row, and is valid while its version
equals her session_version (a renewed card, a new password or "sign out everywhere" bump it).
Signing out deletes this device's row. Limits: a remembered phone ends after REMEMBER_IDLE_DAYS
without a visit; a shared tablet after TABLET_IDLE_SECONDS without a tap; any other browser after
SESSION_IDLE_HOURS (the last two timed by a signed value in the session cookie).

Every request of a signed-in person needs her id, role, language, session version and, for a
learner, her groups; none of that needs ORM objects. `current_user` is therefore a `SignedIn`
snapshot: immutable, so one process may share it between its threads, and kept per process for
`IDENTITY_SECONDS` (2 s by default). A change committed in this process to a user, an enrolment
or a workshop drops the snapshots it touches at once; a change made in another worker process is
seen within those seconds (a renewed card or a deactivated account ends old sessions there too).
A view that changes her own row asks for it: `current_user.record` is the ORM `User`.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db, login_manager
from ..models import DeviceSession, Enrollment, Person, User, Workshop, digest, digests, utcnow
from .device import current_device

CACHE = "askel_identities"
MAX_KEPT = 10_000  # a bound, far above any real number of people signed in at once

PREFIX = "d:"  # Flask-Login ids of device sessions; anything else (an old cookie) opens nothing
SEEN_KEY = "seen"  # when this browser last made a request (seconds), in the signed session cookie
SEEN_EVERY = 30  # refresh it at most this often, so most responses set no cookie
LAST_SEEN_EVERY = timedelta(days=1)  # how often a device's last_seen_at is written

_u, _e, _w, _d = User.__table__, Enrollment.__table__, Workshop.__table__, DeviceSession.__table__
# The device, the person and, for a learner, each of her enrolments with its workshop's language and dates.
READ = (
    sa.select(
        _u.c.id, _u.c.role, _u.c.display_name, _u.c.username, _u.c.locale, _u.c.session_version, _u.c.active,
        _u.c.address,
        _d.c.id.label("device_id"), _d.c.version.label("device_version"), _d.c.kind, _d.c.last_seen_at,
        _e.c.id.label("enrollment_id"), _e.c.workshop_id, _w.c.language, _w.c.starts_on, _w.c.ends_on,
    )
    .select_from(
        _d.join(_u, _u.c.id == _d.c.user_id)
        .outerjoin(_e, _e.c.learner_id == _u.c.id).outerjoin(_w, _w.c.id == _e.c.workshop_id)
    )
    .where(_d.c.token_digest.in_(sa.bindparam("digests", expanding=True)))
    .order_by(_e.c.id)
)


@dataclass(frozen=True, slots=True)
class Membership:
    """One of a learner's enrolments: what her views need of it without loading the workshop."""

    id: int
    learner_id: int
    workshop_id: int
    language: str
    starts_on: date
    ends_on: date

    def running(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


@dataclass(frozen=True, eq=False)
class SignedIn(Person):
    id: int
    role: str
    display_name: str
    username: str | None
    locale: str | None
    session_version: int
    active: bool
    memberships: tuple[Membership, ...] = ()
    read_at: float = 0.0  # wall-clock time of the read, comparable between processes
    device_id: int = 0
    device_version: int = 0
    device_kind: str = "browser"
    device_seen_at: object = None
    token: str = ""  # this device's secret (it is in her own cookie anyway)
    address: str | None = None  # how the texts address her (workshop.address), None: the default

    def get_id(self) -> str:
        """What Flask-Login keeps in her session and remember cookies: this device, not her id."""
        return PREFIX + self.token

    @property
    def valid(self) -> bool:
        return self.active and self.device_version == self.session_version

    @property
    def on_tablet(self) -> bool:
        return self.device_kind == "tablet"

    def membership_now(self) -> Membership | None:
        """The enrolment whose workshop runs today, else the one that ends last."""
        if not self.memberships:
            return None
        today = clock.today()  # Helsinki's: a group that ends today runs until midnight in Finland
        latest_first = sorted(self.memberships, key=lambda m: (m.ends_on, m.id), reverse=True)
        return next((m for m in latest_first if m.running(today)), latest_first[0])

    @property
    def record(self) -> User:
        """Her row, for a view that changes it (the session's identity map keeps it for the request)."""
        return db.session.get(User, self.id)


def read(token: str) -> SignedIn | None:
    rows = db.session.execute(READ, {"digests": digests(token)}).all()
    if not rows:
        return None
    first = rows[0]
    memberships = tuple(
        Membership(r.enrollment_id, r.id, r.workshop_id, r.language, r.starts_on, r.ends_on)
        for r in rows if r.enrollment_id is not None
    )
    return SignedIn(first.id, first.role, first.display_name, first.username, first.locale,
                    first.session_version, bool(first.active), memberships, time.time(),
                    first.device_id, first.device_version, first.kind, first.last_seen_at, token, first.address)


def _now() -> float:
    return time.monotonic()


_LOCK = threading.Lock()  # threads of one process share the kept snapshots


def _kept() -> dict:
    """token -> (kept until, snapshot or None); and under the key None, user id -> tokens kept."""
    kept = current_app.extensions.get(CACHE)
    if kept is None or None not in kept:
        kept = current_app.extensions[CACHE] = {None: {}}
    return kept


def fetch(token: str) -> SignedIn | None:
    """The snapshot of the person signed in on this device: kept if fresh enough, else read now."""
    seconds = current_app.config["IDENTITY_SECONDS"]
    kept = _kept()
    now = _now()
    hit = kept.get(token)
    if hit is not None and hit[0] > now:
        return hit[1]
    identity = read(token)
    if seconds > 0:
        with _LOCK:
            if len(kept) >= MAX_KEPT:
                kept.clear()
                kept[None] = {}
            kept[token] = (now + seconds, identity)
            if identity is not None:
                kept[None].setdefault(identity.id, set()).add(token)
    return identity


def forget(*uids: int) -> None:
    """Drop every kept snapshot of these people (all their devices)."""
    kept = _kept()
    with _LOCK:
        for uid in uids:
            for token in kept[None].pop(uid, ()):
                kept.pop(token, None)


def _idle_limit(identity: SignedIn) -> float | None:
    config = current_app.config
    if identity.device_kind == "tablet":
        return config["TABLET_IDLE_SECONDS"]
    if identity.device_kind == "own":
        return None  # her own phone: kept signed in; the remember cookie's row ages by last_seen_at
    return config["SESSION_IDLE_HOURS"] * 3600


def idle_seconds_left(identity: SignedIn) -> float | None:
    limit = _idle_limit(identity)
    if limit is None:
        return None
    return limit - (time.time() - session.get(SEEN_KEY, 0))


def init_app(app) -> None:
    """Who is signed in comes from here: create_app says so (Flask-Login's user loader)."""
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> SignedIn | None:
    if not user_id.startswith(PREFIX) or len(user_id) > 100:
        return None
    identity = fetch(user_id[len(PREFIX):])
    if identity is None or not identity.valid:
        return None
    now = utcnow()
    if identity.device_kind == "own" and identity.device_seen_at < now - timedelta(
            days=current_app.config["REMEMBER_IDLE_DAYS"]):
        _end_device(identity)
        return None
    left = idle_seconds_left(identity)
    if left is not None and left <= 0:
        _end_device(identity)
        return None
    if left is not None and time.time() - session.get(SEEN_KEY, 0) >= SEEN_EVERY and not _idle_probe():
        session[SEEN_KEY] = int(time.time())
    if identity.device_seen_at < now - LAST_SEEN_EVERY:
        db.session.execute(_d.update().where(_d.c.id == identity.device_id).values(last_seen_at=now))
        db.session.commit()
        forget(identity.id)
    return identity


def _idle_probe() -> bool:
    """The tablet's idle check (a page left alone asks whether time is up) is not a sign of life."""
    return request.endpoint == "auth.tablet.idle"


def _end_device(identity: SignedIn) -> None:
    db.session.execute(_d.delete().where(_d.c.id == identity.device_id))
    db.session.commit()
    forget(identity.id)
    session.clear()


def _device_kind(remember: bool) -> str:
    if current_device() is not None:  # a set-up tablet is a shared device, whoever signs in on it
        return "tablet"
    return "own" if remember else "browser"


def start_session(user: User, remember: bool) -> None:
    """Sign her in on this device, after her row is committed: a fresh session (nothing of whoever
    used this browser before is kept but the language just chosen) and a new device row."""
    kept = {key: session[key] for key in ("locale", "next") if key in session}
    kind = _device_kind(remember)
    session.clear()
    session.update(kept)
    token = secrets.token_urlsafe(32)
    db.session.add(DeviceSession(user_id=user.id, token_digest=digest(token), version=user.session_version,
                                 kind=kind))
    db.session.commit()
    forget(user.id)
    session[SEEN_KEY] = int(time.time())
    login_user(fetch(token), remember=kind == "own")


def end_session() -> None:
    """Sign out on this device: its row is deleted (its cookies open nothing any more, anywhere)."""
    if getattr(current_user, "is_authenticated", False):
        db.session.execute(_d.delete().where(_d.c.id == current_user.device_id))
        db.session.commit()
        forget(current_user.id)
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Every device signed in as her is signed out; the caller commits."""
    user.end_sessions()
    db.session.execute(_d.delete().where(_d.c.user_id == user.id))


# Dropping snapshots when their rows change. Ids are gathered at flush and dropped after the commit,
# so no other thread can read the old row again and keep it as fresh.
@event.listens_for(Session, "after_flush")
def _note_changes(session, _context):
    touched = session.info.setdefault(CACHE, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (User,)):
            touched.add(obj.id)
        elif isinstance(obj, DeviceSession):
            touched.add(obj.user_id)
        elif isinstance(obj, Enrollment):
            touched.add(obj.learner_id)
        elif isinstance(obj, Workshop):
            touched.add("all")  # a workshop's dates or language: rare, so forget everyone


@event.listens_for(Session, "after_commit")
def _forget_changed(session):
    touched = session.info.pop(CACHE, None)
    if not touched or not has_app_context():
        return
    if "all" in touched:
        with _LOCK:
            _kept().clear()
            _kept()[None] = {}
    else:
        forget(*(uid for uid in touched if uid is not None))


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session):
    session.info.pop(CACHE, None)
