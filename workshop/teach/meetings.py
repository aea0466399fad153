"""A group's weekly meetings and its attendance register, for its instructors and the coordinator.

A nested blueprint of `teach` (so `teach`'s staff rule guards it, and another group's instructor
gets a 404 from `workshop_or_404`). The register is made for a tablet: one big button per person,
each its own small form sending the state wanted ("present" or "not present"), never a toggle, so a
double tap or a retry cannot flip it back. With htmx only that person's button is swapped; without
JavaScript the form posts and the page comes back at her name.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import attendance, clock
from ..formats import isolate, local_date_text
from ..extensions import db
from ..models import Enrollment, User
from ..web import Once, is_htmx
from .forms import ActionForm, MeetingForm
from .scope import checked_form, enrollment_or_404, workshop_or_404

bp = Blueprint("meetings", __name__, url_prefix="/groups/<int:workshop_id>/meetings")


def _enrollments(workshop_id: int) -> list[Enrollment]:
    return db.session.scalars(
        db.select(Enrollment).join(Enrollment.learner).where(Enrollment.workshop_id == workshop_id)
        .options(selectinload(Enrollment.learner)).order_by(User.display_name, Enrollment.id)
    ).all()


def _meeting_or_404(workshop, meeting_id: int) -> attendance.Meeting:
    meeting = attendance.meeting_or_none(workshop.id, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _refuse_a_second_meeting(workshop, form: MeetingForm, other_than: int | None = None) -> bool:
    """True (and the error on the date field) when the group already has a meeting, not cancelled, on the day and
    at the time the form gives: two there would count each person who came twice."""
    if attendance.clashing(workshop.id, form.day.data, form.starts_at.data, other_than) is None:
        return False
    form.day.errors = [*form.day.errors, _(
        "The group already has a meeting on %(date)s at %(time)s. Mark who came in that meeting, or choose another "
        "day or time.", date=local_date_text(form.day.data), time=isolate(form.starts_at.data.strftime("%H:%M")))]
    return True


def _refuse_marks_ahead(meeting: attendance.Meeting, form: MeetingForm) -> bool:
    """True (and the error on the date field) when people are marked present at the meeting and the form
    moves it to a day that has not come: the marks would count them as reached at a meeting not yet held
    (the register refuses a mark ahead for the same reason)."""
    day = form.day.data
    if day is None or day <= clock.today() or day == meeting.day or not attendance.present_at(meeting.id):
        return False
    form.day.errors = [*form.day.errors, _(
        "People are marked present at this meeting, so it cannot be moved to a later day. Their marks can first be "
        "taken away in its attendance, or a new meeting added on that day.")]
    return True


def _problems(form: MeetingForm) -> dict[str, str]:
    """Each field's first error, for the summary at the top of the form."""
    return {name: errors[0] for name, errors in form.errors.items()}


def _index_page(workshop, form: MeetingForm, status: int = 200):
    meetings = attendance.meetings_of(workshop.id)
    enrollments = _enrollments(workshop.id)
    counts = attendance.attended_by_enrollment(workshop.id)
    today = clock.today()
    return render_template(
        "teach/meetings.html", workshop=workshop, meetings=meetings, form=form, today=today,
        present=attendance.present_counts(workshop.id), upcoming=attendance.next_meeting(meetings, today),
        people=[(e, counts.get(e.id, 0), attendance.kind_of(counts.get(e.id, 0))) for e in enrollments],
        held=sum(1 for m in meetings if not m.cancelled and m.day <= today),
        threshold=attendance.PARTICIPANT_MEETINGS, problems=_problems(form),
    ), status


@bp.route("")
def index(workshop_id: int):
    """Every meeting of the group's period, who came how often, and a form to add a meeting."""
    workshop = workshop_or_404(workshop_id)
    attendance.sync_meetings(workshop)  # a group made before meetings existed gets them on its first visit
    db.session.commit()
    form = MeetingForm(formdata=None, starts_at=workshop.start_time)
    return _index_page(workshop, form)


@bp.route("", methods=["POST"])
def add(workshop_id: int):
    """An extra meeting (a make-up session, a trip): it stays when the schedule is made again."""
    workshop = workshop_or_404(workshop_id)
    form = MeetingForm(workshop=workshop)
    if not form.validate_on_submit():
        return _index_page(workshop, form, status=422)
    once = Once()
    if (first := once.replay()) is not None:  # sent twice: one meeting
        return first
    if _refuse_a_second_meeting(workshop, form):
        return _index_page(workshop, form, status=422)
    meeting = attendance.Meeting(workshop_id=workshop.id, day=form.day.data, starts_at=form.starts_at.data,
                                 note=(form.note.data or "").strip() or None, edited=True)
    db.session.add(meeting)
    db.session.flush()
    location = url_for("teach.meetings.register", workshop_id=workshop.id, meeting_id=meeting.id)
    return once.commit(location, _("The meeting was added."))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(workshop_id: int, meeting_id: int):
    """Move a meeting (another day or time), cancel it or bring it back, and write a note."""
    workshop = workshop_or_404(workshop_id)
    meeting = _meeting_or_404(workshop, meeting_id)
    form = MeetingForm(obj=meeting, workshop=workshop)
    if request.method == "POST":
        action = request.form.get("action", "save")
        if action not in ("save", "cancel", "restore"):
            abort(400)
        stays_cancelled = action == "cancel" or (action == "save" and meeting.cancelled)
        if (form.validate_on_submit() and not _refuse_marks_ahead(meeting, form)
                and (stays_cancelled or not _refuse_a_second_meeting(workshop, form, meeting.id))):
            meeting.day, meeting.starts_at = form.day.data, form.starts_at.data
            meeting.note = (form.note.data or "").strip() or None
            if action != "save":
                meeting.cancelled = action == "cancel"  # the state wanted: sending it twice changes nothing more
            meeting.edited = True
            db.session.commit()
            flash(_("The meeting was cancelled.") if action == "cancel" else _("Saved."), "ok")
            return redirect(url_for("teach.meetings.index", workshop_id=workshop.id) + f"#meeting-{meeting.id}",
                            code=303)
    return render_template("teach/meeting_edit.html", workshop=workshop, meeting=meeting, form=form,
                           problems=_problems(form)), \
        422 if form.errors else 200


@bp.route("/<int:meeting_id>")
def register(workshop_id: int, meeting_id: int):
    """The attendance register of one meeting: a big button per person."""
    workshop = workshop_or_404(workshop_id)
    meeting = _meeting_or_404(workshop, meeting_id)
    held = [m for m in attendance.meetings_of(workshop.id) if not m.cancelled or m.id == meeting.id]
    place = next(n for n, m in enumerate(held) if m.id == meeting.id)
    return render_template("teach/meeting.html", workshop=workshop, meeting=meeting, form=ActionForm(),
                           enrollments=_enrollments(workshop.id), present=attendance.present_at(meeting.id),
                           previous=held[place - 1] if place else None,
                           following=held[place + 1] if place + 1 < len(held) else None, today=clock.today())


@bp.route("/<int:meeting_id>/learners/<int:learner_id>", methods=["POST"])
def mark(workshop_id: int, meeting_id: int, learner_id: int):
    """Set her state for the meeting to what the button asked for ("1" present, "0" not present)."""
    workshop = workshop_or_404(workshop_id)
    meeting = _meeting_or_404(workshop, meeting_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    checked_form()
    wanted = request.form.get("present")
    if wanted not in ("0", "1"):
        abort(400)
    if wanted == "1" and meeting.day > clock.today():
        # Nobody has come yet: a mark made ahead would count her as reached (a mark can still be taken away).
        flash(_("This meeting is on a later day. You can mark who came from the day of the meeting."), "error")
        back = url_for("teach.meetings.register", workshop_id=workshop.id, meeting_id=meeting.id)
        if is_htmx():
            return "", 409, {"HX-Redirect": back}
        return redirect(back, code=303)
    attendance.mark(meeting, enrollment.id, wanted == "1", current_user.id)
    db.session.commit()
    if is_htmx():
        present = attendance.present_at(meeting.id)
        return render_template("teach/_attendee.html", workshop=workshop, meeting=meeting, enrollment=enrollment,
                               present=present, form=ActionForm(), count=len(present), today=clock.today())
    return redirect(url_for("teach.meetings.register", workshop_id=workshop.id, meeting_id=meeting.id)
                    + f"#learner-{learner_id}", code=303)
