"""The retention period of counselling data (issue 18, item 5): `COUNSEL_RETENTION_MONTHS` after a
group's last day, its counselling sessions (with their notes), follow-up plans, instructors' notes
and the log of who read them are deleted, and only anonymous counts stay in the outcomes report.

`flask counsel retention` runs it (daily from cron, docs/deploying.md). In one transaction it
counts the expired groups exactly as the report does (`outcomes.live_counts`), keeps those counts
in `outcome_counts`, marks the groups folded, then deletes; so the report's figures are the same
before and after, and a run that fails leaves everything as it was. A group is folded once; running
the job again finds nothing new. Attendance, enrolments and consent records stay (they are not
counselling notes or plans; consent says what she agreed to, and deleting the learner removes it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..counsel.models import CounselSession, Plan, View
from ..extensions import db
from ..models import Enrollment, InstructorNote, Workshop, utcnow
from . import outcomes


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).day
    return date(year, month, min(day.day, last))


@dataclass
class Removed:
    groups: int = 0
    plans: int = 0
    sessions: int = 0
    notes: int = 0
    views: int = 0
    cutoff: date | None = None


def expired_groups(today: date, months: int) -> list[int]:
    """Groups whose last day is `months` months or more before today and that are not folded yet."""
    cutoff = months_before(today, months)
    return list(db.session.scalars(
        sa.select(Workshop.id).where(Workshop.ends_on <= cutoff,
                                     Workshop.id.not_in(sa.select(outcomes.FoldedGroup.workshop_id)))
        .order_by(Workshop.id)
    ))


def run(today: date, months: int, dry_run: bool = False) -> Removed:
    """Fold and delete (or, with `dry_run`, only count) in the caller's session; commits unless dry."""
    ids = expired_groups(today, months)
    removed = Removed(groups=len(ids), cutoff=months_before(today, months))
    if not ids:
        return removed
    enrollments = sa.select(Enrollment.id).where(Enrollment.workshop_id.in_(ids))

    def how_many(model, *where) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0

    removed.plans = how_many(Plan, Plan.enrollment_id.in_(enrollments))
    removed.sessions = how_many(CounselSession, CounselSession.enrollment_id.in_(enrollments))
    removed.notes = how_many(InstructorNote, InstructorNote.enrollment_id.in_(enrollments))
    removed.views = how_many(View, View.workshop_id.in_(ids))
    if dry_run:
        return removed
    now = utcnow()
    kept = [
        {"language": key[0], "location": key[1], "starts_on": key[2], "ends_on": key[3], "category": category,
         "count": n, "folded_at": now}
        for key, counts in outcomes.live_counts(workshop_ids=ids).items()
        for category, n in counts.items() if n
    ]
    if kept:
        db.session.execute(sa.insert(outcomes.OutcomeCount), kept)
    db.session.execute(sa.insert(outcomes.FoldedGroup), [{"workshop_id": w, "folded_at": now} for w in ids])
    db.session.execute(sa.delete(Plan).where(Plan.enrollment_id.in_(enrollments)))
    db.session.execute(sa.delete(CounselSession).where(CounselSession.enrollment_id.in_(enrollments)))
    db.session.execute(sa.delete(InstructorNote).where(InstructorNote.enrollment_id.in_(enrollments)))
    db.session.execute(sa.delete(View).where(View.workshop_id.in_(ids)))
    db.session.commit()
    return removed
