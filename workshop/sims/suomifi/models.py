"""The practice Suomi.fi and Kela's tables (sim_suomifi_*). Every row belongs to one learner."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db
from ...models import utcnow

LEARNER_FK = "users.id"


class SuomifiState(db.Model):
    """Her sandbox exists; whether she has identified (strong identification) and what she has looked at."""

    __tablename__ = "sim_suomifi_state"

    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), primary_key=True)
    seed_day: Mapped[date]  # the day (Helsinki) the sandbox was made: seeded dates count from it
    seeded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # strong identification: the method chosen, waiting for her to confirm in the practice app
    pending_method: Mapped[str | None] = mapped_column(sa.String(32))  # a bank's id, or "mobile"
    pending_code: Mapped[str | None] = mapped_column(sa.String(8))  # the code shown on both screens
    identified_at: Mapped[datetime | None]
    identified_with: Mapped[str | None] = mapped_column(sa.String(32))
    seen_payments_at: Mapped[datetime | None]


class SuomifiLetter(db.Model):
    """A letter in Suomi.fi Messages (box "viestit") or a decision in OmaKela (box "omakela")."""

    __tablename__ = "sim_suomifi_letters"
    __table_args__ = (sa.UniqueConstraint("learner_id", "box", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    box: Mapped[str] = mapped_column(sa.String(16))
    key: Mapped[str] = mapped_column(sa.String(64))  # the letter or decision in the scenario
    arrived_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class SuomifiPhoneMessage(db.Model):
    """A text message or e-mail on her practice phone: a notification, or a trick."""

    __tablename__ = "sim_suomifi_phone"
    __table_args__ = (sa.UniqueConstraint("learner_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int]
    read_at: Mapped[datetime | None]
    verdict: Mapped[str | None] = mapped_column(sa.String(8))  # what she said it is: "real" or "scam"
    link_opened_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]


class SuomifiFiling(db.Model):
    """What she sent to Kela: a report of a change, an application, a request to change a decision,
    an attachment. `details` holds the answers as the form's fields named them."""

    __tablename__ = "sim_suomifi_filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey(LEARNER_FK, ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))  # daycare, move, home-care, appeal, attachment
    subject: Mapped[str | None] = mapped_column(sa.String(64))  # the child or the decision it is about
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
