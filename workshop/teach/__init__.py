"""Instructor views: her own groups, their learners' progress and help requests."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Enrollment, HelpRequest, Progress, Role, Workshop, utcnow, workshop_instructors
from ..web import role_required

bp = Blueprint("teach", __name__, url_prefix="/teach")
bp.before_request(role_required(Role.INSTRUCTOR, Role.COORDINATOR))


class ActionForm(FlaskForm):
    pass


def visible_workshops():
    """The groups she may see: her own, or all of them for the coordinator."""
    query = db.select(Workshop).order_by(Workshop.starts_on.desc(), Workshop.name)
    if current_user.role != Role.COORDINATOR:
        query = query.join(workshop_instructors).where(workshop_instructors.c.user_id == current_user.id)
    return query


def workshop_or_404(workshop_id: int) -> Workshop:
    workshop = db.session.scalar(visible_workshops().where(Workshop.id == workshop_id))
    if workshop is None:
        abort(404)
    return workshop


@bp.route("/")
def index():
    workshops = db.session.scalars(visible_workshops().options(selectinload(Workshop.enrollments))).all()
    open_help = {
        w_id: n
        for w_id, n in db.session.execute(
            db.select(Enrollment.workshop_id, db.func.count(HelpRequest.id))
            .join(HelpRequest, HelpRequest.enrollment_id == Enrollment.id)
            .where(HelpRequest.handled_at.is_(None), Enrollment.workshop_id.in_([w.id for w in workshops]))
            .group_by(Enrollment.workshop_id)
        )
    }
    return render_template("teach/index.html", workshops=workshops, open_help=open_help)


@bp.route("/groups/<int:workshop_id>")
def group(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    enrollments = db.session.scalars(
        db.select(Enrollment).where(Enrollment.workshop_id == workshop.id)
        .options(selectinload(Enrollment.learner)).order_by(Enrollment.id)
    ).all()
    by_enrollment: dict[int, dict] = {}
    rows = db.session.scalars(db.select(Progress).where(Progress.enrollment_id.in_([e.id for e in enrollments])))
    for p in rows:
        by_enrollment.setdefault(p.enrollment_id, {})[(p.course, p.lesson)] = p
    help_requests = db.session.scalars(
        db.select(HelpRequest).join(Enrollment)
        .where(Enrollment.workshop_id == workshop.id, HelpRequest.handled_at.is_(None))
        .options(selectinload(HelpRequest.enrollment).selectinload(Enrollment.learner))
        .order_by(HelpRequest.created_at)
    ).all()
    return render_template(
        "teach/group.html", workshop=workshop, enrollments=enrollments, progress=by_enrollment,
        help_requests=help_requests, form=ActionForm(), now=utcnow(),
    )


@bp.route("/groups/<int:workshop_id>/help/<int:request_id>/handled", methods=["POST"])
def help_handled(workshop_id: int, request_id: int):
    workshop = workshop_or_404(workshop_id)
    if not ActionForm().validate_on_submit():
        abort(400)
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
    return redirect(url_for("teach.group", workshop_id=workshop.id), code=303)
