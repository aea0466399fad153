"""Coordinator views: every group across the city, its instructors and size."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Enrollment, Progress, Role, Status, User, Workshop
from ..web import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(role_required(Role.COORDINATOR))


@bp.route("/")
def index():
    workshops = db.session.scalars(
        db.select(Workshop)
        .options(selectinload(Workshop.instructors), selectinload(Workshop.enrollments))
        .order_by(Workshop.starts_on.desc(), Workshop.name)
    ).all()
    instructors = db.session.scalars(
        db.select(User).where(User.role == Role.INSTRUCTOR).order_by(User.display_name)
    ).all()
    done = dict(
        db.session.execute(
            db.select(Enrollment.workshop_id, db.func.count(Progress.id))
            .join(Progress, Progress.enrollment_id == Enrollment.id)
            .where(Progress.status == Status.DONE)
            .group_by(Enrollment.workshop_id)
        ).all()
    )
    return render_template("admin/index.html", workshops=workshops, instructors=instructors, done=done)
