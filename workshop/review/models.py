"""Review tables: recorded narrations, reviewed wording with its append-only history, and one
version token that tells every process when to reload its copy of both."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class Narration(db.Model):
    """A recorded narration of one lesson text in one language: a step's text, a question, one
    answer to choose, a practice goal (workshop.review.narration lists them: a step's `voiced()`).
    `context` is the text's context in the lessons catalog (course/lesson/step/field); `text_hash`
    identifies the wording it was read from (narration.text_hash of the reviewed wording, else the
    catalog's), so a text whose wording changed since is "record again" (None: recorded before
    Askel kept it, migration 0026). `variant` is "" for the catalogs' wording (everyone's), or
    "masculine" for the wording an Arabic learner addressed as a man reads where it differs
    (migration 0033): a recording of its own, never played to the other. The sound itself is in the
    site's store of files (workshop.storage) as narrations/<locale>/<filename>."""

    __tablename__ = "review_narrations"
    __table_args__ = (sa.UniqueConstraint("locale", "context", "variant", name="uq_review_narrations_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8))
    context: Mapped[str] = mapped_column(sa.String(200))  # course/lesson/step/field, as in the lessons catalog
    variant: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")  # "" or "masculine"
    text_hash: Mapped[str | None] = mapped_column(sa.String(64))  # of the wording read aloud
    text: Mapped[str | None] = mapped_column(sa.Text)  # that wording, to show what was said
    filename: Mapped[str] = mapped_column(sa.String(64), unique=True)  # <random id>.<ext>
    mimetype: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int]
    duration_ms: Mapped[int]
    digest: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the file: the ETag
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Wording(db.Model):
    """The current reviewed translation of one lesson text, with a hash of the English it translates."""

    __tablename__ = "review_wordings"
    __table_args__ = (sa.UniqueConstraint("locale", "context"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8))
    context: Mapped[str] = mapped_column(sa.String(200))  # course/lesson/step/field
    text: Mapped[str] = mapped_column(sa.Text)
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewer: Mapped[str] = mapped_column(sa.String(80))  # her username, kept if the account goes
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class WordingChange(db.Model):
    """Append-only: every edit and every revert, with who and when. Rows are never updated."""

    __tablename__ = "review_wording_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8))
    context: Mapped[str] = mapped_column(sa.String(200), index=True)
    action: Mapped[str] = mapped_column(sa.String(8))  # edit | revert
    old_text: Mapped[str | None] = mapped_column(sa.Text)  # None: the catalog's translation
    new_text: Mapped[str | None] = mapped_column(sa.Text)
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(sa.String(80))  # kept even if the account is deleted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewVersion(db.Model):
    """One row: a random token, changed by every edit of wording or narrations. Each process reads
    it once per request and reloads its copy when it differs."""

    __tablename__ = "review_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))


class ReviewGrant(db.Model):
    """A right the coordinator gives an instructor for one language: to correct the lessons' wording
    ("wording") or to record narrations ("narration"). Never derived from her interface language."""

    __tablename__ = "review_grants"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    right: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


RIGHTS = ("wording", "narration")


def grants_of(user_id: int) -> set[tuple[str, str]]:
    """Her grants as (locale, right) pairs."""
    rows = db.session.execute(
        sa.select(ReviewGrant.locale, ReviewGrant.right).where(ReviewGrant.user_id == user_id)
    ).all()
    return {(r.locale, r.right) for r in rows}


def set_grants(user_id: int, wanted: set[tuple[str, str]], by_id: int | None = None) -> None:
    """Her grants become exactly `wanted`; the caller commits."""
    have = grants_of(user_id)
    for locale, right in have - wanted:
        db.session.execute(sa.delete(ReviewGrant).where(
            ReviewGrant.user_id == user_id, ReviewGrant.locale == locale, ReviewGrant.right == right))
    for locale, right in sorted(wanted - have):
        db.session.add(ReviewGrant(user_id=user_id, locale=locale, right=right, granted_by_id=by_id))
