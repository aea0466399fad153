"""A learner's history in a group, her data as a file, the class as CSV, and sign-in cards."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import segno
from flask import current_app, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from .. import attendance, clock, i18n
from ..auth.tablet_models import PicturePassword
from ..counsel.models import Consent, CounselSession, Plan, View
from ..csvsafe import csv_text
from ..extensions import db
from ..models import (
    DeviceSession, Enrollment, HelpRequest, InstructorNote, Progress, Status, StepEvent, User, format_code,
)
from ..web import catalogue

# Time spent: the gaps between her answers, each counted up to this much (a longer gap is a break).
MAX_GAP = timedelta(minutes=5)


@dataclass
class TaskAttempts:
    lesson: object
    step_id: str
    number: int
    attempts: int = 0
    done: bool = False
    helped: bool = False
    first: datetime | None = None
    last: datetime | None = None


@dataclass
class Month:
    start: date  # the first day of the month, in Helsinki
    lessons_done: int = 0
    minutes: int = 0


@dataclass
class History:
    progress: list[Progress]
    tasks: list[TaskAttempts]
    months: list[Month]
    minutes: int
    last_seen: datetime | None
    events: int


def month_of(when: datetime) -> date:
    """The Helsinki month a moment falls in (the database keeps naive UTC)."""
    local = clock.helsinki(when)
    return date(local.year, local.month, 1)


def minutes_by_month(times: list[datetime]) -> dict[date, int]:
    """The one definition of time spent, for the learner page's total and its month table alike: each gap
    between two of her answers, up to MAX_GAP, counts for the month of the later answer; a month's sum
    is cut to whole minutes once. The total is the sum of the months, so the two always agree."""
    spans: dict[date, timedelta] = {}
    for earlier, later in zip(times, times[1:]):
        key = month_of(later)
        spans[key] = spans.get(key, timedelta()) + min(later - earlier, MAX_GAP)
    return {key: int(span.total_seconds() // 60) for key, span in spans.items()}


def history(enrollment: Enrollment) -> History:
    progress = list(db.session.scalars(
        db.select(Progress).where(Progress.enrollment_id == enrollment.id).order_by(Progress.started_at)
    ))
    events = list(db.session.scalars(
        db.select(StepEvent).where(StepEvent.enrollment_id == enrollment.id).order_by(StepEvent.created_at, StepEvent.id)
    ))
    tasks: dict[tuple, TaskAttempts] = {}
    for ev in events:
        if ev.kind != "task":
            continue
        lesson = catalogue().lesson(ev.course, ev.lesson)
        if lesson is None or lesson.step(ev.step) is None:
            continue
        t = tasks.setdefault((ev.course, ev.lesson, ev.step), TaskAttempts(lesson, ev.step, lesson.index(ev.step) + 1))
        t.attempts += 1
        t.done = t.done or bool(ev.correct)
        t.helped = t.helped or ev.helped
        t.first = t.first or ev.created_at
        t.last = ev.created_at
    months: dict[date, Month] = {}
    for p in progress:
        if p.status == Status.DONE and p.completed_at:
            start = month_of(p.completed_at)
            months.setdefault(start, Month(start)).lessons_done += 1
    times = [ev.created_at for ev in events]
    for start, minutes in minutes_by_month(times).items():
        months.setdefault(start, Month(start)).minutes = minutes
    last_seen = max([t for t in (enrollment.learner.last_seen_at, times[-1] if times else None) if t], default=None)
    return History(
        progress=progress, tasks=list(tasks.values()), months=[months[k] for k in sorted(months)],
        minutes=sum(m.minutes for m in months.values()), last_seen=last_seen, events=len(events),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def learner_data(user: User) -> dict:
    """Everything stored about her, as a file she can be given (all her groups)."""
    enrollment_ids = [e.id for e in user.enrollments]
    progress = db.session.scalars(db.select(Progress).where(Progress.enrollment_id.in_(enrollment_ids))).all()
    events = db.session.scalars(
        db.select(StepEvent).where(StepEvent.learner_id == user.id).order_by(StepEvent.created_at, StepEvent.id)
    ).all()
    helps = db.session.scalars(
        db.select(HelpRequest).where(HelpRequest.enrollment_id.in_(enrollment_ids)).order_by(HelpRequest.created_at)
    ).all()
    notes = db.session.scalars(
        db.select(InstructorNote).where(InstructorNote.enrollment_id.in_(enrollment_ids)).order_by(InstructorNote.created_at)
    ).all()
    pictures = db.session.get(PicturePassword, user.id)
    devices = db.session.scalars(
        db.select(DeviceSession).where(DeviceSession.user_id == user.id).order_by(DeviceSession.created_at)
    ).all()
    counselling = counselling_data(user, enrollment_ids)
    groups = {e.id: e.workshop.name for e in user.enrollments}
    # each practice service supplies its own part, found through the sims registry (workshop/sims)
    practice = {name: sim.export(user) for name, sim in sorted(current_app.extensions["askel_sims"].items())}
    return {
        "name": user.display_name,
        "language": user.locale,
        "addressed_as": user.address or "feminine",
        "created_at": _iso(user.created_at),
        "last_seen_at": _iso(user.last_seen_at),
        "groups": [
            {"name": e.workshop.name, "language": e.workshop.language, "location": e.workshop.location,
             "starts_on": e.workshop.starts_on.isoformat(), "ends_on": e.workshop.ends_on.isoformat(),
             "joined_at": _iso(e.created_at), "practice_task": e.practice_step}
            for e in user.enrollments
        ],
        "progress": [
            {"course": p.course, "lesson": p.lesson, "status": p.status, "steps_done": list(p.steps_done or []),
             "started_at": _iso(p.started_at), "completed_at": _iso(p.completed_at)}
            for p in progress
        ],
        "answers": [
            {"course": ev.course, "lesson": ev.lesson, "step": ev.step, "kind": ev.kind, "answer": ev.answer,
             "correct": ev.correct, "after_help": ev.helped, "at": _iso(ev.created_at)}
            for ev in events
        ],
        "help_requests": [
            {"course": h.course, "lesson": h.lesson, "step": h.step, "at": _iso(h.created_at),
             "seen_at": _iso(h.seen_at), "handled_at": _iso(h.handled_at), "withdrawn_at": _iso(h.withdrawn_at)}
            for h in helps
        ],
        "instructor_notes": [{"text": n.text, "at": _iso(n.created_at)} for n in notes],
        # the group meetings her instructor marked her present at
        "meetings_attended": [
            {"group": groups[enrollment_id], "date": meeting.day.isoformat(), "cancelled": meeting.cancelled}
            for enrollment_id, meeting in attendance.attended_meetings(enrollment_ids, cancelled_too=True)
        ],
        # the pictures themselves are stored only as a salted hash: whether she has them, and since when
        "picture_password": {"set": pictures is not None, "set_at": _iso(pictures.set_at) if pictures else None},
        # the browsers and phones signed in as her (the token itself is stored only as a keyed digest)
        "signed_in_devices": [
            {"kind": d.kind, "since": _iso(d.created_at), "last_seen_at": _iso(d.last_seen_at)} for d in devices
        ],
        "counselling": counselling,
        "practice": practice,
    }


def counselling_data(user: User, enrollment_ids: list[int]) -> dict:
    """Her consent, counselling sessions (with their private notes), plans, and who read them."""
    consents = db.session.scalars(
        db.select(Consent).where(Consent.learner_id == user.id).order_by(Consent.given_at, Consent.id)).all()
    sessions = db.session.scalars(
        db.select(CounselSession).where(CounselSession.enrollment_id.in_(enrollment_ids))
        .order_by(CounselSession.held_on, CounselSession.id)).all()
    plans = db.session.scalars(
        db.select(Plan).where(Plan.enrollment_id.in_(enrollment_ids)).order_by(Plan.created_at, Plan.id)).all()
    views = db.session.scalars(
        db.select(View).where(View.learner_id == user.id).order_by(View.viewed_at, View.id)).all()
    group = {e.id: e.workshop.name for e in user.enrollments}
    return {
        "consents": [{"given_at": _iso(c.given_at), "recorded_by": c.recorded_by.display_name if c.recorded_by else None,
                      "withdrawn_at": _iso(c.withdrawn_at)} for c in consents],
        "sessions": [{"group": group.get(s.enrollment_id), "held_on": s.held_on.isoformat(), "kind": s.kind,
                      "topics": [t.key for t in s.topics], "note": s.note,
                      "by": s.author.display_name if s.author else None} for s in sessions],
        "plans": [{"group": group.get(p.enrollment_id), "goal": p.goal, "direction": p.direction, "field": p.field,
                   "next_step": p.next_step, "check_on": p.check_on.isoformat(), "result": p.result,
                   "result_note": p.result_note, "checked_on": p.checked_on.isoformat() if p.checked_on else None}
                  for p in plans],
        "read_by": [{"at": _iso(v.viewed_at), "by": v.viewer.display_name if v.viewer else None, "what": v.what}
                    for v in views],
    }


def progress_csv(view) -> bytes:
    """The class progress as CSV for Excel: UTF-8 with a byte-order mark, formula-safe (workshop.csvsafe)."""
    labels = view.labels  # the class view's fast path: each label translated once per request
    titles = [labels.title(lesson) for lesson in view.lessons]
    rows = [[_("Learner"), *titles, _("Lessons done")]]
    for e in view.enrollments:
        row, done = [e.learner.display_name], 0
        for lesson in view.lessons:
            cell = view.cells[e.id][(lesson.course, lesson.id)]
            if cell.status == Status.DONE:
                done += 1
                text = labels.done + (f" {clock.helsinki_date(cell.completed_at).isoformat()}" if cell.completed_at else "")
                if cell.helped:
                    text += " (" + labels.with_help + ")"
            elif cell.status == Status.IN_PROGRESS:
                text = labels.step(cell.number, cell.total)
            else:
                text = labels.not_started
            row.append(text)
        row.append(done)
        rows.append(row)
    return csv_text(rows).encode("utf-8")


@dataclass
class SignInCard:
    name: str
    code: str
    qr: Markup
    lines: list[str]
    lang: str
    dir: str


def public_url(endpoint: str, **values) -> str:
    """An absolute link for paper: at PUBLIC_URL when set (a proxy hides the real address), else at
    the address and port this request came to."""
    base = current_app.config["PUBLIC_URL"]
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)[len(request.script_root):]


def make_cards(workshop, issued: list[tuple[User, str, str]]) -> list[SignInCard]:
    """Cards for freshly issued codes. The instructions are in the group's language, not hers."""
    site = public_url("auth.sign_in")
    texts = {}
    for choice in {user.address for user, _code, _token in issued}:  # a father's card speaks to a man
        with force_locale(workshop.language), i18n.force_address(choice):
            texts[choice] = [
                _("Scan the square with the camera of a phone or tablet to sign in."),
                _("Or open %(site)s and type your code.", site=site),
            ], _("Sign-in code")
    cards = []
    for user, code, token in issued:
        lines, title = texts[user.address]
        url = public_url("auth.card", token=token)
        svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", title=title)
        cards.append(SignInCard(user.display_name, format_code(code), Markup(svg), lines,
                                workshop.language, i18n.direction(workshop.language)))
    return cards
