"""Task checks for the Wilma course: they read her sandbox, never a flag from the browser."""
from __future__ import annotations

from flask_babel import gettext as _

from ...curriculum import Result
from ...extensions import db
from ..contract import owned, sandbox_check
from .models import WilmaApplication, WilmaFormAnswer, WilmaMark, WilmaState, WilmaThread

TEACHER_THREAD = "trip-question"
ABSENCE = "maryam-absence"
TRIP_FORM = "trip-permission"


def _teacher_thread(learner) -> WilmaThread | None:
    return db.session.scalar(owned(WilmaThread, learner).where(
        WilmaThread.scenario_key == TEACHER_THREAD))


@sandbox_check("wilma.read_message", WilmaState)
def read_message(learner, _state: WilmaState) -> Result:
    thread = _teacher_thread(learner)
    first = thread.messages[0] if thread and thread.messages else None
    if first is None or first.read_at is None:
        return Result(False, _("Not yet. Open “Viestit” and open the message from Anna Virtanen."))
    return Result(True)


@sandbox_check("wilma.replied_to_teacher", WilmaState)
def replied_to_teacher(learner, _state: WilmaState) -> Result:
    thread = _teacher_thread(learner)
    if thread is None or not any(m.from_guardian and (m.body or "").strip() for m in thread.messages):
        return Result(False, _("Not yet. Open the message from Anna Virtanen, write your answer and tap “Lähetä”."))
    return Result(True)


@sandbox_check("wilma.explained_absence", WilmaState)
def explained_absence(learner, _state: WilmaState) -> Result:
    mark = db.session.scalar(owned(WilmaMark, learner).where(
        WilmaMark.scenario_key == ABSENCE))
    if mark is None or not mark.reason:
        return Result(False, _("Not yet. Open “Tuntimerkinnät”, tap “Selvitä” at Maryam's absence and choose a reason."))
    return Result(True)


@sandbox_check("wilma.notified_absence", WilmaState)
def notified_absence(learner, _state: WilmaState) -> Result:
    found = db.session.scalar(owned(WilmaMark, learner, db.func.count(WilmaMark.id)).where(
        WilmaMark.kind == "notice"))
    if not found:
        return Result(False, _("Not yet. Open “Tuntimerkinnät”, tap “Ilmoita poissaolosta”, fill in the form and send it."))
    return Result(True)


@sandbox_check("wilma.looked_at_exams", WilmaState)
def looked_at_exams(learner, state: WilmaState) -> Result:
    if state.seen_exams_at is None:
        return Result(False, _("Not yet. Open “Kokeet” in the practice and look for Maryam's next exam."))
    return Result(True)


@sandbox_check("wilma.looked_at_timetable", WilmaState)
def looked_at_timetable(learner, state: WilmaState) -> Result:
    if state.seen_timetable_at is None:
        return Result(False, _("Not yet. Open “Työjärjestys” in the practice and look at Tuesday."))
    return Result(True)


@sandbox_check("wilma.sent_permission_form", WilmaState)
def sent_permission_form(learner, _state: WilmaState) -> Result:
    answer = db.session.scalar(owned(WilmaFormAnswer, learner).where(
        WilmaFormAnswer.form == TRIP_FORM))
    if answer is None:
        return Result(False, _("Not yet. Open “Lomakkeet”, fill in the trip permission and tap “Lähetä”."))
    return Result(True)


@sandbox_check("wilma.sent_leave_request", WilmaState)
def sent_leave_request(learner, _state: WilmaState) -> Result:
    found = db.session.scalar(owned(WilmaApplication, learner, db.func.count(WilmaApplication.id)))
    if not found:
        return Result(False, _("Not yet. Open “Hakemukset ja päätökset”, tap “Uusi hakemus” and send the leave request."))
    return Result(True)



