"""Instructor views: her groups, learners, sign-in cards, the live class view, history and exports.

Authorisation is in one place: the blueprint is guarded for staff (`workshop.access`: instructors and
the coordinator only), and every object is fetched through visible_workshops(), so an instructor only
ever reaches her own groups and their learners (the coordinator reaches all of them).
"""
from __future__ import annotations

import json
from datetime import time, timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import access, attendance, clock, i18n, privacy
from .. import address as addressing
from ..access import visible_workshops
from ..auth.identity import end_all_sessions
from ..counsel.rules import consent_in_force, log_view
from ..extensions import db
from ..models import (
    Assignment, DeviceSession, Enrollment, HelpRequest, InstructorNote, Role, User, Workshop, utcnow,
)
from ..web import Once, Pager, catalogue, is_htmx, page_or_fragment
from . import history as hist
from . import counselling, listening, live, meetings
from .forms import ActionForm, GroupForm, LearnerForm, NoteForm
from .scope import checked_form, enrollment_or_404, enrollment_or_none, workshop_or_404

bp = Blueprint("teach", __name__, url_prefix="/teach")
access.guard(bp, access.STAFF)
bp.register_blueprint(counselling.bp)  # teach.counsel.*: consent, sessions, plans (issue 18)
bp.add_app_template_global(listening.hearing, "hearing")  # what a group's learners can hear, per course
bp.register_blueprint(meetings.bp)  # the weekly meetings and attendance: /teach/groups/<id>/meetings


@bp.app_template_filter("ago")
def ago(when):
    """'5 minutes ago' in the reader's language."""
    return _("%(time)s ago", time=format_timedelta(utcnow() - when, threshold=1.0))


@bp.app_template_filter("minutes")
def minutes_filter(value: int):
    """'14 minutes', and '0 minutes' rather than a bare 0, in the reader's language."""
    return format_timedelta(timedelta(minutes=value or 0), threshold=10, granularity="minute")


# ---- groups ---------------------------------------------------------------------------------

@bp.route("/")
def index():
    """Her groups, a page at a time: sizes and open help requests are counted in SQL for the groups
    on the page only, so the coordinator's list of a city's groups loads the same rows as a small one."""
    pager = Pager(visible_workshops())
    workshops = db.session.scalars(pager.query).all()
    ids = [w.id for w in workshops]
    sizes = dict(db.session.execute(
        db.select(Enrollment.workshop_id, db.func.count(Enrollment.id))
        .where(Enrollment.workshop_id.in_(ids)).group_by(Enrollment.workshop_id)
    ).all()) if ids else {}
    open_help = dict(db.session.execute(
        db.select(Enrollment.workshop_id, db.func.count(HelpRequest.id))
        .join(HelpRequest, HelpRequest.enrollment_id == Enrollment.id)
        .where(HelpRequest.handled_at.is_(None), Enrollment.workshop_id.in_(ids))
        .group_by(Enrollment.workshop_id)
    ).all()) if ids else {}
    return render_template("teach/index.html", workshops=workshops, sizes=sizes, open_help=open_help, pager=pager)


@bp.route("/account")
def account():
    """Her own account: who she is here, the language of her pages, and how Askel speaks to her."""
    return render_template("teach/account.html", form=ActionForm())


@bp.route("/account/address", methods=["POST"])
def account_address():
    """She (or he) chooses how the texts speak to her: on the account, so on every device. Arabic staff
    pages then read the masculine overlay as a father's lessons do (workshop.i18n.AddressedDomain)."""
    checked_form()
    addressing.save(current_user.record, request.form.get("address"), then=i18n.forget_address)
    return redirect(url_for("teach.account") + "#address", code=303)


@bp.route("/groups/new", methods=["GET", "POST"])
def group_new():
    form = GroupForm()
    if request.method == "GET":
        today = clock.today()
        form.starts_on.data, form.ends_on.data = today, today + timedelta(weeks=18)
        form.start_time.data, form.weekday.data = time(17, 0), today.weekday()
    if form.validate_on_submit():
        once = Once()
        if (first := once.replay()) is not None:  # the same form sent twice: one group
            return first
        workshop = Workshop()
        _fill_workshop(workshop, form)
        if current_user.role == Role.INSTRUCTOR:
            workshop.instructors.append(current_user.record)
        db.session.add(workshop)
        db.session.flush()
        attendance.sync_meetings(workshop)  # its weekly meetings, from its weekday and dates
        return once.commit(url_for("teach.learners", workshop_id=workshop.id),
                           _("The group is ready. Now add the learners."))
    return render_template("teach/group_form.html", form=form, workshop=None), 422 if form.errors else 200


def _fill_workshop(workshop: Workshop, form: GroupForm) -> None:
    workshop.name = form.name.data.strip()
    workshop.language = form.language.data
    workshop.location = form.location.data.strip()
    workshop.weekday = form.weekday.data
    workshop.start_time = form.start_time.data
    workshop.starts_on = form.starts_on.data
    workshop.ends_on = form.ends_on.data


@bp.route("/groups/<int:workshop_id>/edit", methods=["GET", "POST"])
def group_edit(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    form = GroupForm(obj=workshop)
    if form.validate_on_submit():
        _fill_workshop(workshop, form)
        db.session.flush()
        attendance.sync_meetings(workshop)  # a new weekday or dates: the meetings follow, edits stay
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for("teach.group", workshop_id=workshop.id), code=303)
    return render_template("teach/group_form.html", form=form, workshop=workshop), 422 if form.errors else 200


def weeks_of(workshop: Workshop) -> int:
    return max(1, (workshop.ends_on - workshop.starts_on).days // 7 + 1)


@bp.route("/groups/<int:workshop_id>/lessons", methods=["GET", "POST"])
def lessons_plan(workshop_id: int):
    """Which lessons the group works on in which week (no week: not in the plan)."""
    workshop = workshop_or_404(workshop_id)
    weeks = weeks_of(workshop)
    chosen = {(a.course, a.lesson): a.week for a in workshop.assignments}
    errors: set[str] = set()
    if request.method == "POST":
        checked_form()
        plan: dict[tuple[str, str], int] = {}
        for lesson in catalogue().lessons():
            raw = request.form.get(f"week-{lesson.key}", "").strip()
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= weeks:
                errors.add(lesson.key)
                continue
            plan[(lesson.course, lesson.id)] = int(raw)
        if not errors:
            for a in list(workshop.assignments):
                if (a.course, a.lesson) not in plan:
                    workshop.assignments.remove(a)
                else:
                    a.week = plan.pop((a.course, a.lesson))
            for (course, lesson_id), week in plan.items():
                workshop.assignments.append(Assignment(course=course, lesson=lesson_id, week=week))
            db.session.commit()
            flash(_("Saved."), "ok")
            return redirect(url_for("teach.lessons_plan", workshop_id=workshop.id), code=303)
        chosen = {(lesson.course, lesson.id): request.form.get(f"week-{lesson.key}", "") for lesson in catalogue().lessons()}
    status = 422 if errors else 200
    return render_template("teach/lessons.html", workshop=workshop, weeks=weeks, chosen=chosen, errors=errors,
                           form=ActionForm()), status


# ---- learners -------------------------------------------------------------------------------

def _group_enrollments(workshop: Workshop) -> list[Enrollment]:
    return db.session.scalars(
        db.select(Enrollment).join(Enrollment.learner).where(Enrollment.workshop_id == workshop.id)
        .options(selectinload(Enrollment.learner)).order_by(User.display_name, Enrollment.id)
    ).all()


def _meeting_to_go_back_to(workshop: Workshop):
    """The meeting whose register sent her here to add someone who came (`?meeting=`), if it is this group's."""
    meeting_id = request.args.get("meeting", type=int)
    return attendance.meeting_or_none(workshop.id, meeting_id) if meeting_id else None


def _learners_page(workshop: Workshop, form: LearnerForm | None = None, new_card=None, status: int = 200,
                   same_name: str | None = None, added: int | None = None):
    # After an add the field is empty (formdata=None): a second tap on "Add" has nothing to add.
    return render_template("teach/learners.html", workshop=workshop, enrollments=_group_enrollments(workshop),
                           form=form or LearnerForm(formdata=None), action=ActionForm(), new_card=new_card,
                           same_name=same_name, meeting=_meeting_to_go_back_to(workshop), added=added), status


@bp.route("/groups/<int:workshop_id>/learners")
def learners(workshop_id: int):
    return _learners_page(workshop_or_404(workshop_id))


@bp.route("/groups/<int:workshop_id>/learners", methods=["POST"])
def learner_add(workshop_id: int):
    """A new learner gets a code now; it is shown once (only its hash is kept)."""
    workshop = workshop_or_404(workshop_id)
    form = LearnerForm()
    if not form.validate_on_submit():
        return _learners_page(workshop, form, status=422)
    once = Once()
    if (first := once.replay()) is not None:  # sent twice: one learner (her card can be printed again)
        return first
    name = form.name.data.strip()
    # A double tap, or the same person added twice, inflates the group and the reach report: a name
    # already in the group is added again only when the instructor says it is another person.
    if request.form.get("same_name") != "yes" and any(
            e.learner.display_name.casefold() == name.casefold() for e in _group_enrollments(workshop)):
        return _learners_page(workshop, form, status=422, same_name=name)
    user = User(role=Role.LEARNER, display_name=name)
    code, token = user.issue_code()
    db.session.add(user)
    db.session.add(Enrollment(workshop=workshop, learner=user))
    once.record(url_for("teach.learners", workshop_id=workshop.id))
    try:
        db.session.commit()
    except IntegrityError as error:
        return once.lost_race(error)
    card = hist.make_cards(workshop, [(user, code, token)])[0]
    return _learners_page(workshop, new_card=card, added=user.id)


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/name", methods=["POST"])
def learner_rename(workshop_id: int, learner_id: int):
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    checked_form()
    name = (request.form.get("name") or "").strip()
    if not name or len(name) > 80:
        flash(_("Please write her name (at most 80 letters)."), "error")
    else:
        enrollment.learner.display_name = name
        db.session.commit()
        flash(_("Saved."), "ok")
    return redirect(url_for("teach.learners", workshop_id=workshop.id), code=303)


def _delete_account(learner: User) -> None:
    """Her account and everything kept about her (not committed): each practice service first deletes what
    it keeps, her photos too, which no cascade of the database reaches."""
    for sim in current_app.extensions["askel_sims"].values():
        sim.delete(learner)
    db.session.delete(learner)


def _already_gone(workshop):
    """A second tap on Remove or Delete (a double tap, a second tablet with the page still open): the
    person is no longer in the group, so the answer is the group's list with that said, never a 404
    page. The same for any id not in the group: nothing is touched and nothing is told about it."""
    checked_form()
    flash(_("This person is no longer in the group."), "ok")
    return redirect(url_for("teach.learners", workshop_id=workshop.id), code=303)


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/remove", methods=["GET", "POST"])
def learner_remove(workshop_id: int, learner_id: int):
    """She leaves the group: her progress in it goes; if it was her only group, her account goes too."""
    workshop = workshop_or_404(workshop_id)
    if request.method == "POST" and enrollment_or_none(workshop, learner_id) is None:
        return _already_gone(workshop)
    enrollment = enrollment_or_404(workshop, learner_id)
    learner = enrollment.learner
    if request.method == "POST":
        checked_form()
        if len(learner.enrollments) <= 1:
            _delete_account(learner)
        else:
            db.session.delete(enrollment)
        db.session.commit()
        privacy.wipe_deleted_text()
        flash(_("%(name)s was removed from the group.", name=learner.display_name), "ok")
        return redirect(url_for("teach.learners", workshop_id=workshop.id), code=303)
    return render_template("teach/confirm.html", workshop=workshop, learner=learner, form=ActionForm(),
                           title=_("Remove %(name)s from the group?", name=learner.display_name),
                           text=_("Her progress in this group is deleted. This cannot be undone."),
                           button=_("Remove from the group"))


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>")
def learner(workshop_id: int, learner_id: int):
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    return _learner_page(workshop, enrollment, NoteForm())


def _learner_page(workshop, enrollment, note_form, status=200):
    """Her lessons page. The instructors' notes about her are counselling data: shown (and each showing
    logged) only while her consent is in force; without it, how many are kept hidden, and no form."""
    consent = consent_in_force(enrollment.learner_id)
    notes, hidden = [], 0
    if consent is not None:
        notes = db.session.scalars(
            db.select(InstructorNote).where(InstructorNote.enrollment_id == enrollment.id)
            .options(selectinload(InstructorNote.author))
            .order_by(InstructorNote.created_at.desc(), InstructorNote.id.desc())
        ).all()
        if notes:
            log_view(current_user.id, enrollment.learner_id, workshop.id, "notes")
            db.session.commit()
    else:
        hidden = db.session.scalar(
            db.select(db.func.count(InstructorNote.id)).where(InstructorNote.enrollment_id == enrollment.id))
    devices = db.session.scalar(
        db.select(db.func.count(DeviceSession.id)).join(User, User.id == DeviceSession.user_id)
        .where(DeviceSession.user_id == enrollment.learner_id, DeviceSession.version == User.session_version)
    )
    today = clock.today()
    came = [meeting for _id, meeting in attendance.attended_meetings([enrollment.id]) if meeting.day <= today]
    held = attendance.held_meetings([workshop.id], today).get(workshop.id, 0)
    return render_template("teach/learner.html", workshop=workshop, enrollment=enrollment, learner=enrollment.learner,
                           history=hist.history(enrollment), note_form=note_form, devices=devices,
                           consent=consent, notes=notes, hidden_notes=hidden,
                           came=came, held=held, kind=attendance.kind_of(len(came)),
                           threshold=attendance.PARTICIPANT_MEETINGS), status


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/address", methods=["POST"])
def learner_address(workshop_id: int, learner_id: int):
    """How the texts speak to this learner (a woman or a man), chosen for her by her instructor."""
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    checked_form()
    addressing.save(enrollment.learner, request.form.get("address"))
    return redirect(url_for("teach.learner", workshop_id=workshop.id, learner_id=learner_id) + "#address", code=303)


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/sign-out", methods=["POST"])
def learner_sign_out(workshop_id: int, learner_id: int):
    """Her phone was lost or she signed in on someone else's: every device she is signed in on ends."""
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    checked_form()
    end_all_sessions(enrollment.learner)
    db.session.commit()
    flash(_("%(name)s is signed out on every device.", name=enrollment.learner.display_name), "ok")
    return redirect(url_for("teach.learner", workshop_id=workshop.id, learner_id=learner_id), code=303)


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/notes", methods=["POST"])
def note_add(workshop_id: int, learner_id: int):
    """A note about her: counselling data, so only while her consent is in force (the form is not shown
    without it; a page left open while she withdrew it is refused, and nothing is kept)."""
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    if consent_in_force(learner_id) is None:
        flash(_("First record her consent. Nothing about counselling is kept before it."), "error")
        return redirect(url_for("teach.counsel.learner", workshop_id=workshop.id, learner_id=learner_id)
                        + "#consent", code=303)
    form = NoteForm()
    if not form.validate_on_submit():
        return _learner_page(workshop, enrollment, form, status=422)
    once = Once()
    if (first := once.replay()) is not None:  # sent twice: one note
        return first
    db.session.add(InstructorNote(enrollment_id=enrollment.id, author_id=current_user.id, text=form.text.data.strip()))
    return once.commit(url_for("teach.learner", workshop_id=workshop.id, learner_id=learner_id) + "#notes",
                       _("Note saved."))


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/data.json")
def learner_export(workshop_id: int, learner_id: int):
    """Her own data as a file she can be given."""
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    body = json.dumps(hist.learner_data(enrollment.learner), ensure_ascii=False, indent=2)
    log_view(current_user.id, learner_id, workshop.id, "export")  # the file holds her counselling notes
    db.session.commit()
    response = make_response(body)
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="askel-learner-{learner_id}.json"'
    return response


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/photos")
def learner_photos(workshop_id: int, learner_id: int):
    """The photos she sent in the practices (a document she photographed), each service's from the registry."""
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    sent = [(name, photo) for name, sim in sorted(current_app.extensions["askel_sims"].items())
            for photo in sim.photos(learner_id)]
    response = make_response(render_template("teach/photos.html", workshop=workshop, learner=enrollment.learner,
                                             photos=sent))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/photos/<sim>/<name>")
def learner_photo(workshop_id: int, learner_id: int, sim: str, name: str):
    """One of her photos: only through a group this instructor may see, never by name alone."""
    workshop = workshop_or_404(workshop_id)
    enrollment_or_404(workshop, learner_id)
    service = current_app.extensions["askel_sims"].get(sim)
    reply = service.photo_response(learner_id, name) if service is not None else None
    if reply is None:
        abort(404)
    return reply


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/delete", methods=["GET", "POST"])
def learner_delete(workshop_id: int, learner_id: int):
    """Delete her and everything stored about her, in every group, after a confirmation."""
    workshop = workshop_or_404(workshop_id)
    if request.method == "POST" and enrollment_or_none(workshop, learner_id) is None:
        return _already_gone(workshop)
    enrollment = enrollment_or_404(workshop, learner_id)
    learner = enrollment.learner
    if request.method == "POST":
        checked_form()
        name = learner.display_name
        _delete_account(learner)
        db.session.commit()
        privacy.wipe_deleted_text()  # no trace of her text stays in the database files
        flash(_("%(name)s and all her data were deleted.", name=name), "ok")
        return redirect(url_for("teach.learners", workshop_id=workshop.id), code=303)
    return render_template("teach/confirm.html", workshop=workshop, learner=learner, form=ActionForm(),
                           title=_("Delete %(name)s and all her data?", name=learner.display_name),
                           text=_("Her account, progress, answers, help requests, notes, counselling sessions "
                                  "and plans are deleted. This cannot be undone. Her data can be downloaded first."),
                           button=_("Delete for good"), danger=True,
                           download=url_for("teach.learner_export", workshop_id=workshop.id, learner_id=learner.id))


# ---- sign-in cards --------------------------------------------------------------------------

@bp.route("/groups/<int:workshop_id>/cards", methods=["GET", "POST"])
def cards(workshop_id: int):
    """Cards for the learners she chooses. Codes are kept only as keyed digests, so a card can be
    printed only when its code is made, and making one ends the old card and signs her out: nothing
    is renewed until the instructor has chosen whom and confirmed a page that says what it ends."""
    workshop = workshop_or_404(workshop_id)
    enrollments = db.session.scalars(
        db.select(Enrollment).join(Enrollment.learner).where(Enrollment.workshop_id == workshop.id)
        .options(selectinload(Enrollment.learner)).order_by(User.display_name, Enrollment.id)
    ).all()
    error = None
    if request.method == "POST":
        checked_form()
        wanted = set(request.form.getlist("learner"))
        chosen = [e.learner for e in enrollments if str(e.learner_id) in wanted]
        if not chosen:
            error = _("Choose the learners who need a new card.")
        elif request.form.get("confirm") != "yes":
            return render_template("teach/cards_confirm.html", workshop=workshop, chosen=chosen, form=ActionForm())
        else:
            issued = [(learner, *learner.issue_code()) for learner in chosen]
            db.session.commit()
            return render_template("teach/cards.html", workshop=workshop, cards=hist.make_cards(workshop, issued))
    return render_template("teach/cards_choose.html", workshop=workshop, enrollments=enrollments, form=ActionForm(),
                           error=error), 422 if error else 200


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/renew", methods=["GET", "POST"])
def learner_renew(workshop_id: int, learner_id: int):
    """A lost card: a new code and card for her; the old card stops working."""
    workshop = workshop_or_404(workshop_id)
    enrollment = enrollment_or_404(workshop, learner_id)
    learner = enrollment.learner
    if request.method == "POST":
        checked_form()
        code, token = learner.issue_code()
        db.session.commit()
        return render_template("teach/cards.html", workshop=workshop,
                               cards=hist.make_cards(workshop, [(learner, code, token)]))
    return render_template("teach/confirm.html", workshop=workshop, learner=learner, form=ActionForm(),
                           title=_("Renew the lost code of %(name)s?", name=learner.display_name),
                           text=_("She gets a new code and card. Her old card and code stop working, "
                                  "and she is signed out on every device she is signed in on."),
                           button=_("Renew lost code"))


# ---- the live class view ----------------------------------------------------------------------

@bp.route("/groups/<int:workshop_id>")
def group(workshop_id: int):
    """The class view; htmx asks for its live part every few seconds (the same URL, a fragment)."""
    workshop = workshop_or_404(workshop_id)
    if not is_htmx():
        return page_or_fragment("teach/group.html", "teach/_live.html", view=live.build(workshop), workshop=workshop,
                                form=ActionForm(), counselling=counselling.status_of_group(workshop))
    # The live refresh, every 5 s: the browser revalidates with If-None-Match, and while nothing the
    # view shows has changed the answer is an empty 304, for one query of aggregates.
    etag = live.fingerprint(workshop)
    # (compressed, the tag comes back with ":gzip" added by Flask-Compress)
    if any(tag.split(":")[0] == etag for tag in request.if_none_match.as_set()):
        response = make_response("", 304)
    else:
        response = page_or_fragment("teach/group.html", "teach/_live.html", view=live.build(workshop),
                                    workshop=workshop, form=ActionForm(),
                                    counselling=counselling.status_of_group(workshop))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("HX-Request")
    return response


@bp.route("/groups/<int:workshop_id>/help/<int:request_id>/handled", methods=["POST"])
def help_handled(workshop_id: int, request_id: int):
    workshop = workshop_or_404(workshop_id)
    checked_form()
    help_request = db.session.scalar(
        db.select(HelpRequest).join(Enrollment)
        .where(HelpRequest.id == request_id, Enrollment.workshop_id == workshop.id)
    )
    if help_request is None:
        abort(404)
    if help_request.handled_at is None:
        help_request.handled_at = utcnow()
        help_request.handled_by_id = current_user.id
        db.session.commit()
    if is_htmx():
        return render_template("teach/_live.html", view=live.build(workshop), workshop=workshop, form=ActionForm())
    return redirect(url_for("teach.group", workshop_id=workshop.id), code=303)


@bp.route("/groups/<int:workshop_id>/progress.csv")
def export_csv(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    response = make_response(hist.progress_csv(live.build(workshop)))
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="askel-group-{workshop.id}-progress.csv"'
    return response
