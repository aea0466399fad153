"""Who is signed in: a small read-only snapshot, read with one Core query and kept a moment.

Every request of a signed-in person needs her id, role, language, session version and, for a
learner, her groups; none of that needs ORM objects. `current_user` is therefore a `SignedIn`
snapshot: immutable, so one process may share it between its threads, and kept per process for
`IDENTITY_SECONDS` (2 s by default). A change committed in this process to a user, an enrolment
or a workshop drops the snapshots it touches at once; a change made in another worker process is
seen within those seconds (a renewed card or a deactivated account ends old sessions there too).
A view that changes her own row asks for it: `current_user.record` is the ORM `User`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app, has_app_context, session
from flask_login import login_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db, login_manager
from ..models import Enrollment, Person, User, Workshop, utcnow

CACHE = "askel_identities"
MAX_KEPT = 10_000  # a bound, far above any real number of people signed in at once

_u, _e, _w = User.__table__, Enrollment.__table__, Workshop.__table__
# The person and, for a learner, each of her enrolments with its workshop's language and dates.
READ = (
    sa.select(
        _u.c.id, _u.c.role, _u.c.display_name, _u.c.username, _u.c.locale, _u.c.session_version, _u.c.active,
        _e.c.id.label("enrollment_id"), _e.c.workshop_id, _w.c.language, _w.c.starts_on, _w.c.ends_on,
    )
    .select_from(_u.outerjoin(_e, _e.c.learner_id == _u.c.id).outerjoin(_w, _w.c.id == _e.c.workshop_id))
    .where(_u.c.id == sa.bindparam("uid"))
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

    def membership_now(self) -> Membership | None:
        """The enrolment whose workshop runs today, else the one that ends last."""
        if not self.memberships:
            return None
        today = utcnow().date()
        latest_first = sorted(self.memberships, key=lambda m: (m.ends_on, m.id), reverse=True)
        return next((m for m in latest_first if m.running(today)), latest_first[0])

    @property
    def record(self) -> User:
        """Her row, for a view that changes it (the session's identity map keeps it for the request)."""
        return db.session.get(User, self.id)


def read(uid: int) -> SignedIn | None:
    rows = db.session.execute(READ, {"uid": uid}).all()
    if not rows:
        return None
    first = rows[0]
    memberships = tuple(
        Membership(r.enrollment_id, r.id, r.workshop_id, r.language, r.starts_on, r.ends_on)
        for r in rows if r.enrollment_id is not None
    )
    return SignedIn(first.id, first.role, first.display_name, first.username, first.locale,
                    first.session_version, bool(first.active), memberships, time.time())


def _now() -> float:
    return time.monotonic()


def _kept() -> dict:
    return current_app.extensions.setdefault(CACHE, {})


def fetch(uid: int) -> SignedIn | None:
    """The snapshot of this person: kept if it is fresh enough, else read now (and kept)."""
    seconds = current_app.config["IDENTITY_SECONDS"]
    kept = _kept()
    now = _now()
    hit = kept.get(uid)
    if hit is not None and hit[0] > now:
        return hit[1]
    identity = read(uid)
    if seconds > 0:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[uid] = (now + seconds, identity)
    return identity


def forget(*uids: int) -> None:
    kept = _kept()
    for uid in uids:
        kept.pop(uid, None)


@login_manager.user_loader
def load_user(user_id: str) -> SignedIn | None:
    uid, _sep, version = user_id.partition(":")
    if not uid.isdigit() or not version.isdigit():
        return None
    identity = fetch(int(uid))
    if identity is None or identity.session_version != int(version) or not identity.active:
        return None
    return identity


def start_session(user: User, remember: bool) -> None:
    """Sign her in, after her row is committed."""
    session.pop("locale_at", None)  # a choice made by whoever used this device before
    forget(user.id)
    login_user(fetch(user.id), remember=remember)


# Dropping snapshots when their rows change. Ids are gathered at flush and dropped after the commit,
# so no other thread can read the old row again and keep it as fresh.
@event.listens_for(Session, "after_flush")
def _note_changes(session, _context):
    touched = session.info.setdefault(CACHE, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, User):
            touched.add(obj.id)
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
        _kept().clear()
    else:
        forget(*(uid for uid in touched if uid is not None))


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session):
    session.info.pop(CACHE, None)
