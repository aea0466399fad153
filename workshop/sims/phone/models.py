"""The practice pad's one table: her sandbox and what she did in it (read by the checks)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db
from ...models import utcnow

TEXT_LIMIT = 200


class PhoneState(db.Model):
    __tablename__ = "sim_phone_state"

    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seeded_at: Mapped[datetime] = mapped_column(default=utcnow)
    seed_day: Mapped[date]  # the barcode's due date counts from it
    barcode: Mapped[str] = mapped_column(sa.String(54))  # her own virtual barcode to copy (pad.barcode)
    tapped_at: Mapped[datetime | None]  # she scrolled to the end of the long page and tapped its button
    typed_address: Mapped[str | None] = mapped_column(sa.String(TEXT_LIMIT))  # her last try, as she typed it
    typed_email: Mapped[str | None] = mapped_column(sa.String(TEXT_LIMIT))
    pasted: Mapped[str | None] = mapped_column(sa.String(TEXT_LIMIT))  # what she pasted in the payment field
    scanned_at: Mapped[datetime | None]  # she opened the practice QR code's address
    chosen_address: Mapped[str | None] = mapped_column(sa.String(16))  # a key of pad.ADDRESSES
