"""The outcomes report: per language group, location and period, the participants reached and where
their follow-up plans directed them, in the programme's own categories, as counts and shares.

Who counts (printed under the report, `templates/admin/outcomes.html`):
- a *participant* came to at least `attendance.PARTICIPANT_MEETINGS` meetings of her group (a
  visitor came to fewer and is counted apart, never in the shares);
- a *period* is a group's own dates; a learner counts once per period: of her groups with the same
  dates, in the one she came to most often (then the one with a plan, then the first enrolment);
- each participant is in exactly one category (`EXCLUSIVE`): "not reached at follow-up" when the
  follow-up result says so, else the direction of her plan, else "no follow-up plan yet", so the
  categories add up to the participants and "not reached" is a recorded answer, never a gap;
- "guided to education and working life" is the sum of `GUIDED_FROM`.

The figures are one GROUP BY query over the live rows (attendance, enrolments, plans) and one over
`outcome_counts`, the anonymous counts the retention job (`admin/retention.py`) folds a group into
before it deletes the group's notes and plans; a folded group is listed in `outcome_folded_groups`
and is read from the counts only. Both queries answer one row per row-and-category, so the report
costs the same for 10 participants or 1,000. Every row sums: a language's and the whole report's
figures are sums of rows, which is exact because a learner is in one row per period.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from .. import formats
from ..attendance import PARTICIPANT_MEETINGS, Attendance, Meeting
from ..counsel.models import Direction, Plan, Result
from ..extensions import db
from ..models import Enrollment, Workshop, utcnow

PARTICIPANTS, VISITORS, CHECKED = "participants", "visitors", "checked"
NOT_REACHED, NO_PLAN, GUIDED = "not_reached", "no_plan", "guided"

# Every participant is in exactly one of these (they add up to PARTICIPANTS).
EXCLUSIVE = (
    Direction.FINNISH_COURSE.value, Direction.VOCATIONAL.value, Direction.BASIC_EDUCATION.value,
    Direction.OTHER_TRAINING.value, Direction.WORK.value, Direction.HOME_CARE.value,
    Direction.PARENTAL_LEAVE.value, Direction.OTHER.value, NOT_REACHED, NO_PLAN,
)
# "Guided to education and working life": the education and training directions and working life.
GUIDED_FROM = (
    Direction.FINNISH_COURSE.value, Direction.VOCATIONAL.value, Direction.BASIC_EDUCATION.value,
    Direction.OTHER_TRAINING.value, Direction.WORK.value,
)
# What is counted and kept: the anonymous counts hold exactly these.
STORED = (PARTICIPANTS, VISITORS, CHECKED, *EXCLUSIVE)
# The report's lines, in order: participants, the exclusive categories, then the sum.
SHOWN = (PARTICIPANTS, *EXCLUSIVE, GUIDED)

LABELS = {
    PARTICIPANTS: _l("Participants reached"),
    Direction.FINNISH_COURSE.value: _l("Directed to Finnish language training"),
    Direction.VOCATIONAL.value: _l("Directed to vocational education"),
    Direction.BASIC_EDUCATION.value: _l("Directed to adult basic education"),
    Direction.OTHER_TRAINING.value: _l("Directed to other training"),
    Direction.WORK.value: _l("Ready for working life"),
    Direction.HOME_CARE.value: _l("Still caring for children at home after the period"),
    Direction.PARENTAL_LEAVE.value: _l("Parental leave first"),
    Direction.OTHER.value: _l("Another direction"),
    NOT_REACHED: _l("Not reached at follow-up"),
    NO_PLAN: _l("No follow-up plan yet"),
    GUIDED: _l("Guided to education and working life"),
    CHECKED: _l("Follow-up recorded"),
    VISITORS: _l("Visitors (not counted as participants)"),
}

MEANINGS = {
    Direction.FINNISH_COURSE.value: _l("The direction in her plan is Finnish language training, for example an "
                                       "integration course."),
    Direction.VOCATIONAL.value: _l("The direction in her plan is vocational education, in any field."),
    Direction.BASIC_EDUCATION.value: _l("The direction in her plan is adult basic education."),
    Direction.OTHER_TRAINING.value: _l("The direction in her plan is another training or course."),
    Direction.WORK.value: _l("The direction in her plan is working life: looking for work or starting a job."),
    Direction.HOME_CARE.value: _l("Her plan says she goes on caring for her children at home after the period."),
    Direction.PARENTAL_LEAVE.value: _l("Her plan says she takes parental leave first."),
    Direction.OTHER.value: _l("Her plan has a direction that is none of the above."),
    NOT_REACHED: _l("Her follow-up was recorded as “not reached”. She counts here and not in the "
                    "direction of her plan."),
    NO_PLAN: _l("She is a participant but has no follow-up plan. She counts here, so nobody is left out."),
    GUIDED: _l("The sum of Finnish language training, vocational education, adult basic education, other "
               "training and working life."),
    CHECKED: _l("Participants whose plan has a follow-up result: reached, in progress, changed or not reached."),
}


class OutcomeCount(db.Model):
    """Anonymous counts of a row of the report (language, location, period) and a category, kept when
    the retention job removes the groups' notes and plans. No person and no group is named."""

    __tablename__ = "outcome_counts"
    __table_args__ = (sa.Index("ix_outcome_counts_period", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    location: Mapped[str] = mapped_column(sa.String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    category: Mapped[str] = mapped_column(sa.String(24))  # one of STORED
    count: Mapped[int]
    folded_at: Mapped[datetime] = mapped_column(default=utcnow)


class FoldedGroup(db.Model):
    """A group whose figures are in outcome_counts: the report no longer counts its live rows."""

    __tablename__ = "outcome_folded_groups"

    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    folded_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- the figures ------------------------------------------------------------------------------------

def share(part: int, whole: int) -> int | None:
    """A whole per cent, half rounded up (3 of 8 is 38 %); None when there is no one to share."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Row:
    """One line of the report: a language, location and period; or, with None in them, a total."""

    language: str | None = None
    location: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    kept: bool = False  # some of its figures are anonymous counts kept by the retention job

    def count(self, key: str) -> int:
        if key == GUIDED:
            return sum(self.counts.get(k, 0) for k in GUIDED_FROM)
        return self.counts.get(key, 0)

    def share(self, key: str) -> int | None:
        return share(self.count(key), self.count(PARTICIPANTS))

    @property
    def participants(self) -> int:
        return self.count(PARTICIPANTS)

    def add(self, counts: dict[str, int]) -> None:
        for key, n in counts.items():
            self.counts[key] = self.counts.get(key, 0) + n


@dataclass
class Figures:
    rows: list[Row]  # per language, location and period
    languages: list[Row]  # per language (sums of rows)
    total: Row  # every row

    @property
    def columns(self) -> list[Row]:
        """The summary table's columns: each language group, then all groups."""
        return [*self.languages, self.total]


def _in_period(query, starts, ends, start: date | None, end: date | None):
    """Groups (or kept counts) that run at some time within the period, as the reach report chooses."""
    if start:
        query = query.where(ends >= start)
    if end:
        query = query.where(starts <= end)
    return query


def _live(start: date | None = None, end: date | None = None, workshop_ids: list[int] | None = None):
    """(language, location, starts_on, ends_on, category, people, checked) from the live rows of the
    groups not yet folded (or of `workshop_ids` only): one statement, one row per row-and-category."""
    attended = (
        sa.select(Attendance.enrollment_id.label("enrollment_id"), sa.func.count().label("n"))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.cancelled.is_(False))
        .group_by(Attendance.enrollment_id)
        .subquery()
    )
    people = (
        sa.select(
            Workshop.language, Workshop.location, Workshop.starts_on, Workshop.ends_on,
            attended.c.n.label("attended"), Plan.id.label("plan_id"), Plan.direction, Plan.result,
            sa.func.row_number().over(
                partition_by=(Enrollment.learner_id, Workshop.starts_on, Workshop.ends_on),
                order_by=(attended.c.n.desc(), Plan.id.is_(None), Enrollment.id),
            ).label("rank"),
        )
        .select_from(Enrollment)
        .join(Workshop, Workshop.id == Enrollment.workshop_id)
        .join(attended, attended.c.enrollment_id == Enrollment.id)
        .outerjoin(Plan, Plan.enrollment_id == Enrollment.id)
    )
    if workshop_ids is not None:
        people = people.where(Workshop.id.in_(workshop_ids))
    else:
        people = people.where(Workshop.id.not_in(sa.select(FoldedGroup.workshop_id)))
    people = _in_period(people, Workshop.starts_on, Workshop.ends_on, start, end).subquery()
    participant = people.c.attended >= PARTICIPANT_MEETINGS
    category = sa.case(
        (sa.not_(participant), VISITORS),
        (people.c.plan_id.is_(None), NO_PLAN),
        (people.c.result == Result.NOT_REACHED.value, NOT_REACHED),
        else_=people.c.direction,
    ).label("category")
    checked = sa.func.sum(sa.case((sa.and_(participant, people.c.result.is_not(None)), 1), else_=0))
    key = (people.c.language, people.c.location, people.c.starts_on, people.c.ends_on)
    return db.session.execute(
        sa.select(*key, category, sa.func.count(), checked).where(people.c.rank == 1).group_by(*key, category)
    ).all()


def _kept(start: date | None, end: date | None):
    """(language, location, starts_on, ends_on, category, count) from the anonymous counts."""
    key = (OutcomeCount.language, OutcomeCount.location, OutcomeCount.starts_on, OutcomeCount.ends_on)
    query = sa.select(*key, OutcomeCount.category, sa.func.sum(OutcomeCount.count)).group_by(*key, OutcomeCount.category)
    return db.session.execute(_in_period(query, OutcomeCount.starts_on, OutcomeCount.ends_on, start, end)).all()


def live_counts(start=None, end=None, workshop_ids=None) -> dict[tuple, dict[str, int]]:
    """{(language, location, starts_on, ends_on): {category: count}} from the live rows."""
    counts: dict[tuple, dict[str, int]] = {}
    for language, location, starts_on, ends_on, category, people, checked in _live(start, end, workshop_ids):
        row = counts.setdefault((language, location, starts_on, ends_on), {})
        if category not in EXCLUSIVE and category != VISITORS:
            category = Direction.OTHER.value  # a direction this report does not know (yet) is "another"
        row[category] = row.get(category, 0) + people
        if category != VISITORS:
            row[PARTICIPANTS] = row.get(PARTICIPANTS, 0) + people
            row[CHECKED] = row.get(CHECKED, 0) + int(checked or 0)
    return counts


def figures(start: date | None = None, end: date | None = None) -> Figures:
    """Every row in the period (live and kept), the languages' sums and the total. Two statements."""
    by_key: dict[tuple, Row] = {}
    for key, counts in live_counts(start, end).items():
        by_key.setdefault(key, Row(*key)).add(counts)
    for language, location, starts_on, ends_on, category, n in _kept(start, end):
        key = (language, location, starts_on, ends_on)
        row = by_key.setdefault(key, Row(*key))
        row.add({category: int(n or 0)})
        row.kept = True
    rows = [by_key[key] for key in sorted(by_key)]
    languages: dict[str, Row] = {}
    total = Row()
    for row in rows:
        languages.setdefault(row.language, Row(language=row.language)).add(row.counts)
        total.add(row.counts)
    return Figures(rows, [languages[code] for code in sorted(languages)], total)


# --- the chart --------------------------------------------------------------------------------------

WIDTH, BAR, BAR_GAP, LINE, GROUP_GAP, WRAP, INSIDE = 400, 24, 6, 20, 18, 40, 50


def share_chart(groups: list[tuple[str, list[tuple[str, int | None, str]]]], rtl: bool = False) -> dict:
    """Geometry of a grouped horizontal bar chart of shares: for each category its label (wrapped,
    never cut), then one bar per series (a language group) on a scale of 0-100 % over a light track
    that shows the whole, each with its text ("Soomaali: 15 % (3)") after the bar, or inside it in
    white from `INSIDE` % on, so it reads in print and in grey. Narrow (400 units), so the text stays
    large on a phone. `groups`: [(category label, [(series label, share or None, text)])]. In Arabic
    the chart mirrors: labels and bars start on the right."""
    items, y = [], 4
    for label, series in groups:
        lines = textwrap.wrap(label, WRAP) or [""]
        texts = []
        for line in lines:
            y += LINE
            texts.append({"text": line, "y": y})
        y += 6
        bars = []
        for n, (_name, whole, text) in enumerate(series):
            length = round(WIDTH * (whole or 0) / 100)
            inside = (whole or 0) >= INSIDE
            bar = {"y": y, "text_y": y + BAR - 7, "w": length, "text": text, "series": n, "inside": inside,
                   "anchor": "end" if inside else "start", "x": WIDTH - length if rtl else 0}
            if rtl:
                bar["value_x"] = WIDTH - length + 6 if inside else WIDTH - length - 6
            else:
                bar["value_x"] = length - 6 if inside else length + 6
            bars.append(bar)
            y += BAR + BAR_GAP
        items.append({"lines": texts, "bars": bars})
        y += GROUP_GAP
    return {
        "width": WIDTH, "height": y, "items": items, "rtl": rtl, "label_x": WIDTH if rtl else 0,
        "summary": "; ".join(f"{label}: " + formats.comma().join(text for _n, _w, text in series) for label, series in groups),
    }
