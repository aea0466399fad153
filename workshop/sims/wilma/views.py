"""The practice school system's pages (the guardian's view of Wilma). Every query is scoped to the
signed-in learner through contract.owned(); another learner's ids give 404. Nothing leaves the site.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import utcnow
from ...web import Once, page_or_fragment
from ..contract import owned, owned_or_404, sim_blueprint
from . import rules
from .models import WilmaApplication, WilmaFormAnswer, WilmaMark, WilmaMessage, WilmaThread
from .school import (
    REASON_TERMS, REASONS, School, ensure, fi_date, fi_time, forms_to_fill, plain, unexplained_count, unread_count,
    weekday_key,
)

bp = sim_blueprint(__package__)

MAX_TEXT = 4000
MAX_SUBJECT = 200


def reply_delay() -> timedelta:
    return timedelta(seconds=current_app.config["WILMA_REPLY_DELAY"])


def today() -> date:
    return rules.now().date()


def page(template: str, section: str, **context):
    """Render a page of the practice school system with its menu and counts."""
    school = context.pop("school", None) or School()
    return render_template(
        template, section=section, school=school, unread=unread_count(current_user),
        unexplained=unexplained_count(current_user), to_fill=forms_to_fill(current_user, school),
        fi_date=fi_date, fi_time=fi_time, plain=plain, weekday_key=weekday_key, reasons=REASONS, reason_terms=REASON_TERMS, **context,
    )


def committed_once() -> None:
    """Commit what one entry allows only once (a form's answer, a day's notice). If a parallel
    submit of the same form committed it first, the unique constraint refuses this one: her
    answer is already there, so this request answers as the first did instead of failing."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def field(name: str, limit: int) -> str:
    return (request.form.get(name) or "").strip()[:limit]


def child_or_404(school: School, key: str | None, default: bool = True) -> str:
    if not key and default:
        return next(iter(school.children))
    if key not in school.children:
        abort(404)
    return key


# ---- Etusivu ----------------------------------------------------------------------------------

@bp.route("/")
def index():
    ensure(current_user)
    school = School()
    return page("wilma/index.html", "home", school=school, today=today())


# ---- Viestit ----------------------------------------------------------------------------------

def own_thread(thread_id: int) -> WilmaThread:
    return owned_or_404(WilmaThread, current_user.id, thread_id)


def thread_rows(learner):
    """Her threads, newest first, each with its arrived messages' count of unread ones."""
    threads = db.session.scalars(
        owned(WilmaThread, learner).order_by(WilmaThread.updated_at.desc())
    ).all()
    now = utcnow()
    rows = []
    for t in threads:
        arrived = [m for m in t.messages if m.deliver_at <= now]
        unread = sum(1 for m in arrived if not m.from_guardian and m.read_at is None)
        rows.append((t, arrived[-1] if arrived else None, unread))
    return [r for r in rows if r[1] is not None]


@bp.route("/messages")
def messages():
    ensure(current_user)
    return page("wilma/messages.html", "messages", rows=thread_rows(current_user))


def render_thread(thread: WilmaThread, errors: dict | None = None, draft: str = "", status: int = 200):
    now = utcnow()
    arrived = [m for m in thread.messages if m.deliver_at <= now]
    pending = any(m.deliver_at > now for m in thread.messages)
    changed = False
    for m in arrived:
        if not m.from_guardian and m.read_at is None:
            m.read_at = now  # she has seen it, as in any inbox
            changed = True
    if changed:
        db.session.commit()
    school = School()
    url = url_for("wilma.thread", thread_id=thread.id)
    return page_or_fragment(
        "wilma/thread.html", "wilma/_thread_messages.html", status=status,
        section="messages", school=school, thread=thread, arrived=arrived, pending=pending,
        errors=errors or {}, draft=draft, poll_url=url, unread=unread_count(current_user),
        unexplained=unexplained_count(current_user), to_fill=forms_to_fill(current_user, school),
        fi_date=fi_date, fi_time=fi_time, plain=plain, weekday_key=weekday_key, reasons=REASONS, reason_terms=REASON_TERMS,
    )


@bp.route("/messages/<int:thread_id>")
def thread(thread_id: int):
    ensure(current_user)
    return render_thread(own_thread(thread_id))


def schedule_reply(thread: WilmaThread, school: School) -> None:
    """The teacher answers a moment after her message (one answer waiting at a time)."""
    now = utcnow()
    if any(not m.from_guardian and m.deliver_at > now for m in thread.messages):
        return
    item = school.item("messages", thread.scenario_key) if thread.scenario_key else None
    ref = f"messages.{thread.scenario_key}.reply" if item and "reply_fi" in item else f"people.{thread.person}.reply"
    thread.messages.append(WilmaMessage(learner_id=thread.learner_id, from_guardian=False, text_ref=ref,
                                        sent_at=now, deliver_at=now + reply_delay()))


@bp.route("/messages/<int:thread_id>/reply", methods=["POST"])
def reply(thread_id: int):
    ensure(current_user)
    thread = own_thread(thread_id)
    body = field("body", MAX_TEXT)
    if not body:
        return render_thread(thread, errors={"body": _("Please write your answer first.")}, status=422)
    once = Once()
    if (first := once.replay()) is not None:  # the same answer sent twice: it went once
        return first
    now = utcnow()
    thread.messages.append(WilmaMessage(learner_id=current_user.id, from_guardian=True, body=body,
                                        sent_at=now, deliver_at=now, read_at=now))
    thread.updated_at = now
    schedule_reply(thread, School())
    return once.commit(url_for("wilma.thread", thread_id=thread.id) + "#answer",
                       _("Your message was sent. The answer comes here."), "info")


@bp.route("/messages/new", methods=["GET", "POST"])
def new_message():
    ensure(current_user)
    school = School()
    values = {"child": request.values.get("child", ""), "person": request.values.get("person", ""),
              "subject": "", "body": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values.update(subject=field("subject", MAX_SUBJECT), body=field("body", MAX_TEXT))
        child, person = values["child"], values["person"]
        if child not in school.children:
            errors["child"] = _("Please choose which child the message is about.")
        if person not in school.data["people"]:
            errors["person"] = _("Please choose who gets the message.")
        elif child in school.children and child not in school.person(person)["children"]:
            errors["person"] = _("%(name)s does not teach %(child)s. Please choose another person.",
                                 name=school.person(person)["name"], child=school.child(child)["name"])
        if not values["subject"]:
            errors["subject"] = _("Please write a few words about what the message is about.")
        if not values["body"]:
            errors["body"] = _("Please write your message.")
        once = Once()
        if not errors and (first := once.replay()) is not None:  # sent twice: one message
            return first
        if not errors:
            now = utcnow()
            thread = WilmaThread(learner_id=current_user.id, child=child, person=person, subject=values["subject"],
                                 created_at=now, updated_at=now)
            thread.messages.append(WilmaMessage(learner_id=current_user.id, from_guardian=True, body=values["body"],
                                                sent_at=now, deliver_at=now, read_at=now))
            db.session.add(thread)
            schedule_reply(thread, school)
            db.session.flush()  # the new thread's id, for where the answer leads
            return once.commit(url_for("wilma.thread", thread_id=thread.id) + "#answer",
                               _("Your message was sent. The answer comes here."), "info")
    return page("wilma/new_message.html", "messages", school=school, values=values, errors=errors), (
        422 if errors else 200)


# ---- Tiedotteet ---------------------------------------------------------------------------------

@bp.route("/announcements")
def announcements():
    state = ensure(current_user)
    school = School()
    items = [(state.seed_day - timedelta(days=a["days_ago"]), a) for a in school.data["announcements"]]
    return page("wilma/announcements.html", "announcements", school=school, items=items)


# ---- Tuntimerkinnät -----------------------------------------------------------------------------

def own_mark(mark_id: int) -> WilmaMark:
    return owned_or_404(WilmaMark, current_user.id, mark_id, WilmaMark.kind == "absence")


@bp.route("/marks")
def marks():
    ensure(current_user)
    school = School()
    rows = db.session.scalars(owned(WilmaMark, current_user.id)
                              .order_by(WilmaMark.day.desc(), WilmaMark.id)).all()
    return page("wilma/marks.html", "marks", school=school,
                marks=[m for m in rows if m.kind != "notice"], notices=[m for m in rows if m.kind == "notice"])


@bp.route("/marks/<int:mark_id>/explain", methods=["GET", "POST"])
def explain(mark_id: int):
    ensure(current_user)
    mark = own_mark(mark_id)
    school = School()
    errors: dict[str, str] = {}
    values = {"reason": mark.reason or "", "note": mark.note or ""}
    if request.method == "POST":
        values = {"reason": request.form.get("reason", ""), "note": field("note", MAX_TEXT)}
        if values["reason"] not in REASONS:
            errors["reason"] = _("Please choose the reason for the absence.")
        else:
            mark.reason, mark.note, mark.explained_at = values["reason"], values["note"] or None, utcnow()
            db.session.commit()
            flash(_("Thank you. The absence is now explained."), "info")
            return redirect(url_for("wilma.marks"), code=303)
    return page("wilma/explain.html", "marks", school=school, mark=mark, values=values, errors=errors), (
        422 if errors else 200)


@bp.route("/marks/notify", methods=["GET", "POST"])
def notify():
    """Ilmoita poissaolosta, as Helsinki guides it: sent on the same day, for that day (rules.notice_day).
    A past day is explained in Tuntimerkinnät instead; an absence known in advance is a leave request."""
    ensure(current_user)
    school = School()
    day = rules.notice_day(rules.now())
    values = {"child": request.values.get("child", ""), "reason": "", "note": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values["reason"] = (request.form.get("reason") or "").strip()
        values["note"] = field("note", MAX_TEXT)
        if values["child"] not in school.children:
            errors["child"] = _("Please choose which child will be away.")
        if values["reason"] not in REASONS:
            errors["reason"] = _("Please choose the reason for the absence.")
        if not errors:
            taken = db.session.scalar(owned(WilmaMark, current_user.id, db.func.count(WilmaMark.id)).where(
                WilmaMark.child == values["child"], WilmaMark.kind == "notice", WilmaMark.day == day))
            if not taken:  # one entry a day
                db.session.add(WilmaMark(learner_id=current_user.id, child=values["child"], kind="notice", day=day,
                                         reason=values["reason"], note=values["note"] or None, explained_at=utcnow()))
                committed_once()  # the same notice sent twice at once: one entry, the same answer
            flash(_("Thank you. The school now knows. Is your child still sick tomorrow? Send a new notice tomorrow."),
                  "info")
            return redirect(url_for("wilma.marks") + "#notices", code=303)
    return page("wilma/notify.html", "marks", school=school, values=values, errors=errors, day=day), (422 if errors else 200)


# ---- Työjärjestys and Kokeet ----------------------------------------------------------------------

@bp.route("/timetable")
def timetable():
    state = ensure(current_user)
    school = School()
    child = child_or_404(school, request.args.get("child"))
    if state.seen_timetable_at is None:
        state.seen_timetable_at = utcnow()
        db.session.commit()
    return page("wilma/timetable.html", "timetable", school=school, child=child,
                days=school.timetable(child), today=today())


@bp.route("/exams")
def exams():
    state = ensure(current_user)
    school = School()
    if state.seen_exams_at is None:
        state.seen_exams_at = utcnow()
        db.session.commit()
    return page("wilma/exams.html", "exams", school=school, exams=school.exams(today()))


# ---- Hakemukset ja päätökset -------------------------------------------------------------------

@bp.route("/applications")
def applications():
    ensure(current_user)
    rows = db.session.scalars(owned(WilmaApplication, current_user.id)
                              .order_by(WilmaApplication.created_at.desc())).all()
    return page("wilma/applications.html", "applications", rows=rows, now=utcnow())


@bp.route("/applications/new", methods=["GET", "POST"])
def new_application():
    ensure(current_user)
    school = School()
    values = {"child": request.values.get("child", ""), "starts_on": "", "ends_on": "", "reason": ""}
    errors: dict[str, str] = {}
    first = today()
    if request.method == "POST":
        values.update(starts_on=field("starts_on", 10), ends_on=field("ends_on", 10), reason=field("reason", MAX_TEXT))
        if values["child"] not in school.children:
            errors["child"] = _("Please choose which child the request is for.")
        try:
            starts = date.fromisoformat(values["starts_on"])
        except ValueError:
            starts = None
            errors["starts_on"] = _("Please give the first day, for example %(example)s.", example="2026-05-04")
        try:
            ends = date.fromisoformat(values["ends_on"])
        except ValueError:
            ends = None
            errors["ends_on"] = _("Please give the last day, for example %(example)s.", example="2026-05-08")
        if starts and starts < first:
            errors["starts_on"] = _("The first day cannot be in the past.")
        if starts and ends and ends < starts:
            errors["ends_on"] = _("The last day must be on or after the first day.")
        elif starts and ends and (ends - starts).days > 60:
            errors["ends_on"] = _("A leave request can be for 60 days at most.")
        if not values["reason"]:
            errors["reason"] = _("Please write the reason, for example a family trip.")
        once = Once()
        if not errors and (first := once.replay()) is not None:  # sent twice: one request
            return first
        if not errors:
            now = utcnow()
            db.session.add(WilmaApplication(learner_id=current_user.id, child=values["child"], starts_on=starts,
                                            ends_on=ends, reason=values["reason"], created_at=now,
                                            decide_at=now + reply_delay()))
            return once.commit(url_for("wilma.applications"),
                               _("Your request was sent. The principal decides it soon."), "info")
    return page("wilma/new_application.html", "applications", school=school, values=values, errors=errors,
                first=first), (422 if errors else 200)


# ---- Lomakkeet ------------------------------------------------------------------------------------

@bp.route("/forms")
def forms():
    ensure(current_user)
    sent = {a.form: a for a in db.session.scalars(
        owned(WilmaFormAnswer, current_user.id))}
    return page("wilma/forms.html", "forms", sent=sent)


@bp.route("/forms/<form_id>", methods=["GET", "POST"])
def form(form_id: str):
    ensure(current_user)
    school = School()
    item = school.item("forms", form_id)
    if item is None:
        abort(404)
    answer = db.session.scalar(owned(WilmaFormAnswer, current_user.id).where(
        WilmaFormAnswer.form == form_id))
    values = {"permission": "", "info": ""}
    errors: dict[str, str] = {}
    if request.method == "POST" and answer is None:
        values = {"permission": request.form.get("permission", ""), "info": field("info", MAX_TEXT)}
        if values["permission"] not in ("yes", "no"):
            errors["permission"] = _("Please choose yes or no.")
        else:
            db.session.add(WilmaFormAnswer(learner_id=current_user.id, form=form_id, child=item["child"],
                                           permission=values["permission"] == "yes", info=values["info"] or None))
            committed_once()  # a second quick submit finds the first answer: it answers the same
            flash(_("Thank you. The form was sent to the school."), "info")
            return redirect(url_for("wilma.forms"), code=303)
    elif request.method == "POST":
        return redirect(url_for("wilma.form", form_id=form_id), code=303)
    return page("wilma/form.html", "forms", school=school, item=item, answer=answer, values=values,
                errors=errors), (422 if errors else 200)
