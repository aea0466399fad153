"""When her instructor will see a help request: now, during her group's workshop, else at its next one.

A group meets once a week (`Workshop.weekday`, `start_time`, Europe/Helsinki) between its first and
last day; a meeting is taken to last `SESSION` (the class view's "today's class" uses the same span).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .. import clock
from ..extensions import db
from ..models import Workshop

SESSION = timedelta(hours=3)


def next_session_start(workshop_id: int) -> tuple[str, datetime | None]:
    """("now", None) while the workshop is on (she will be seen soon); ("next", start) with the next
    meeting's start as a naive UTC datetime; ("ended", None) if the group meets no more."""
    workshop = db.session.get(Workshop, workshop_id)
    zone = clock.HELSINKI  # the one clock's Finland
    now = clock.helsinki()
    for days in range(0, 8 + max(0, (workshop.starts_on - now.date()).days)):
        day = now.date() + timedelta(days=days)
        if day.weekday() != workshop.weekday or not workshop.starts_on <= day <= workshop.ends_on:
            continue
        start = datetime.combine(day, workshop.start_time, zone)
        if start <= now < start + SESSION:
            return "now", None
        if start > now:
            return "next", start.astimezone(timezone.utc).replace(tzinfo=None)
    return "ended", None
