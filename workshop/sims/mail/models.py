"""The practice inbox's tables: one mailbox per learner, her messages and their attachments.

Every row carries the learner's id, and every query in this package filters on it: a message is
never fetched by its id alone.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db

FOLDERS = ("inbox", "sent", "drafts", "junk", "deleted")


class MailBox(db.Model):
    """Her mailbox exists once it has been seeded from the scenario (lazily, on her first visit)."""

    __tablename__ = "sim_mail_boxes"

    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(120))
    seeded_at: Mapped[datetime]


class MailMessage(db.Model):
    __tablename__ = "sim_mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The scenario message this row was seeded from ("teacher", "phishing", "teacher-answer"), if any.
    scenario_key: Mapped[str | None] = mapped_column(sa.String(40))
    folder: Mapped[str] = mapped_column(sa.String(16))
    # Where a deleted or junk message came from, so "restore" puts it back.
    previous_folder: Mapped[str | None] = mapped_column(sa.String(16))
    read: Mapped[bool] = mapped_column(default=False)
    from_name: Mapped[str] = mapped_column(sa.String(120), default="")
    from_addr: Mapped[str] = mapped_column(sa.String(254), default="")
    to_addr: Mapped[str] = mapped_column(sa.String(600), default="")
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # How she wrote it: a new message, a reply or a forward (and of which of her messages).
    kind: Mapped[str] = mapped_column(sa.String(16), default="new")
    related_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sim_mail_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # A simulated contact's answer is written at once but shows only from this moment on.
    deliver_at: Mapped[datetime]
    link_opened_at: Mapped[datetime | None]

    attachments: Mapped[list[MailAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MailAttachment.id",
        foreign_keys="MailAttachment.message_id",
    )


class MailAttachment(db.Model):
    __tablename__ = "sim_mail_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("sim_mail_messages.id", ondelete="CASCADE"), index=True)
    asset: Mapped[str] = mapped_column(sa.String(40))  # a key of mailbox.ASSETS: the file is ours, never uploaded
    name: Mapped[str] = mapped_column(sa.String(120))
    opened_at: Mapped[datetime | None]

    message: Mapped[MailMessage] = relationship(back_populates="attachments", foreign_keys=[message_id])

