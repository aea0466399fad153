"""Each process keeps a copy of the reviewed wording and of which narrations exist, and reloads it
when the version token in the database changes. The token is read at most every
REVIEW_REFRESH_SECONDS (2 s), and only when a page needs lesson text or a narration. A change made
here is seen by this process at once, and by every other process (gunicorn workers, other hosts)
within those seconds.
"""
from __future__ import annotations

import hashlib
import secrets
import time
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app, g, has_request_context, url_for

from ..extensions import db
from ..i18n import current_locale
from .models import Narration, ReviewVersion, Wording

VERSION_QUERY = db.select(ReviewVersion.token).where(ReviewVersion.id == 1)
_lock = threading.Lock()


@lru_cache(maxsize=4096)
def source_hash(english: str) -> str:
    """Identifies the English source a translation was reviewed against."""
    return hashlib.sha256(english.encode()).hexdigest()


@dataclass
class Snapshot:
    token: str | None = None
    wording: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # -> (source hash, text)
    # (locale, text context, variant) -> (filename, hash of the wording it was read from, or None);
    # variant "" is the catalogs' wording, "masculine" an Arabic man's where it differs
    narrations: dict[tuple[str, str, str], tuple[str, str | None]] = field(default_factory=dict)
    locales: frozenset[str] = frozenset()  # locales with any reviewed wording


def _snapshots() -> dict:
    # No version row yet means nothing reviewed or recorded: the empty snapshot is already current.
    return current_app.extensions.setdefault("askel_review", {"snapshot": Snapshot(token="")})


def current() -> Snapshot:
    """This process's copy. The database's version token is read at most every
    REVIEW_REFRESH_SECONDS (2 s): other processes see an edit within that time, the process that
    made it at once (bump() forgets the last check); the step page saves a query per request."""
    holder = _snapshots()
    if has_request_context() and "review_snapshot" in g:
        return g.review_snapshot
    snapshot = holder["snapshot"]
    now = time.monotonic()
    if now - holder.get("checked_at", -1e9) >= current_app.config["REVIEW_REFRESH_SECONDS"]:
        token = db.session.execute(VERSION_QUERY).scalar() or ""
        holder["checked_at"] = now
        if snapshot.token != token:
            snapshot = _load(token)
            with _lock:
                holder["snapshot"] = snapshot
                # Cached step pages were rendered with the old wording and narrations.
                current_app.extensions.pop("askel_players", None)
    if has_request_context():
        g.review_snapshot = snapshot
    return snapshot


def _load(token: str) -> Snapshot:
    wording = {
        (w.locale, w.context): (w.source_hash, w.text)
        for w in db.session.execute(db.select(Wording.locale, Wording.context, Wording.source_hash, Wording.text))
    }
    narrations = {
        (n.locale, n.context, n.variant or ""): (n.filename, n.text_hash)
        for n in db.session.execute(db.select(Narration.locale, Narration.context, Narration.variant,
                                              Narration.filename, Narration.text_hash))
    }
    return Snapshot(token, wording, narrations, frozenset(locale for locale, _c in wording))


def version() -> str:
    """The token for cache keys of rendered pages (the step player)."""
    return current().token or ""


def bump() -> None:
    """Call in the transaction that changes wording or narrations, before its commit."""
    token = secrets.token_hex(16)
    row = db.session.get(ReviewVersion, 1)
    if row is None:
        db.session.add(ReviewVersion(id=1, token=token))
    else:
        row.token = token
    if has_request_context():
        g.pop("review_snapshot", None)
    _snapshots()["checked_at"] = -1e9  # this process looks again at once


def reviewed_text(context: str, message: str) -> str | None:
    """The reviewed wording of a lesson text in the current locale, if one matches today's English.

    A reviewed text whose English source has changed since is not shown (as gettext hides a fuzzy
    translation); the review page marks it for review instead.
    """
    if not has_request_context():
        return None
    snapshot = current()
    locale = current_locale()
    if locale not in snapshot.locales:
        return None
    entry = snapshot.wording.get((locale, context))
    if entry is None or entry[0] != source_hash(message):
        return None
    return entry[1]


def narration_url(context: str, locale: str | None = None, variant: str = "") -> str | None:
    """The URL of the recorded narration of a lesson text (context course/lesson/step/field) in her
    language (and `variant` of its wording), or None (workshop.review.narration.listen_url decides
    whether she hears it)."""
    locale = locale or current_locale()
    entry = current().narrations.get((locale, context, variant))
    if entry is None:
        return None
    return url_for("review.narration_file", locale=locale, filename=entry[0])
