"""Core tables. Sims keep their own tables (sim_<name>_*) in their packages."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from . import clock
from .extensions import db

# Sign-in codes avoid letters and digits that are easy to confuse (0/O, 1/I/L, 5/S, 2/Z, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8


# Every "now" is the one clock's (workshop/clock.py): naive UTC, as the tables keep it.
utcnow = clock.utcnow


def normalise_code(raw: str) -> str:
    """What she typed, as the code is stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isascii() and ch.isalnum())


def _digest_key(secret_key: str | bytes) -> bytes:
    raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(raw, b"askel: sign-in secret digests", hashlib.sha256).digest()


def keyed_digest(inner: str, secret_key: str | bytes) -> str:
    """HMAC-SHA-256, keyed by the server's secret, of the SHA-256 of a secret (`inner`).

    The database alone is not enough to test guesses of a code offline: the key is the app's
    SECRET_KEY (in the environment or instance/secret_key, never in the database). Keying the SHA-256
    rather than the secret itself let the migration re-key digests stored before (0008).
    """
    return hmac.new(_digest_key(secret_key), inner.encode(), hashlib.sha256).hexdigest()


def _keys() -> list:
    return [current_app.config["SECRET_KEY"], *current_app.config["SECRET_KEY_FALLBACKS"]]


def digest(secret: str) -> str:
    """The digest of a high-entropy random secret (a code, a card or device token), under the current key."""
    return keyed_digest(hashlib.sha256(secret.encode()).hexdigest(), _keys()[0])


def digests(secret: str) -> list[str]:
    """The digests of a secret under the current key and every fallback key: for looking it up while
    a rotated key is still accepted (docs/security.md). The first is the current one."""
    inner = hashlib.sha256(secret.encode()).hexdigest()
    return [keyed_digest(inner, key) for key in _keys()]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


class Role(StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    COORDINATOR = "coordinator"


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


workshop_instructors = sa.Table(
    "workshop_instructors",
    db.metadata,
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Person(UserMixin):
    """What a User row and the signed-in snapshot of one (auth.identity.SignedIn) both answer,
    from their id, role, active and session_version."""

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_learner(self) -> bool:
        return self.role == Role.LEARNER

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.INSTRUCTOR, Role.COORDINATOR)


class User(Person, db.Model):
    __tablename__ = "users"
    # SQLite would otherwise give a deleted learner's id to the next one; nothing may name two people.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(16), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    username: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    code_digest: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    card_digest: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # How the texts address a learner: "feminine" or "masculine" (workshop.address); None: the default.
    address: Mapped[str | None] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]

    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="learner", cascade="all, delete-orphan", order_by="Enrollment.id"
    )

    def get_id(self) -> str:  # pragma: no cover - a User row is never signed in; see auth.identity
        raise TypeError("sign in with auth.identity.start_session, which names the device session")

    def end_sessions(self) -> None:
        """Every device signed in as her is signed out (at its next request, on every worker)."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def issue_code(self) -> tuple[str, str]:
        """A new personal code and card token; the old ones stop working. Returns both in clear once."""
        code, token = new_code(), secrets.token_urlsafe(24)
        self.code_digest = digest(code)
        self.card_digest = digest(token)
        self.end_sessions()
        return code, token


class DeviceSession(db.Model):
    """One signed-in browser or device. Her session and "keep me signed in" cookies name this row by a
    random token (kept here only as its keyed digest), never by her user id: a deleted account's
    cookies open nothing, signing out ends just this device, and "sign out everywhere" ends them all
    (by the user's session_version, which every row must still match)."""

    __tablename__ = "device_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    version: Mapped[int]  # the user's session_version when it began
    kind: Mapped[str] = mapped_column(sa.String(16))  # own (kept signed in), browser, tablet
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    language: Mapped[str] = mapped_column(sa.String(8))
    location: Mapped[str] = mapped_column(sa.String(120))
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)  # 0 = Monday
    start_time: Mapped[time]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    instructors: Mapped[list[User]] = relationship(secondary=workshop_instructors, order_by="User.id")
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="Enrollment.id"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="(Assignment.week, Assignment.id)"
    )


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (sa.UniqueConstraint("workshop_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The lesson task she was doing in a practice service ("course/lesson/step"), so the practice
    # still shows its goal and the way back after she signs in again (workshop/sims/__init__.py).
    practice_step: Mapped[str | None] = mapped_column(sa.String(200))

    workshop: Mapped[Workshop] = relationship(back_populates="enrollments")
    learner: Mapped[User] = relationship(back_populates="enrollments")
    progress: Mapped[list[Progress]] = relationship(back_populates="enrollment", cascade="all, delete-orphan")


class Assignment(db.Model):
    """Which lessons a workshop works on, and in which week of its period (1 = the first week)."""

    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("workshop_id", "course", "lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(sa.String(64))
    lesson: Mapped[str] = mapped_column(sa.String(64))
    week: Mapped[int] = mapped_column(sa.SmallInteger)

    workshop: Mapped[Workshop] = relationship(back_populates="assignments")


class Progress(db.Model):
    """A learner's place in one lesson, within one enrolment. Step ids, never positions."""

    __tablename__ = "progress"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "course", "lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(sa.String(64))
    lesson: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default=Status.IN_PROGRESS)
    current_step: Mapped[str | None] = mapped_column(sa.String(64))
    steps_done: Mapped[list] = mapped_column(sa.JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    enrollment: Mapped[Enrollment] = relationship(back_populates="progress")


class StepEvent(db.Model):
    """Append-only record of every answer, step completion and task attempt."""

    __tablename__ = "step_events"
    __table_args__ = (sa.UniqueConstraint("learner_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(sa.String(64))
    lesson: Mapped[str] = mapped_column(sa.String(64))
    step: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))  # next, answer, task
    answer: Mapped[str | None] = mapped_column(sa.String(64))
    correct: Mapped[bool | None]
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # A practice task completed after she had asked for help on that step (False: done alone).
    helped: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class FormSubmission(db.Model):
    """A form that creates something, submitted once: the key it carried (a hidden field made when
    the form was drawn) and where its answer sent her. The same key again answers the same."""

    __tablename__ = "form_submissions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    location: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class HelpRequest(db.Model):
    __tablename__ = "help_requests"
    # one open request per enrolment: two quick presses cannot open two (migration 0012_help_once)
    __table_args__ = (sa.Index("uq_help_requests_open", "enrollment_id", unique=True,
                               sqlite_where=sa.text("handled_at IS NULL"),
                               postgresql_where=sa.text("handled_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    course: Mapped[str | None] = mapped_column(sa.String(64))
    lesson: Mapped[str | None] = mapped_column(sa.String(64))
    step: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime | None]  # first shown on an instructor's class view (migration 0019_help_seen)
    withdrawn_at: Mapped[datetime | None]  # she took it back; handled_at is set too, by nobody

    enrollment: Mapped[Enrollment] = relationship()


class InstructorNote(db.Model):
    """A free-text note by an instructor about a learner in one group (never shown to the learner).

    Counselling data like a session's note (`counsel/`): written only while her consent is in force,
    shown to her instructors and the coordinator only then (each showing logged in counsel_views as
    "notes"), deleted when she withdraws it and by the retention job. A note written before consent
    was asked for stays hidden until she gives it; her data file and her deletion include it."""

    __tablename__ = "instructor_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrollment: Mapped[Enrollment] = relationship(
        backref=sa.orm.backref("notes", cascade="all, delete-orphan", passive_deletes=True)
    )
    author: Mapped[User | None] = relationship()
