"""The practice school system's tables (sim_wilma_*). Every row belongs to one learner."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ...models import utcnow

LEARNER_FK = "users.id"


class WilmaState(db.Model):
    """Her sandbox exists: seeded once from the scenario; what she has looked at (read by checks)."""

    __tablename__ = "sim_wilma_state"

    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), primary_key=True)
    seed_day: Mapped[date]  # the school day (Helsinki) the sandbox was made: seeded dates count from it
    seeded_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_exams_at: Mapped[datetime | None]
    seen_timetable_at: Mapped[datetime | None]


class WilmaThread(db.Model):
    __tablename__ = "sim_wilma_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    child: Mapped[str] = mapped_column(sa.String(32))
    person: Mapped[str] = mapped_column(sa.String(32))  # the school's side: a key of [people] in the scenario
    subject: Mapped[str | None] = mapped_column(sa.String(200))  # what she typed; seeded threads use scenario_key
    scenario_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    messages: Mapped[list[WilmaMessage]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", order_by="(WilmaMessage.deliver_at, WilmaMessage.id)"
    )


class WilmaMessage(db.Model):
    __tablename__ = "sim_wilma_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("sim_wilma_threads.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    from_guardian: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str | None] = mapped_column(sa.Text)  # what she wrote
    text_ref: Mapped[str | None] = mapped_column(sa.String(100))  # the school's text, in the scenario
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    deliver_at: Mapped[datetime] = mapped_column(default=utcnow)  # a teacher's answer arrives a moment later
    read_at: Mapped[datetime | None]

    thread: Mapped[WilmaThread] = relationship(back_populates="messages")


class WilmaMark(db.Model):
    """Tuntimerkinnät: an absence a teacher marked, a lesson note, or an absence she notified."""

    __tablename__ = "sim_wilma_marks"
    __table_args__ = (sa.UniqueConstraint("learner_id", "child", "kind", "day"),)  # one entry a day

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    child: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(16))  # absence, note, notice
    day: Mapped[date]
    scenario_key: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str | None] = mapped_column(sa.String(16))  # illness, doctor, other
    note: Mapped[str | None] = mapped_column(sa.Text)
    explained_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WilmaApplication(db.Model):
    """Hakemukset ja päätökset: a leave request, decided a moment after it is sent."""

    __tablename__ = "sim_wilma_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    child: Mapped[str] = mapped_column(sa.String(32))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decide_at: Mapped[datetime] = mapped_column(default=utcnow)


class WilmaFormAnswer(db.Model):
    """Lomakkeet: a form she filled in and sent (one answer a form)."""

    __tablename__ = "sim_wilma_form_answers"
    __table_args__ = (sa.UniqueConstraint("learner_id", "form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(sa.String(64))
    child: Mapped[str] = mapped_column(sa.String(32))
    permission: Mapped[bool]
    info: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

