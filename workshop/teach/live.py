"""The live class view's data: a fixed number of queries, whatever the size of the group."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import contains_eager

from .. import i18n
from ..extensions import db
from ..models import Assignment, Enrollment, HelpRequest, Progress, Status, StepEvent, User, Workshop, utcnow
from ..review.state import version as review_version
from ..web import catalogue

WRONG_TRIES = 3  # this many wrong answers on one step: she looks stuck
IDLE = timedelta(minutes=5)  # this long without activity on a practice step: she looks stuck
SESSION = timedelta(hours=3)  # only today's class counts for "stuck"


@dataclass
class Cell:
    status: str  # not_started, in_progress, done
    number: int = 0  # step n ...
    total: int = 0  # ... of m
    helped: bool = False  # a practice task in it was done after asking for help
    completed_at: datetime | None = None


@dataclass
class Where:
    """Where a learner is now, for the class view's first table: the lesson she last worked on and
    has not finished, else the first of the plan she has not done; None when she has done them all."""
    lesson: object | None
    cell: Cell | None
    done: int  # lessons of the plan she has finished
    total: int


@dataclass
class Stuck:
    enrollment: Enrollment
    reason: str  # "wrong" or "idle"
    lesson: object
    number: int
    tries: int = 0
    since: datetime | None = None


class Labels:
    """The class view's words, each translated once per request: a table of 200 learners has
    thousands of cells but only a handful of distinct labels (Done, with help, Not started, one
    "Step n of m" per pair, one title per lesson). The grid and the CSV both take them from here."""

    def __init__(self):
        self.done, self.with_help, self.not_started = _("Done"), _("with help"), _("Not started")
        self._steps: dict[tuple[int, int], str] = {}
        self._counts: dict[tuple[int, int], str] = {}
        self._all_done: str | None = None
        self._titles: dict[str, str] = {}
        self._cells: dict[tuple, Markup] = {}

    def step(self, number: int, total: int) -> str:
        text = self._steps.get((number, total))
        if text is None:
            text = self._steps[(number, total)] = _("Step %(number)s of %(total)s", number=number, total=total)
        return text

    def count(self, done: int, total: int) -> str:
        """"3 of 24" lessons done, in the first table of the class view."""
        text = self._counts.get((done, total))
        if text is None:
            text = self._counts[(done, total)] = _("%(done)s of %(total)s", done=done, total=total)
        return text

    @property
    def all_done(self) -> str:
        if self._all_done is None:
            self._all_done = _("Every lesson done")
        return self._all_done

    def cell_html(self, cell: "Cell") -> Markup:
        """A grid cell's HTML (teach/_cell.html), rendered once per distinct cell in the request."""
        key = (cell.status, cell.number, cell.total, cell.helped)
        html = self._cells.get(key)
        if html is None:
            template = current_app.jinja_env.get_template("teach/_cell.html")
            html = self._cells[key] = Markup(template.render(c=cell, labels=self))
        return html

    def row_html(self, row: dict, keys: list) -> Markup:
        return Markup("".join([self.cell_html(row[key]) for key in keys]))

    def title(self, lesson) -> str:
        text = self._titles.get(lesson.key)
        if text is None:
            text = self._titles[lesson.key] = i18n.lesson_text(f"{lesson.key}/title", lesson.title)
        return text


@dataclass
class ClassView:
    workshop: Workshop
    lessons: list
    enrollments: list[Enrollment]
    cells: dict[int, dict[tuple[str, str], Cell]] = field(default_factory=dict)
    where: dict[int, Where] = field(default_factory=dict)
    help_requests: list[HelpRequest] = field(default_factory=list)
    stuck: list[Stuck] = field(default_factory=list)
    now: datetime = field(default_factory=utcnow)
    labels: Labels = field(default_factory=Labels)

    @property
    def lesson_keys(self) -> list[tuple[str, str]]:
        return [(lesson.course, lesson.id) for lesson in self.lessons]


def group_lessons(workshop: Workshop) -> list:
    """The lessons the group works on, in the order of the weeks; all lessons if none are chosen."""
    chosen = [catalogue().lesson(a.course, a.lesson) for a in workshop.assignments]
    chosen = [lesson for lesson in chosen if lesson is not None]
    return chosen or list(catalogue().lessons())


def step_number(lesson, step_id: str | None) -> int:
    return lesson.index(step_id) + 1 if step_id and lesson.step(step_id) else 0


def cell_for(progress: Progress | None, lesson, helped: bool) -> Cell:
    total = len(lesson.steps)
    if progress is None:
        return Cell(Status.NOT_STARTED, 0, total)
    if progress.status == Status.DONE:
        return Cell(Status.DONE, total, total, helped, progress.completed_at)
    number = step_number(lesson, progress.current_step) or min(len(progress.steps_done or []) + 1, total)
    return Cell(Status.IN_PROGRESS, number, total, helped)


def where_now(cells: dict, rows: dict, keys: list, lessons: list) -> Where:
    done = sum(1 for key in keys if cells[key].status == Status.DONE)
    started = [(rows[key].updated_at, n) for n, key in enumerate(keys)
               if key in rows and cells[key].status == Status.IN_PROGRESS]
    if started:
        n = max(started)[1]
    else:
        n = next((n for n, key in enumerate(keys) if cells[key].status != Status.DONE), None)
    if n is None:
        return Where(None, None, done, len(keys))
    return Where(lessons[n], cells[keys[n]], done, len(keys))


def build(workshop: Workshop) -> ClassView:
    now = utcnow()
    in_group = db.select(Enrollment.id).where(Enrollment.workshop_id == workshop.id).scalar_subquery()
    enrollments = db.session.scalars(
        db.select(Enrollment).join(Enrollment.learner).where(Enrollment.workshop_id == workshop.id)
        .options(contains_eager(Enrollment.learner)).order_by(User.display_name, Enrollment.id)
    ).all()
    lessons = group_lessons(workshop)
    view = ClassView(workshop, lessons, enrollments, now=now)

    # Plain rows, not ORM objects: a class of 200 has thousands of progress rows, read once.
    progress: dict[int, dict[tuple[str, str], object]] = {}
    for p in db.session.execute(
        db.select(Progress.enrollment_id, Progress.course, Progress.lesson, Progress.status, Progress.current_step,
                  Progress.steps_done, Progress.updated_at, Progress.completed_at)
        .where(Progress.enrollment_id.in_(in_group))
    ):
        progress.setdefault(p.enrollment_id, {})[(p.course, p.lesson)] = p
    helped = set(db.session.execute(
        db.select(StepEvent.enrollment_id, StepEvent.course, StepEvent.lesson).distinct()
        .where(StepEvent.enrollment_id.in_(in_group), StepEvent.kind == "task", StepEvent.helped.is_(True))
    ))
    keys = view.lesson_keys
    blank = {key: Cell(Status.NOT_STARTED, 0, len(lesson.steps)) for key, lesson in zip(keys, lessons)}
    for e in enrollments:
        mine = progress.get(e.id)
        if not mine:  # nothing started: the same cells as everyone who has not started
            view.cells[e.id] = blank
            continue
        view.cells[e.id] = {
            key: cell_for(mine[key], lesson, (e.id, *key) in helped) if key in mine else blank[key]
            for key, lesson in zip(keys, lessons)
        }
    for e in enrollments:
        view.where[e.id] = where_now(view.cells[e.id], progress.get(e.id) or {}, keys, lessons)

    view.help_requests = list(db.session.scalars(
        db.select(HelpRequest).join(HelpRequest.enrollment).join(Enrollment.learner)
        .where(Enrollment.workshop_id == workshop.id, HelpRequest.handled_at.is_(None))
        .options(contains_eager(HelpRequest.enrollment).contains_eager(Enrollment.learner))
        .order_by(HelpRequest.created_at)
    ).unique())
    unseen = [h.id for h in view.help_requests if h.seen_at is None]
    if unseen:  # on her screen now: the learner's page says it has been seen (one statement for all),
        # on a connection of its own, so the rows this view has loaded stay loaded (no commit expires them)
        with db.engine.begin() as connection:
            connection.execute(db.update(HelpRequest).where(HelpRequest.id.in_(unseen), HelpRequest.seen_at.is_(None))
                               .values(seen_at=now))

    # Stuck (1): three or more wrong answers today on a step she has not got past.
    by_id = {e.id: e for e in enrollments}
    flagged: set[int] = set()
    wrong = db.session.execute(
        db.select(StepEvent.enrollment_id, StepEvent.course, StepEvent.lesson, StepEvent.step, db.func.count())
        .where(StepEvent.enrollment_id.in_(in_group), StepEvent.correct.is_(False), StepEvent.created_at >= now - SESSION)
        .group_by(StepEvent.enrollment_id, StepEvent.course, StepEvent.lesson, StepEvent.step)
        .having(db.func.count() >= WRONG_TRIES)
    )
    for enrollment_id, course, lesson_id, step_id, tries in wrong:
        lesson = catalogue().lesson(course, lesson_id)
        p = progress.get(enrollment_id, {}).get((course, lesson_id))
        if lesson is None or enrollment_id not in by_id or (p and step_id in (p.steps_done or [])):
            continue
        view.stuck.append(Stuck(by_id[enrollment_id], "wrong", lesson, step_number(lesson, step_id), tries=tries))
        flagged.add(enrollment_id)
    # Stuck (2): on a practice step, and nothing happened for five minutes.
    for e in enrollments:
        rows = progress.get(e.id)
        if e.id in flagged or not rows:
            continue
        latest = max(rows.values(), key=lambda p: p.updated_at)
        lesson = catalogue().lesson(latest.course, latest.lesson)
        step = lesson.step(latest.current_step) if lesson and latest.current_step else None
        idle = now - latest.updated_at
        if (latest.status != Status.DONE and step is not None and step.practises
                and step.id not in (latest.steps_done or []) and IDLE <= idle <= SESSION):
            view.stuck.append(Stuck(e, "idle", lesson, step_number(lesson, step.id), since=latest.updated_at))
    return view


def fingerprint(workshop: Workshop) -> str:
    """What the live part shows depends on, read with one query of aggregates: the group's
    learners, progress, events, help requests and plan, the minute (for "5 minutes ago" and "no
    activity since"), the reader's language and the reviewed wording. The live refresh answers
    304 Not Modified while it stays the same, without building the view. (A learner renamed in
    another tab shows at the next minute.)"""
    in_group = db.select(Enrollment.id).where(Enrollment.workshop_id == workshop.id).scalar_subquery()
    parts = db.session.execute(db.select(
        db.select(db.func.count()).where(Enrollment.workshop_id == workshop.id).scalar_subquery(),
        db.select(db.func.max(Enrollment.id)).where(Enrollment.workshop_id == workshop.id).scalar_subquery(),
        db.select(db.func.count()).where(Progress.enrollment_id.in_(in_group)).scalar_subquery(),
        db.select(db.func.max(Progress.updated_at)).where(Progress.enrollment_id.in_(in_group)).scalar_subquery(),
        db.select(db.func.max(StepEvent.id)).where(StepEvent.enrollment_id.in_(in_group)).scalar_subquery(),
        db.select(db.func.max(HelpRequest.id)).where(HelpRequest.enrollment_id.in_(in_group)).scalar_subquery(),
        db.select(db.func.count()).where(HelpRequest.enrollment_id.in_(in_group), HelpRequest.handled_at.is_(None))
        .scalar_subquery(),
        db.select(db.func.count()).where(Assignment.workshop_id == workshop.id).scalar_subquery(),
        db.select(db.func.max(Assignment.id)).where(Assignment.workshop_id == workshop.id).scalar_subquery(),
    )).one()
    now = utcnow()
    text = repr((tuple(parts), now.strftime("%Y-%m-%d %H:%M"), i18n.current_locale(), review_version(), workshop.id))
    return hashlib.sha256(text.encode()).hexdigest()[:20]
