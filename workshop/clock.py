"""The one clock. Every "now" the application reads comes from here, and every "today" and every
date a person sees is Helsinki's: a workshop, a bill's due date, a school day and a reach-report
day all change at midnight in Finland, not at midnight UTC (02:00 or 03:00 there).

The database keeps moments as naive UTC (`utcnow()`); `helsinki()` turns such a moment into
Finnish time and `helsinki_date()` into the day it was in Finland. Tests set the clock with
`frozen(moment)` (or the `clock` fixture in tests/conftest.py), and every part of the app moves with it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def _system_now() -> datetime:
    return datetime.now(timezone.utc)


_source: Callable[[], datetime] = _system_now


def now() -> datetime:
    """This moment, timezone-aware, in UTC."""
    return _source().astimezone(timezone.utc)


def utcnow() -> datetime:
    """This moment as the database keeps it: naive UTC."""
    return now().replace(tzinfo=None)


def helsinki(moment: datetime | None = None) -> datetime:
    """A moment (now by default) in Helsinki time. A naive datetime is UTC, as the database keeps it."""
    moment = now() if moment is None else moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(HELSINKI)


def today() -> date:
    """Helsinki's today: just after midnight in Finland it is already tomorrow, though not yet in UTC."""
    return helsinki().date()


def helsinki_date(moment: datetime) -> date:
    """The day a stored (naive UTC) moment was in Finland."""
    return helsinki(moment).date()


def set_source(source: Callable[[], datetime] | None) -> None:
    """Where "now" comes from (None: the system clock). A source returns an aware datetime, or a naive one in UTC."""
    global _source
    if source is None:
        _source = _system_now
        return

    def aware() -> datetime:
        moment = source()
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)

    _source = aware


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """The clock stands at `moment` (aware, or naive UTC) inside the block."""
    previous = _source
    set_source(lambda: moment)
    try:
        yield
    finally:
        globals()["_source"] = previous
