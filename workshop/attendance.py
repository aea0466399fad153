"""A group's weekly meetings and who came to them; who counts as a participant and who as a visitor.

The meetings are made from the group's schedule (`Workshop.weekday`, `start_time`, `starts_on`,
`ends_on`): one each week on its weekday, holidays included (nothing is assumed about them; the
instructor cancels a meeting that does not happen). She can add a meeting, move one to another day
or time, cancel one and write a note on it. `sync_meetings` makes the schedule's meetings again
after the group's dates change and keeps every edit: a moved, cancelled, added or noted meeting and
one with attendance is never removed or re-made.

Attendance is a row per meeting and enrolment that exists while she is marked present. Marking
sends the wanted state (`mark(..., present=True)`), never a toggle, so a double tap, a browser
resubmission or an htmx retry sets the same state again.

Who counts (the definition every page that counts prints; docs/architecture.md): among the learners enrolled in a
group, a *participant* came to at least `PARTICIPANT_MEETINGS` of its meetings in the period, a
*visitor* came to fewer (at least one); one who came to none is enrolled but not counted as reached
by attendance. `participants()` answers it for other parts (the outcomes report), `group_counts()`
per group in one query.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db
from .models import Enrollment, Workshop, utcnow

# A learner who came to this many meetings of her group in the period is a participant; fewer, a visitor.
PARTICIPANT_MEETINGS = 3
PARTICIPANT, VISITOR, ENROLLED = "participant", "visitor", "enrolled"
NOTE_LIMIT = 200


class Meeting(db.Model):
    """One meeting of a group: made from its schedule (`scheduled_on` is that week's date), or
    added by the instructor (`scheduled_on` is None). Moving changes `day`/`starts_at` only."""

    __tablename__ = "meetings"
    __table_args__ = (sa.UniqueConstraint("workshop_id", "scheduled_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    starts_at: Mapped[time]
    scheduled_on: Mapped[date | None]
    cancelled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    note: Mapped[str | None] = mapped_column(sa.String(NOTE_LIMIT))
    edited: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # moved, noted or cancelled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(db.Model):
    """She came to this meeting (the row exists only while she is marked present)."""

    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---- the schedule ---------------------------------------------------------------------------------

def schedule(workshop: Workshop) -> list[date]:
    """Every date of the group's weekday from its first to its last day (holidays included)."""
    first = workshop.starts_on + timedelta(days=(workshop.weekday - workshop.starts_on.weekday()) % 7)
    days = []
    while first <= workshop.ends_on:
        days.append(first)
        first += timedelta(weeks=1)
    return days


def meetings_of(workshop_id: int) -> list[Meeting]:
    return db.session.scalars(
        db.select(Meeting).where(Meeting.workshop_id == workshop_id).order_by(Meeting.day, Meeting.starts_at, Meeting.id)
    ).all()


def sync_meetings(workshop: Workshop) -> None:
    """Make the schedule's missing meetings and drop the untouched ones it no longer has (in the
    caller's transaction). Edited, added and attended meetings stay. Two requests at once make each
    meeting once (the insert skips a date that exists)."""
    db.session.flush()  # what the caller changed is written before the session is read again below
    wanted = set(schedule(workshop))
    kept = db.session.execute(
        db.select(Meeting.id, Meeting.scheduled_on, Meeting.edited, Meeting.starts_at)
        .where(Meeting.workshop_id == workshop.id)
    ).all()
    have = {row.scheduled_on for row in kept if row.scheduled_on is not None}
    attended = set(db.session.scalars(
        db.select(Attendance.meeting_id).join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.workshop_id == workshop.id).distinct()
    ))
    stale = [row.id for row in kept if row.scheduled_on is not None and not row.edited and row.id not in attended
             and (row.scheduled_on not in wanted or row.starts_at != workshop.start_time)]
    if stale:
        db.session.execute(sa.delete(Meeting).where(Meeting.id.in_(stale)))
        have -= {row.scheduled_on for row in kept if row.id in stale}
    missing = sorted(wanted - have)
    if missing:
        connection = db.session.connection()
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        now = utcnow()
        connection.execute(insert(Meeting.__table__).values([
            {"workshop_id": workshop.id, "day": day, "starts_at": workshop.start_time, "scheduled_on": day,
             "cancelled": False, "edited": False, "created_at": now} for day in missing
        ]).on_conflict_do_nothing(index_elements=["workshop_id", "scheduled_on"]))
    db.session.expire_all()


def meeting_or_none(workshop_id: int, meeting_id: int) -> Meeting | None:
    """A meeting only through its group (which the caller fetched through visible_workshops())."""
    return db.session.scalar(db.select(Meeting).where(Meeting.id == meeting_id, Meeting.workshop_id == workshop_id))


def clashing(workshop_id: int, day: date, starts_at: time, other_than: int | None = None) -> Meeting | None:
    """Another meeting of the group, not cancelled, on this day at this time: a second one there would count
    each person who came to it twice."""
    query = db.select(Meeting).where(Meeting.workshop_id == workshop_id, Meeting.day == day,
                                     Meeting.starts_at == starts_at, Meeting.cancelled.is_(False))
    if other_than is not None:
        query = query.where(Meeting.id != other_than)
    return db.session.scalars(query.order_by(Meeting.id).limit(1)).first()


def next_meeting(meetings: list[Meeting], today: date) -> Meeting | None:
    """Today's meeting, else the next one, else the last one held."""
    held = [m for m in meetings if not m.cancelled]
    return next((m for m in held if m.day >= today), held[-1] if held else None)


# ---- marking ---------------------------------------------------------------------------------------

def mark(meeting: Meeting, enrollment_id: int, present: bool, by_id: int | None) -> None:
    """Set her state for the meeting to `present` (in the caller's transaction). The same state
    twice changes nothing; two requests at once leave one row."""
    connection = db.session.connection()
    if present:
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(insert(Attendance.__table__).values(
            meeting_id=meeting.id, enrollment_id=enrollment_id, marked_by_id=by_id, marked_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["meeting_id", "enrollment_id"]))
    else:
        connection.execute(sa.delete(Attendance.__table__).where(
            Attendance.meeting_id == meeting.id, Attendance.enrollment_id == enrollment_id))


def present_at(meeting_id: int) -> set[int]:
    """The enrolments marked present at a meeting."""
    return set(db.session.scalars(db.select(Attendance.enrollment_id).where(Attendance.meeting_id == meeting_id)))


def attended_by_enrollment(workshop_id: int) -> dict[int, int]:
    """Meetings (not cancelled) each enrolment of a group came to."""
    return dict(db.session.execute(
        db.select(Attendance.enrollment_id, sa.func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.workshop_id == workshop_id, Meeting.cancelled.is_(False))
        .group_by(Attendance.enrollment_id)
    ).all())


def present_counts(workshop_id: int) -> dict[int, int]:
    """How many came to each meeting of a group."""
    return dict(db.session.execute(
        db.select(Attendance.meeting_id, sa.func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.workshop_id == workshop_id).group_by(Attendance.meeting_id)
    ).all())


def attended_meetings(enrollment_ids: list[int], cancelled_too: bool = False) -> list[tuple[int, Meeting]]:
    """(enrolment id, meeting) for each meeting these enrolments came to, in date order (a cancelled
    meeting's marks are kept, and counted again if it is brought back; her data file lists them)."""
    if not enrollment_ids:
        return []
    query = (db.select(Attendance.enrollment_id, Meeting).join(Meeting, Meeting.id == Attendance.meeting_id)
             .where(Attendance.enrollment_id.in_(enrollment_ids)).order_by(Meeting.day, Meeting.starts_at))
    if not cancelled_too:
        query = query.where(Meeting.cancelled.is_(False))
    return [tuple(row) for row in db.session.execute(query).all()]


def held_meetings(workshop_ids: list[int], today: date) -> dict[int, int]:
    """Meetings held so far (not cancelled, on or before today) per group."""
    if not workshop_ids:
        return {}
    return dict(db.session.execute(
        db.select(Meeting.workshop_id, sa.func.count()).where(
            Meeting.workshop_id.in_(workshop_ids), Meeting.cancelled.is_(False), Meeting.day <= today)
        .group_by(Meeting.workshop_id)
    ).all())


# ---- participants and visitors ----------------------------------------------------------------------

def kind_of(attended: int) -> str:
    if attended >= PARTICIPANT_MEETINGS:
        return PARTICIPANT
    return VISITOR if attended > 0 else ENROLLED


@dataclass(frozen=True)
class Participation:
    workshop_id: int
    learner_id: int
    enrollment_id: int
    attended: int
    kind: str  # PARTICIPANT, VISITOR or ENROLLED (came to none)


def _attended_query(start: date | None, end: date | None):
    """Per enrolment: the meetings (not cancelled, within the period) she came to."""
    query = (
        db.select(Attendance.enrollment_id.label("enrollment_id"), sa.func.count().label("attended"))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.cancelled.is_(False))
        .group_by(Attendance.enrollment_id)
    )
    if start:
        query = query.where(Meeting.day >= start)
    if end:
        query = query.where(Meeting.day <= end)
    return query.subquery()


def participants(workshop_ids, period: tuple[date | None, date | None] = (None, None)) -> list[Participation]:
    """Every learner enrolled in these groups, with the meetings she came to in the period (start and
    end inclusive; None: open) and whether she counts as a participant, a visitor or neither
    (the rule above). One query, whatever the number of groups and learners."""
    ids = list(workshop_ids)
    if not ids:
        return []
    counts = _attended_query(*period)
    attended = sa.func.coalesce(counts.c.attended, 0)
    rows = db.session.execute(
        db.select(Enrollment.workshop_id, Enrollment.learner_id, Enrollment.id, attended)
        .outerjoin(counts, counts.c.enrollment_id == Enrollment.id)
        .where(Enrollment.workshop_id.in_(ids))
        .order_by(Enrollment.workshop_id, Enrollment.id)
    ).all()
    return [Participation(w, learner, e, n, kind_of(n)) for w, learner, e, n in rows]


@dataclass(frozen=True)
class GroupCount:
    workshop_id: int
    name: str
    language: str
    location: str
    starts_on: date
    ends_on: date
    meetings: int  # held in the period (not cancelled), up to today
    participants: int
    visitors: int
    enrolled: int


def group_counts(start: date | None, end: date | None, today: date) -> list[GroupCount]:
    """Per group running in the period: meetings held, participants and visitors. Two queries, each
    answering one row per group, however many groups and learners there are."""
    counts = _attended_query(start, end)
    attended = sa.func.coalesce(counts.c.attended, 0)
    groups = db.select(Workshop.id, Workshop.name, Workshop.language, Workshop.location, Workshop.starts_on,
                       Workshop.ends_on)
    if start:
        groups = groups.where(Workshop.ends_on >= start)
    if end:
        groups = groups.where(Workshop.starts_on <= end)
    people = groups.add_columns(
        sa.func.count(sa.case((attended >= PARTICIPANT_MEETINGS, 1))),
        sa.func.count(sa.case((sa.and_(attended > 0, attended < PARTICIPANT_MEETINGS), 1))),
        sa.func.count(Enrollment.id),
    ).outerjoin(Enrollment, Enrollment.workshop_id == Workshop.id).outerjoin(
        counts, counts.c.enrollment_id == Enrollment.id
    ).group_by(Workshop.id, Workshop.name, Workshop.language, Workshop.location, Workshop.starts_on, Workshop.ends_on
               ).order_by(Workshop.language, Workshop.location, Workshop.starts_on, Workshop.name, Workshop.id)
    held = db.select(Meeting.workshop_id, sa.func.count()).where(Meeting.cancelled.is_(False), Meeting.day <= today)
    if start:
        held = held.where(Meeting.day >= start)
    if end:
        held = held.where(Meeting.day <= end)
    held_by_group = dict(db.session.execute(held.group_by(Meeting.workshop_id)).all())
    return [GroupCount(wid, name, language, location, starts_on, ends_on, held_by_group.get(wid, 0), p, v, n)
            for wid, name, language, location, starts_on, ends_on, p, v, n in db.session.execute(people).all()]


def distinct_totals(start: date | None, end: date | None) -> tuple[int, int]:
    """(participants, visitors) over every group in the period, each person once: a participant in
    any group is a participant; a visitor is one who came somewhere but is a participant nowhere."""
    counts = _attended_query(start, end)
    per_enrollment = (
        db.select(Enrollment.learner_id.label("learner_id"), counts.c.attended.label("attended"))
        .join(counts, counts.c.enrollment_id == Enrollment.id)
        .join(Workshop, Workshop.id == Enrollment.workshop_id)
    )
    if start:
        per_enrollment = per_enrollment.where(Workshop.ends_on >= start)
    if end:
        per_enrollment = per_enrollment.where(Workshop.starts_on <= end)
    per_enrollment = per_enrollment.subquery()
    best = db.select(per_enrollment.c.learner_id, sa.func.max(per_enrollment.c.attended).label("top")) \
        .group_by(per_enrollment.c.learner_id).subquery()
    row = db.session.execute(db.select(
        sa.func.count(sa.case((best.c.top >= PARTICIPANT_MEETINGS, 1))),
        sa.func.count(sa.case((sa.and_(best.c.top > 0, best.c.top < PARTICIPANT_MEETINGS), 1))),
    )).one()
    return int(row[0]), int(row[1])
