"""Counselling, as the instructor uses it every week on a tablet (issue 18): her consent first, the
counselling sessions with their private notes, her follow-up plan and its follow-up, and the group's
overview (who has no plan yet, whose follow-up date has passed).

A nested blueprint of `teach` (`teach.counsel.*`): staff only, and every object through
visible_workshops() (`scope.py`), so another group's instructor gets 404 on every route. Nothing
beyond attendance is kept before a consent is recorded (`counsel.rules`); every page that shows a
note or a plan writes who read it, and when, to the log the coordinator reads.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import clock, i18n
from ..counsel import labels, rules
from ..counsel.models import Consent, CounselSession, Plan
from ..extensions import db
from ..models import Enrollment, User, Workshop, utcnow
from ..web import Once
from .forms import ActionForm, ConsentForm, FollowUpForm, PlanForm, SessionForm
from .scope import enrollment_or_404, workshop_or_404

bp = Blueprint("counsel", __name__)  # registered inside teach: /teach/..., teach.counsel.<view>


def _hub(workshop: Workshop, learner_id: int, anchor: str = "") -> str:
    return url_for("teach.counsel.learner", workshop_id=workshop.id, learner_id=learner_id) + anchor


def _with_consent(workshop: Workshop, learner_id: int):
    """The enrolment, when her consent is in force; else None (the caller sends the instructor to the
    consent form: nothing is written before it)."""
    enrollment = enrollment_or_404(workshop, learner_id)
    return enrollment, rules.consent_in_force(learner_id)


def _consented(workshop_id: int, learner_id: int) -> tuple[Workshop, Enrollment]:
    """The group and her enrolment, for a page that writes or shows counselling: without her consent in
    force, the instructor is sent to the consent form instead (the request ends here)."""
    workshop = workshop_or_404(workshop_id)
    enrollment, consent = _with_consent(workshop, learner_id)
    if consent is None:
        flash(_("First record her consent. Nothing about counselling is kept before it."), "error")
        abort(redirect(_hub(workshop, learner_id, "#consent"), code=303))
    return workshop, enrollment


def consent_statement(language: str, addressed_as: str | None = None) -> list[str]:
    """What the instructor reads to her before she agrees, in the given language (one idea a line),
    spoken to her as she chose (workshop.address), not as the instructor reading it is addressed."""
    months = current_app.config["COUNSEL_RETENTION_MONTHS"]  # `flask counsel retention` deletes them then
    with force_locale(language), i18n.force_address(addressed_as):
        return [
            _("We write down our counselling talks, our notes about you and your plan, so that we can help you further."),
            _("Only your instructors and the coordinator can read them."),
            _("You can read your own plan on your phone."),
            _("You can say no. You can still take part in the group."),
            _("You can change your mind at any time. Then we delete them."),
            ngettext("At the latest %(num)d month after the group ends, the notes and the plan are deleted. "
                     "Only numbers without names stay.",
                     "At the latest %(num)d months after the group ends, the notes and the plan are deleted. "
                     "Only numbers without names stay.", months),
        ]


def status_of_group(workshop: Workshop) -> dict:
    """Who has no plan yet and whose follow-up date has passed, for the class view and the overview:
    two queries whatever the group's size."""
    today = clock.today()
    rows = db.session.execute(
        db.select(Enrollment.learner_id, User.display_name, Plan.check_on, Plan.result)
        .join(User, User.id == Enrollment.learner_id)
        .outerjoin(Plan, Plan.enrollment_id == Enrollment.id)
        .where(Enrollment.workshop_id == workshop.id)
        .order_by(User.display_name, Enrollment.id)
    ).all()
    no_plan = [(lid, name) for lid, name, check_on, _result in rows if check_on is None]
    due = [(lid, name, check_on) for lid, name, check_on, result in rows
           if rules.follow_up_due(check_on, result, today)]
    return {"no_plan": no_plan, "due": due, "total": len(rows)}


# ---- the group's overview ------------------------------------------------------------------------

@bp.route("/groups/<int:workshop_id>/counselling")
def group(workshop_id: int):
    """Every participant: consent, sessions, plan status. No goal, direction or note is shown here
    (those pages log who reads them); only what the instructor needs to see whom to talk to next."""
    workshop = workshop_or_404(workshop_id)
    today = clock.today()
    sessions = db.select(CounselSession.enrollment_id, db.func.count(CounselSession.id).label("n"),
                         db.func.max(CounselSession.held_on).label("last")).group_by(CounselSession.enrollment_id).subquery()
    consents = db.select(Consent.learner_id).where(Consent.withdrawn_at.is_(None)).subquery()
    rows = db.session.execute(
        db.select(Enrollment.learner_id, User.display_name, consents.c.learner_id.is_not(None), sessions.c.n,
                  sessions.c.last, Plan.check_on, Plan.result, Plan.checked_on)
        .join(User, User.id == Enrollment.learner_id)
        .outerjoin(consents, consents.c.learner_id == Enrollment.learner_id)
        .outerjoin(sessions, sessions.c.enrollment_id == Enrollment.id)
        .outerjoin(Plan, Plan.enrollment_id == Enrollment.id)
        .where(Enrollment.workshop_id == workshop.id)
        .order_by(User.display_name, Enrollment.id)
    ).all()
    people = [{"learner_id": lid, "name": name, "consent": consent, "sessions": n or 0, "last": last,
               "check_on": check_on, "result": result, "checked_on": checked_on,
               "due": rules.follow_up_due(check_on, result, today)}
              for lid, name, consent, n, last, check_on, result, checked_on in rows]
    return render_template("teach/counsel_group.html", workshop=workshop, people=people,
                           no_plan=[p for p in people if p["check_on"] is None],
                           due=[p for p in people if p["due"]], results=labels.RESULTS)


# ---- one participant -------------------------------------------------------------------------------

@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/counselling")
def learner(workshop_id: int, learner_id: int):
    """Her consent, plan and sessions (with their notes): the instructor's page for her."""
    workshop = workshop_or_404(workshop_id)
    enrollment, consent = _with_consent(workshop, learner_id)
    return _learner_page(workshop, enrollment, consent, ConsentForm(formdata=None))


def _learner_page(workshop, enrollment, consent, consent_form, status=200):
    sessions, plan = [], None
    if consent is not None:
        sessions = db.session.scalars(
            db.select(CounselSession).where(CounselSession.enrollment_id == enrollment.id)
            .options(selectinload(CounselSession.topics), selectinload(CounselSession.author))
            .order_by(CounselSession.held_on.desc(), CounselSession.id.desc())).all()
        plan = db.session.scalar(db.select(Plan).where(Plan.enrollment_id == enrollment.id))
        if sessions or plan:
            rules.log_view(current_user.id, enrollment.learner_id, workshop.id, "sessions")
            db.session.commit()
    addressed_as = enrollment.learner.address
    statement = consent_statement(str(get_locale()), addressed_as) if consent is None else []
    statement_for_her = consent_statement(workshop.language, addressed_as) if consent is None else []
    return render_template(
        "teach/counsel_learner.html", workshop=workshop, enrollment=enrollment, learner=enrollment.learner,
        consent=consent, consent_form=consent_form, sessions=sessions, plan=plan, labels=labels,
        due=plan is not None and rules.follow_up_due(plan.check_on, plan.result, clock.today()),
        statement=statement, statement_for_her=statement_for_her,
        action=ActionForm(),
    ), status


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/consent", methods=["POST"])
def consent_give(workshop_id: int, learner_id: int):
    workshop = workshop_or_404(workshop_id)
    enrollment, consent = _with_consent(workshop, learner_id)
    form = ConsentForm()
    if consent is not None:  # already recorded (a second tap, another tablet): nothing more to do
        return redirect(_hub(workshop, learner_id), code=303)
    if not form.validate_on_submit():
        return _learner_page(workshop, enrollment, None, form, status=422)
    try:
        rules.give_consent(learner_id, current_user.id)
        db.session.commit()
    except IntegrityError:  # recorded at the same moment elsewhere: one consent, the same answer
        db.session.rollback()
    flash(_("Her consent is recorded."), "ok")
    return redirect(_hub(workshop, learner_id), code=303)


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/consent/withdraw", methods=["GET", "POST"])
def consent_withdraw(workshop_id: int, learner_id: int):
    """She changes her mind: her counselling sessions and plans (in every group) are deleted."""
    workshop = workshop_or_404(workshop_id)
    enrollment, consent = _with_consent(workshop, learner_id)
    if consent is None:
        return redirect(_hub(workshop, learner_id), code=303)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        rules.withdraw_consent(consent, current_user.id)
        db.session.commit()
        flash(_("Her consent is withdrawn. Her counselling notes and plans were deleted."), "ok")
        return redirect(_hub(workshop, learner_id), code=303)
    return render_template("teach/confirm.html", workshop=workshop, learner=enrollment.learner, form=form, danger=True,
                           cancel=_hub(workshop, learner_id),
                           title=_("Withdraw the consent of %(name)s?", name=enrollment.learner.display_name),
                           text=_("Her counselling sessions, notes and plans are deleted, in every group. "
                                  "Her attendance and lessons stay. This cannot be undone."),
                           button=_("Withdraw and delete"))


# ---- sessions ----------------------------------------------------------------------------------------

def _session_or_404(enrollment: Enrollment, session_id: int) -> CounselSession:
    found = db.session.scalar(db.select(CounselSession).where(
        CounselSession.id == session_id, CounselSession.enrollment_id == enrollment.id))
    if found is None:
        abort(404)
    return found


def _session_page(workshop, enrollment, form, session=None, status=200):
    return render_template("teach/counsel_session.html", workshop=workshop, learner=enrollment.learner,
                           form=form, session=session), status


def _fill_session(session: CounselSession, form: SessionForm, topics) -> None:
    chosen = set(form.topics.data or [])
    session.held_on = form.held_on.data
    session.kind = form.kind.data
    session.note = (form.note.data or "").strip() or None
    session.topics = [t for t in topics if t.id in chosen]
    session.updated_at = utcnow()


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/sessions/new", methods=["GET", "POST"])
def session_new(workshop_id: int, learner_id: int):
    workshop, enrollment = _consented(workshop_id, learner_id)
    topics = rules.topics()
    form = SessionForm(topics=topics)
    if request.method == "GET":
        form.held_on.data, form.kind.data = clock.today(), "light"
    if form.validate_on_submit():
        once = Once()
        if (first := once.replay()) is not None:  # sent twice: one session
            return first
        session = CounselSession(enrollment_id=enrollment.id, author_id=current_user.id)
        _fill_session(session, form, topics)
        db.session.add(session)
        once.record(_hub(workshop, learner_id, "#sessions"))
        try:
            db.session.commit()
        except IntegrityError as error:
            return once.lost_race(error)
        flash(_("Session saved."), "ok")
        return redirect(_hub(workshop, learner_id, "#sessions"), code=303)
    return _session_page(workshop, enrollment, form, status=422 if form.errors else 200)


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/sessions/<int:session_id>", methods=["GET", "POST"])
def session_edit(workshop_id: int, learner_id: int, session_id: int):
    workshop, enrollment = _consented(workshop_id, learner_id)
    session = _session_or_404(enrollment, session_id)
    topics = rules.topics(include_retired=True)
    shown = [t for t in topics if t.active or t in session.topics]  # a retired topic stays on its sessions
    form = SessionForm(obj=session, topics=shown)
    if request.method == "GET":
        form.topics.data = [t.id for t in session.topics]
        rules.log_view(current_user.id, learner_id, workshop.id, "session")
        db.session.commit()
    if form.validate_on_submit():
        _fill_session(session, form, shown)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(_hub(workshop, learner_id, "#sessions"), code=303)
    return _session_page(workshop, enrollment, form, session, status=422 if form.errors else 200)


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/sessions/<int:session_id>/delete",
          methods=["GET", "POST"])
def session_delete(workshop_id: int, learner_id: int, session_id: int):
    workshop, enrollment = _consented(workshop_id, learner_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        # the state wanted: no such session of hers. A second tap, or another tablet that deleted it
        # first, is answered as the first was (not a "page not found")
        db.session.execute(db.delete(CounselSession).where(CounselSession.id == session_id,
                                                           CounselSession.enrollment_id == enrollment.id))
        db.session.commit()
        flash(_("The session was deleted."), "ok")
        return redirect(_hub(workshop, learner_id, "#sessions"), code=303)
    _session_or_404(enrollment, session_id)
    return render_template("teach/confirm.html", workshop=workshop, learner=enrollment.learner, form=form, danger=True,
                           cancel=_hub(workshop, learner_id),
                           title=_("Delete this counselling session?"),
                           text=_("The session and its note are deleted. This cannot be undone."),
                           button=_("Delete the session"))


# ---- the plan and its follow-up --------------------------------------------------------------------

def _plan_of(enrollment: Enrollment) -> Plan | None:
    return db.session.scalar(db.select(Plan).where(Plan.enrollment_id == enrollment.id))


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/plan", methods=["GET", "POST"])
def plan(workshop_id: int, learner_id: int):
    """Her follow-up plan in this group: written once, changed as it goes (one per enrolment)."""
    workshop, enrollment = _consented(workshop_id, learner_id)
    existing = _plan_of(enrollment)
    form = PlanForm(obj=existing)
    if request.method == "GET":
        if existing is None:
            form.check_on.data = max(workshop.ends_on, clock.today())
        else:
            rules.log_view(current_user.id, learner_id, workshop.id, "plan")
            db.session.commit()
    if form.validate_on_submit():
        target = existing or Plan(enrollment_id=enrollment.id, created_by_id=current_user.id)
        target.goal = form.goal.data.strip()
        target.direction = form.direction.data
        target.field = (form.field.data or "").strip() or None if form.direction.data == "vocational" else None
        target.next_step = form.next_step.data.strip()
        target.check_on = form.check_on.data
        target.updated_at = utcnow()
        if existing is None:
            db.session.add(target)
        try:
            db.session.commit()
        except IntegrityError:  # written at the same moment on another tablet: the first one stands
            db.session.rollback()
            flash(_("Her plan was already written. Check it and change it here if needed."), "error")
            return redirect(url_for("teach.counsel.plan", workshop_id=workshop.id, learner_id=learner_id), code=303)
        flash(_("Plan saved."), "ok")
        return redirect(_hub(workshop, learner_id, "#plan"), code=303)
    return render_template("teach/counsel_plan.html", workshop=workshop, learner=enrollment.learner, form=form,
                           plan=existing), 422 if form.errors else 200


@bp.route("/groups/<int:workshop_id>/learners/<int:learner_id>/plan/follow-up", methods=["GET", "POST"])
def follow_up(workshop_id: int, learner_id: int):
    """What became of the direction, when it was checked."""
    workshop, enrollment = _consented(workshop_id, learner_id)
    existing = _plan_of(enrollment)
    if existing is None:
        flash(_("First write her plan."), "error")
        return redirect(url_for("teach.counsel.plan", workshop_id=workshop.id, learner_id=learner_id), code=303)
    form = FollowUpForm()
    if request.method == "GET":
        form.result.data, form.result_note.data = existing.result, existing.result_note
        form.checked_on.data = existing.checked_on or clock.today()
        rules.log_view(current_user.id, learner_id, workshop.id, "plan")
        db.session.commit()
    if form.validate_on_submit():
        existing.result = form.result.data
        existing.checked_on = form.checked_on.data
        existing.result_note = (form.result_note.data or "").strip() or None
        existing.checked_by_id = current_user.id
        existing.updated_at = utcnow()
        db.session.commit()
        flash(_("Follow-up saved."), "ok")
        return redirect(_hub(workshop, learner_id, "#plan"), code=303)
    return render_template("teach/counsel_follow_up.html", workshop=workshop, learner=enrollment.learner, form=form,
                           plan=existing, labels=labels), 422 if form.errors else 200
