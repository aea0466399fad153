"""Counselling tables (migration 0023_counsel): counsel_consents, counsel_topics, counsel_sessions,
counsel_session_topics, counsel_plans, counsel_views.

Sessions and plans belong to an enrolment (her place in one group and its period), so an instructor
reaches them only through her own groups (`access.visible_workshops()`); consent belongs to the
person (the learner), whichever group recorded it. Keys are stored, never labels: the words are
translated where they are shown (`counsel/labels.py`).
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Enrollment, User, utcnow


class SessionKind(StrEnum):
    LIGHT = "light"  # light guidance: a question answered, a service shown
    PERSONAL = "personal"  # personal counselling: a longer talk about her situation and next steps


class Direction(StrEnum):
    """The direction agreed in her follow-up plan (the programme's own categories)."""
    FINNISH_COURSE = "finnish_course"  # Finnish language training
    BASIC_EDUCATION = "basic_education"  # adult basic education
    VOCATIONAL = "vocational"  # vocational education (with its field)
    OTHER_TRAINING = "other_training"
    WORK = "work"  # working life
    HOME_CARE = "home_care"  # continues caring for her children at home
    PARENTAL_LEAVE = "parental_leave"  # parental leave first
    OTHER = "other"


class Result(StrEnum):
    """The follow-up: what became of the direction when it was checked."""
    REACHED = "reached"
    IN_PROGRESS = "in_progress"
    CHANGED = "changed"
    NOT_REACHED = "not_reached"


# The topics seeded by the migration, in their order; the coordinator may add others (a label of her own).
SEEDED_TOPICS = ("education", "employment", "language_training", "services", "family", "housing", "health", "other")


class Consent(db.Model):
    """Her consent to keep counselling data, recorded by a staff member. Withdrawn, it stays as a record
    (when, by whom) and a new one may be given later; at most one is in force at a time."""

    __tablename__ = "counsel_consents"
    __table_args__ = (sa.Index("uq_counsel_consents_in_force", "learner_id", unique=True,
                               sqlite_where=sa.text("withdrawn_at IS NULL"),
                               postgresql_where=sa.text("withdrawn_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


# The languages a topic of the coordinator's own is labelled in (the interface languages).
TOPIC_LANGUAGES = ("so", "ar", "fi", "en")


class Topic(db.Model):
    """A topic a session can be about. The list is the coordinator's: seeded topics are translated by
    their key; one she adds carries her own label in each language she gives (at least one; migration
    0031_topic_labels). A topic in use is retired (active = False), not deleted."""

    __tablename__ = "counsel_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # None for a seeded topic (translated by key); for her own, None where she has not given it yet
    label_so: Mapped[str | None] = mapped_column(sa.String(80))
    label_ar: Mapped[str | None] = mapped_column(sa.String(80))
    label_fi: Mapped[str | None] = mapped_column(sa.String(80))
    label_en: Mapped[str | None] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def seeded(self) -> bool:
        return self.key in SEEDED_TOPICS

    def own_labels(self) -> dict[str, str]:
        """Her labels, by language, only those given."""
        return {language: text for language in TOPIC_LANGUAGES if (text := getattr(self, f"label_{language}"))}

    def set_own_labels(self, given: dict[str, str | None]) -> None:
        for language in TOPIC_LANGUAGES:
            setattr(self, f"label_{language}", (given.get(language) or "").strip() or None)


session_topics = sa.Table(
    "counsel_session_topics",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("counsel_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("counsel_topics.id", ondelete="RESTRICT"), primary_key=True),
)


class CounselSession(db.Model):
    """One counselling session with her in one group: when, which kind, about what, and a private note
    (only her instructors and the coordinator read it; each reading is logged in counsel_views)."""

    __tablename__ = "counsel_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]  # a Helsinki date
    kind: Mapped[str] = mapped_column(sa.String(16))  # SessionKind
    note: Mapped[str | None] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrollment: Mapped[Enrollment] = relationship(
        backref=sa.orm.backref("counsel_sessions", cascade="all, delete-orphan", passive_deletes=True))
    author: Mapped[User | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=session_topics, order_by="(Topic.position, Topic.id)")


class Plan(db.Model):
    """Her follow-up plan in one group (one per enrolment, so one per participant per period): her goal
    in her own words, the direction agreed (`field` for vocational education), the next step and the
    date to check it; then the follow-up result and when it was checked."""

    __tablename__ = "counsel_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True)
    goal: Mapped[str] = mapped_column(sa.Text)
    direction: Mapped[str] = mapped_column(sa.String(24), index=True)  # Direction
    field: Mapped[str | None] = mapped_column(sa.String(120))  # the vocational field
    next_step: Mapped[str] = mapped_column(sa.Text)
    check_on: Mapped[date] = mapped_column(index=True)  # a Helsinki date
    result: Mapped[str | None] = mapped_column(sa.String(16))  # Result; None until checked
    result_note: Mapped[str | None] = mapped_column(sa.Text)
    checked_on: Mapped[date | None]
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrollment: Mapped[Enrollment] = relationship(
        backref=sa.orm.backref("counsel_plan", uselist=False, cascade="all, delete-orphan", passive_deletes=True))


class View(db.Model):
    """Who read which participant's counselling data, and when (the coordinator reads this log).
    `what`: "sessions" (the list with its notes), "session", "plan", "notes" (the instructors' notes on
    her lessons page, `models.InstructorNote`), "export"."""

    __tablename__ = "counsel_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    viewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(sa.String(16))

    viewer: Mapped[User | None] = relationship(foreign_keys=[viewer_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
