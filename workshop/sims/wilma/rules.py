"""The school's rules, as pure functions with the clock passed in (so tests can fix it).

Helsinki's guidance for guardians (https://www.hel.fi/en/childhood-and-education/ressu-ib-world-school/
for-guardians/attendance-and-absences): the guardian notifies an absence in Wilma on the same day
(Tuntimerkinnät → Ilmoita poissaolosta, choose the reason, save); "sick" is enough; an illness of more
than three days means contacting the teacher; absences the teacher marked are explained within a week.
So a notice covers the day it is sent, at any hour; each day is its own entry. Times are Helsinki time.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ... import clock
from ...clock import HELSINKI, helsinki  # noqa: F401  (the one clock's Helsinki time)


def now() -> datetime:
    """This moment in Helsinki, from the application's one clock (tests freeze it: workshop.clock)."""
    return clock.helsinki()


def notice_day(sent_at: datetime) -> date:
    """The day an absence notice sent at `sent_at` covers: the same day, whatever the hour. Sent on a
    Saturday or Sunday (no school), it is for the next school day."""
    return next_school_day(helsinki(sent_at).date())


def is_school_day(day: date) -> bool:
    return day.weekday() < 5


def next_school_day(day: date) -> date:
    """`day` itself if it is a school day (Monday to Friday), else the Monday after."""
    while not is_school_day(day):
        day += timedelta(days=1)
    return day


def school_days(start: date, count: int) -> list[date]:
    """`count` school days from `start` (weekends skipped): one absence entry for each."""
    days, day = [], next_school_day(start)
    while len(days) < count:
        days.append(day)
        day = next_school_day(day + timedelta(days=1))
    return days


def school_days_before(day: date, count: int) -> date:
    """The school day `count` school days before `day` (1 = the previous school day)."""
    for _ in range(count):
        day -= timedelta(days=1)
        while not is_school_day(day):
            day -= timedelta(days=1)
    return day


def week_day(today: date, weeks_ahead: int, weekday: int) -> date:
    """The given weekday (0 = Monday) in the week `weeks_ahead` weeks from this one."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks_ahead, days=weekday)
