"""Tables of the tablet sign-in: the workshop's shared tablets and learners' picture passwords."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Workshop, utcnow

# The twelve pictures, in the order of the grid (4 x 3). Position = the number stored in a password.
PICTURES = ("sun", "tree", "cup", "fish", "house", "star", "apple", "boat", "cat", "flower", "key", "moon")
PICTURE_COUNT = 3


class TabletDevice(db.Model):
    """A tablet an instructor set up for one group: its cookie holds a random token, stored hashed."""

    __tablename__ = "tablet_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    workshop: Mapped[Workshop] = relationship()


class PicturePassword(db.Model):
    """A learner's three pictures, in order, hashed with her id mixed in (a hash cannot move to another learner)."""

    __tablename__ = "picture_passwords"

    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


def _secret(learner_id: int, pictures: list[int] | tuple[int, ...]) -> str:
    return f"{learner_id}:" + "-".join(str(p) for p in pictures)


def valid_pictures(pictures) -> bool:
    return (
        isinstance(pictures, (list, tuple))
        and len(pictures) == PICTURE_COUNT
        and all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p < len(PICTURES) for p in pictures)
    )


def set_picture_password(learner_id: int, pictures, set_by_id: int | None = None) -> PicturePassword:
    if not valid_pictures(pictures):
        raise ValueError("a picture password is three pictures of the twelve")
    row = db.session.get(PicturePassword, learner_id)
    if row is None:
        row = PicturePassword(learner_id=learner_id, password_hash="")
        db.session.add(row)
    row.password_hash = generate_password_hash(_secret(learner_id, pictures))
    row.set_by_id = set_by_id
    row.set_at = utcnow()
    return row


def check_picture_password(row: PicturePassword | None, pictures) -> bool:
    if row is None or not valid_pictures(pictures):
        return False
    return check_password_hash(row.password_hash, _secret(row.learner_id, pictures))
