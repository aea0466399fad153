"""The instructor views' one way to reach a group and a learner: through visible_workshops(), never
by id alone (a group she cannot see, or a learner not in it, is a 404)."""
from __future__ import annotations

from flask import abort

from ..access import visible_workshops
from ..extensions import db
from ..models import Enrollment, Role, User, Workshop
from .forms import ActionForm


def workshop_or_404(workshop_id: int) -> Workshop:
    workshop = db.session.scalar(visible_workshops().where(Workshop.id == workshop_id))
    if workshop is None:
        abort(404)
    return workshop


def enrollment_or_none(workshop: Workshop, learner_id: int) -> Enrollment | None:
    """A learner only through a group she may see: never by id alone."""
    return db.session.scalar(
        db.select(Enrollment).join(Enrollment.learner)
        .where(Enrollment.workshop_id == workshop.id, Enrollment.learner_id == learner_id, User.role == Role.LEARNER)
    )


def enrollment_or_404(workshop: Workshop, learner_id: int) -> Enrollment:
    enrollment = enrollment_or_none(workshop, learner_id)
    if enrollment is None:
        abort(404)
    return enrollment


def checked_form(form_class=ActionForm):
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    return form
