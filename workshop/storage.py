"""Files people make (recorded narrations today) kept where every host of the site reads them.

One small interface, `Store`: put, get and delete bytes by name. `DatabaseStore`, the default,
keeps them in the `stored_files` table, so a recording made through one host plays on every
other, is in every backup of the database and goes with it on a restore; nothing is on a local
disk. A write joins the caller's transaction, so the file and the row that names it are committed
(or rolled back) together. The table's migration is in the review branch (0017), its first user.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db
from .clock import utcnow


class StoredFile(db.Model):
    __tablename__ = "stored_files"

    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)  # e.g. narrations/so/<random>.webm
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Store(Protocol):
    def put(self, name: str, data: bytes) -> None:
        """Keep `data` under `name` (replacing what was there), in the caller's transaction."""

    def get(self, name: str) -> bytes | None:
        """The bytes kept under `name`, or None."""

    def delete(self, name: str) -> None:
        """Forget `name` (nothing happens if it is not kept), in the caller's transaction."""

    def names(self, prefix: str) -> list[str]:
        """Every name kept that starts with `prefix`, sorted."""


class DatabaseStore:
    """The default: the `stored_files` table of the site's database."""

    def put(self, name: str, data: bytes) -> None:
        row = db.session.get(StoredFile, name)
        if row is None:
            db.session.add(StoredFile(name=name, data=data, size=len(data)))
        else:
            row.data, row.size, row.created_at = data, len(data), utcnow()

    def get(self, name: str) -> bytes | None:
        return db.session.scalar(db.select(StoredFile.data).where(StoredFile.name == name))

    def delete(self, name: str) -> None:
        db.session.execute(db.delete(StoredFile).where(StoredFile.name == name))

    def names(self, prefix: str) -> list[str]:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return list(db.session.scalars(
            db.select(StoredFile.name).where(StoredFile.name.like(pattern, escape="\\")).order_by(StoredFile.name)))


_store: Store = DatabaseStore()


def files() -> Store:
    """The site's store of files."""
    return _store
