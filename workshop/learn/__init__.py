"""Learner views: language choice, home, the lesson player, her own progress, asking for help."""
from __future__ import annotations

import time

from flask import (Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template, request,
                   send_from_directory,
                   session, url_for)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf

from .. import access, attendance, clock, i18n
from .. import address as addressing
from ..auth.device import current_device
from ..counsel import labels as counsel_labels
from ..counsel.models import Plan
from ..curriculum import PICTURES, TASKS, Answer, LessonText
from ..extensions import db
from ..redirects import same_site_path
from ..review.state import version as review_version
from ..models import Assignment, Enrollment, HelpRequest, Status, utcnow
from ..web import catalogue, current_enrollment, fragment_response, is_htmx, page_or_fragment
from . import offline
from . import progress as prog
from .helptime import next_session_start

bp = Blueprint("learn", __name__)

access.guard(bp, access.LEARNER)  # every route is hers alone unless it says otherwise
bp.register_blueprint(offline.bp)  # the manifest, the service worker and its pages (learn/offline.py)
bp.after_request(offline.mark)  # a learner page the service worker may keep on her phone


class ActionForm(FlaskForm):
    """Only the CSRF token: the answer and the idempotency key are read from the request."""


@bp.route("/")
@access.public
def index():
    if current_user.is_authenticated:
        return redirect(access.home_for(current_user))
    if current_device() is not None:  # a set-up tablet's front page is its group's names
        return redirect(url_for("auth.tablet.names"))
    if i18n.chosen_locale() is None:
        return render_template("learn/chooser.html", first_visit=True)
    return redirect(url_for("auth.sign_in"))


@bp.route("/language", methods=["GET", "POST"])
@access.public
def language():
    form = ActionForm()
    if request.method == "POST":
        code = request.form.get("locale")
        if form.validate_on_submit() and code in i18n.LOCALES:
            session["locale"] = code
            if current_user.is_authenticated:
                current_user.record.locale = code
                db.session.commit()
                session["locale_at"] = time.time()  # newer than any snapshot of her kept elsewhere
            response = redirect(same_site_path(request.form.get("next"), url_for("learn.index")), code=303)
            response.set_cookie(i18n.LANG_COOKIE, code, max_age=60 * 60 * 24 * 365, samesite="Lax", httponly=True)
            return response
        abort(400)
    return render_template("learn/chooser.html", first_visit=False, next=same_site_path(request.args.get("next"), ""))


def _lesson_or_404(course_id: str, lesson_id: str):
    lesson = catalogue().lesson(course_id, lesson_id)
    if lesson is None:
        abort(404)
    return lesson


@bp.route("/media/<path:filename>")
@access.public
def media(filename: str):
    """Lesson pictures, from lessons/media (public: they hold nothing personal). Pages link them with
    their content's version (web.media_url), so those URLs are cached for a year. A picture that
    shows scenario data is drawn by its sim from what her own sandbox shows (never cached: it is hers)."""
    if filename in PICTURES:
        body, mimetype = PICTURES[filename]()
        response = make_response(body)
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
        response.headers["Cache-Control"] = "private, no-store"
        return response
    versioned = bool(request.args.get("v"))
    response = send_from_directory(catalogue().root / "media", filename,
                                   max_age=60 * 60 * 24 * (365 if versioned else 7))
    if versioned:
        response.cache_control.immutable = True
    return response


@bp.route("/home")
def home():
    enrollment = current_enrollment()
    merged = prog.statuses([m.id for m in current_user.memberships])
    week = None
    this_week = []
    today = clock.today()
    if enrollment.running(today):
        week = (today - enrollment.starts_on).days // 7 + 1
        assignments = db.session.scalars(
            db.select(Assignment).where(Assignment.workshop_id == enrollment.workshop_id, Assignment.week == week)
            .order_by(Assignment.id)
        )
        this_week = [catalogue().lesson(a.course, a.lesson) for a in assignments]
        this_week = [lesson for lesson in this_week if lesson is not None]
    next_lesson, resume = _next_step(merged, this_week)
    return render_template("learn/home.html", merged=merged, this_week=this_week, week=week, Status=Status,
                           next_lesson=next_lesson, resume=resume, offline_next=_offline_next(merged, next_lesson),
                           offline_sizes={course.id: offline.kilobytes(offline.course_plan(course, step_fragment)["bytes"])
                                          for course in catalogue().courses} if offline.enabled() else {},
                           done_counts={
                               course.id: sum(1 for lesson in course.lessons
                                              if getattr(merged.get((course.id, lesson.id)), "status", None) == Status.DONE)
                               for course in catalogue().courses})


def _next_step(merged, this_week):
    """Her next step, first on her home: the lesson she worked on last if it is not finished (resume),
    else the first unfinished lesson of this week's plan, else of the courses in order."""
    started = [p for p in merged.values() if p.status != Status.DONE]
    for p in sorted(started, key=lambda p: p.updated_at, reverse=True):
        lesson = catalogue().lesson(p.course, p.lesson)
        if lesson is not None:
            return lesson, True
    def unfinished(lesson):
        p = merged.get((lesson.course, lesson.id))
        return p is None or p.status != Status.DONE
    for lesson in [*this_week, *(lesson for course in catalogue().courses for lesson in course.lessons)]:
        if unfinished(lesson):
            return lesson, False
    return None, False


def _offline_next(merged, next_lesson) -> list[str]:
    """The lessons the service worker keeps without being asked (their text only, no pictures): her
    next lesson, and the next unfinished lesson of each course she has begun (their bundles' URLs)."""
    if not offline.enabled():
        return []
    lessons = [next_lesson] if next_lesson is not None else []
    begun = {course for course, _lesson in merged}
    for course in catalogue().courses:
        if course.id in begun:
            following = next((lesson for lesson in course.lessons
                              if getattr(merged.get((course.id, lesson.id)), "status", None) != Status.DONE), None)
            if following is not None and following not in lessons:
                lessons.append(following)
    return [url_for("learn.offline_lesson", course_id=lesson.course, lesson_id=lesson.id) for lesson in lessons]


@bp.route("/learn/<course_id>/offline")
def offline_plan(course_id: str):
    """What "Save this course for offline use" downloads (JSON for the service worker, never cached)."""
    course = catalogue().course(course_id)
    if course is None:
        abort(404)
    response = jsonify(offline.course_plan(course, step_fragment))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/learn/<course_id>/<lesson_id>/offline")
def offline_lesson(course_id: str, lesson_id: str):
    """A lesson's steps in one response, each as the player's htmx fragment with its own idempotency
    key: the service worker keeps each under its step's URL (one request, compressed together)."""
    lesson = _lesson_or_404(course_id, lesson_id)
    steps = {_step_url(lesson, step): str(_fill(step_fragment(lesson, step), prog.new_key(current_user.id)))
             for step in lesson.steps}
    # JSON objects come out with their keys sorted, so the steps' order is sent as well: offline, the
    # worker opens the lesson at its first step (not at the alphabetically first, "address").
    response = jsonify({"steps": steps, "order": list(steps)})
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/my-progress")
def my_progress():
    enrollment_ids = [m.id for m in current_user.memberships]
    merged = prog.statuses(enrollment_ids)
    has_plan = db.session.scalar(db.select(db.func.count(Plan.id)).where(Plan.enrollment_id.in_(enrollment_ids))) > 0
    # the meetings of her group(s) she came to, as her instructor marked them
    today = clock.today()
    came = [meeting for _id, meeting in attendance.attended_meetings(enrollment_ids) if meeting.day <= today]
    held = sum(attendance.held_meetings([m.workshop_id for m in current_user.memberships], today).values())
    return render_template("learn/progress.html", merged=merged, Status=Status,
                           helped=prog.helped_lessons(enrollment_ids), came=came, held=held,
                           has_plan=has_plan)


@bp.route("/my-plan")
def my_plan():
    """Her own follow-up plans, read-only, in her language (the goal in her own words). Kept only while
    her consent is in force: withdrawn, there is nothing here."""
    plans = db.session.scalars(
        db.select(Plan).join(Enrollment, Enrollment.id == Plan.enrollment_id)
        .where(Enrollment.learner_id == current_user.id).order_by(Plan.created_at.desc(), Plan.id.desc())
        .options(selectinload(Plan.enrollment).selectinload(Enrollment.workshop))
    ).all()
    return render_template("learn/plan.html", plans=plans, labels=counsel_labels, today=clock.today())


@bp.route("/my-progress/address", methods=["POST"])
def address():
    """She chooses how the texts speak to her (a woman or a man): on her account, so on every device."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    addressing.save(current_user.record, request.form.get("address"), then=i18n.forget_address)
    return redirect(same_site_path(request.form.get("next"), url_for("learn.my_progress")), code=303)


@bp.route("/learn/<course_id>/<lesson_id>/")
def lesson(course_id: str, lesson_id: str):
    lesson = _lesson_or_404(course_id, lesson_id)
    progress = prog.find_progress(current_enrollment(), lesson)
    if progress and progress.status == Status.DONE and request.args.get("again") is None:
        return redirect(url_for("learn.lesson_done", course_id=course_id, lesson_id=lesson_id))
    step_id = lesson.steps[0].id if request.args.get("again") is not None else prog.resume_step(progress, lesson)
    return redirect(url_for("learn.step", course_id=course_id, lesson_id=lesson_id, step_id=step_id))


# A step as first shown (no answer yet) is the same for every learner in a locale except for two
# tokens: the CSRF token and the idempotency key. Its player, and its htmx fragment, are rendered
# once per process and locale (and overlay: i18n.catalog_key) with placeholders, which each request then fills in; lesson files
# and catalogs load at start-up. Reviewed wording or a new narration empties the cache.
CSRF_SLOT, KEY_SLOT = "\x00askel-csrf\x00", "\x00askel-key\x00"


def _cached(kind: str, step, render) -> str:
    version = review_version()  # of reviewed wording and narrations
    cache = current_app.extensions.get("askel_players")
    if cache is None or cache["version"] != version:  # an edit or a recording: render afresh
        cache = current_app.extensions["askel_players"] = {"version": version, "pages": {}}
    cache_key = (kind, i18n.catalog_key(), step.context)
    html = cache["pages"].get(cache_key)
    if html is None:
        html = cache["pages"][cache_key] = render()
    return html


def _fill(html: str, key: str) -> Markup:
    return Markup(html.replace(CSRF_SLOT, generate_csrf()).replace(KEY_SLOT, key))


def _step_context(lesson, step, feedback, answered, feedback_voice=None) -> dict:
    index = lesson.index(step.id)
    previous = lesson.steps[index - 1] if index > 0 else None
    following = lesson.steps[index + 1] if index + 1 < len(lesson.steps) else None
    next_url = (
        url_for("learn.step", course_id=lesson.course, lesson_id=lesson.id, step_id=following.id)
        if following else url_for("learn.lesson_done", course_id=lesson.course, lesson_id=lesson.id)
    )
    return dict(
        lesson=lesson, step=step, number=index + 1, total=len(lesson.steps), previous=previous,
        next_url=next_url, feedback=feedback, answered=answered, feedback_voice=feedback_voice,
        glossary=catalogue().glossary, step_url=_step_url(lesson, step),
    )


def _step_url(lesson, step) -> str:
    return url_for("learn.step", course_id=lesson.course, lesson_id=lesson.id, step_id=step.id)


def _render_step(lesson, step, *, feedback=None, answered=None, status=200, feedback_voice=None):
    """`feedback_voice`: the lesson text the feedback is (its recording plays beside it), if it is one."""
    key = prog.new_key(current_user.id)
    if feedback or answered:  # her own answer is on the page: nothing to share with others
        context = _step_context(lesson, step, feedback, answered, feedback_voice)
        player = Markup(render_template("learn/_player.html", key=key, **context))
        return page_or_fragment("learn/step.html", "learn/_step.html", push_url=context["step_url"], status=status,
                                lesson=lesson, number=context["number"], total=context["total"], player=player)

    if is_htmx():  # the next step in a lesson: the whole answer comes from the cache
        return fragment_response(_fill(step_fragment(lesson, step), key), _step_url(lesson, step), status)
    number, total = lesson.index(step.id) + 1, len(lesson.steps)
    return page_or_fragment("learn/step.html", "learn/_step.html", status=status, lesson=lesson,
                            number=number, total=total, player=_fill(_cached("player", step, _player(lesson, step)), key))


def _player(lesson, step):
    def player() -> str:
        context = _step_context(lesson, step, None, None)
        return render_template("learn/_player.html", key=KEY_SLOT, csrf_token=lambda: CSRF_SLOT, **context)
    return player


def step_fragment(lesson, step) -> str:
    """A step's htmx fragment as first shown, with the two token placeholders (from the cache)."""
    number, total = lesson.index(step.id) + 1, len(lesson.steps)
    return _cached("fragment", step, lambda: render_template(
        "learn/_step.html", lesson=lesson, number=number, total=total,
        player=Markup(_cached("player", step, _player(lesson, step)))))


@bp.route("/learn/<course_id>/<lesson_id>/steps/<step_id>", methods=["GET", "POST"])
def step(course_id: str, lesson_id: str, step_id: str):
    lesson = _lesson_or_404(course_id, lesson_id)
    step = lesson.step(step_id)
    if step is None:
        abort(404)
    enrollment = current_enrollment()
    if request.method == "GET":
        return _render_step(lesson, step, answered=_answered(enrollment, lesson, step, request.args.get("answered")))

    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    key = prog.valid_key(request.form.get("key"))
    if key is None:
        abort(400)
    queued = request.headers.get(offline.QUEUED) == "1"
    if queued and not prog.made_for(current_user.id, key):
        # an answer another learner gave offline on this phone, sent in her session (her own session
        # ended without signing out, and this one began before the worker saw it was another learner's):
        # never counted as hers; 409 tells the worker to drop it
        return "", 409
    # The step grades the answer (a task check reads her sandbox: a flag from the browser is never trusted).
    outcome = step.grade(Answer(request.form.get("answer", ""), current_user))
    if outcome.kind is not None:
        prog.record(enrollment, lesson, step.id, kind=outcome.kind, key=key, answer=outcome.answer,
                    correct=outcome.correct, completes_step=outcome.completes)
    if queued:  # an answer kept on her phone offline, sent now: stored
        return "", 204
    if not outcome.completes:
        voice = outcome.feedback if isinstance(outcome.feedback, LessonText) else None
        return _render_step(lesson, step, feedback=_feedback_text(outcome.feedback), feedback_voice=voice)
    if outcome.show is not None:  # the step again, with her answer and a Next button
        return redirect(url_for("learn.step", course_id=course_id, lesson_id=lesson_id, step_id=step.id,
                                answered="") + outcome.show, code=303)
    index = lesson.index(step.id)
    if index + 1 < len(lesson.steps):
        target = url_for("learn.step", course_id=course_id, lesson_id=lesson_id, step_id=lesson.steps[index + 1].id)
    else:
        target = url_for("learn.lesson_done", course_id=course_id, lesson_id=lesson_id)
    return redirect(target, code=303)


def _feedback_text(feedback) -> str | None:
    """A grade's feedback in her language: a lesson text (reviewed wording first) or an interface message."""
    if isinstance(feedback, LessonText):
        return i18n.lesson_text(feedback.context, feedback.english)
    return str(feedback) if feedback else None


def _answered(enrollment, lesson, step, value: str | None):
    """After a right answer the page shows it with a Next button (?answered=<option id> or 'task').
    A step she has done keeps its answer and its Next when she comes back with Back or a reload."""
    def done() -> bool:
        if enrollment is None:
            return False
        progress = prog.find_progress(enrollment, lesson)
        return progress is not None and step.id in (progress.steps_done or [])

    return step.answered(value, done)


@bp.route("/learn/<course_id>/<lesson_id>/done")
def lesson_done(course_id: str, lesson_id: str):
    lesson = _lesson_or_404(course_id, lesson_id)
    progress = prog.find_progress(current_enrollment(), lesson)
    if progress is None or progress.status != Status.DONE:
        return redirect(url_for("learn.lesson", course_id=course_id, lesson_id=lesson_id))
    course = catalogue().course(course_id)
    position = course.lessons.index(lesson)
    following = course.lessons[position + 1] if position + 1 < len(course.lessons) else None
    url = url_for("learn.lesson_done", course_id=course_id, lesson_id=lesson_id)
    return page_or_fragment("learn/done.html", "learn/_done.html", push_url=url,
                            lesson=lesson, course=course, following=following)


@bp.route("/help", methods=["POST"])
def help():
    """'I need help': the instructor sees it in her class view. One open request per learner."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    enrollment = current_enrollment()
    course_id, lesson_id, step_id = (request.form.get(k, "")[:64] for k in ("course", "lesson", "step"))
    lesson = catalogue().lesson(course_id, lesson_id)
    if lesson is None or lesson.step(step_id) is None:
        course_id = lesson_id = step_id = None
    for attempt in range(2):
        open_request = _open_help(enrollment)
        if open_request is None:
            open_request = HelpRequest(enrollment_id=enrollment.id)
            db.session.add(open_request)
        open_request.course, open_request.lesson, open_request.step = course_id, lesson_id, step_id
        open_request.created_at = utcnow()
        try:
            db.session.commit()
            break
        except IntegrityError:  # a second press at the same moment opened it: update that one
            db.session.rollback()
            if attempt:
                raise
    back = same_site_path(request.form.get("back"), url_for("learn.home"))
    if is_htmx():
        return _help_state(open_request, back)
    # without JavaScript: a page of its own says when she will be seen, with "withdraw" and the way back
    return redirect(url_for("learn.help_status", back=back), code=303)


def _open_help(enrollment) -> HelpRequest | None:
    return db.session.scalar(
        db.select(HelpRequest).where(HelpRequest.enrollment_id == enrollment.id, HelpRequest.handled_at.is_(None))
    )


def _help_state(help_request: HelpRequest | None, back: str, withdrawn: bool = False, page: bool = False,
                focus: bool = True):
    """What she sees after asking: when her instructor will see it, whether it has been seen, and a way
    to take it back; while it is open, htmx asks again every 15 s (without JavaScript: "Check again")."""
    when = None
    if help_request is not None and help_request.handled_at is None and help_request.seen_at is None:
        when = next_session_start(current_enrollment().workshop_id)
    seen = help_request.seen_at if help_request is not None else None
    context = dict(help_request=help_request, back=back, withdrawn=withdrawn, when=when, form=ActionForm(), focus=focus,
                   seen_time=format_datetime(seen, "HH:mm") if seen else "",
                   when_text=format_datetime(when[1], "EEEE d.M. HH:mm") if when and when[1] else "")
    if page:
        return render_template("learn/help.html", **context)
    return render_template("_partials/help_state.html", **context)


@bp.route("/help", methods=["GET"])
def help_status():
    """Her latest request and its state (the page without JavaScript; htmx asks for the fragment)."""
    enrollment = current_enrollment()
    back = same_site_path(request.args.get("back"), url_for("learn.home"))
    latest = db.session.scalar(
        db.select(HelpRequest).where(HelpRequest.enrollment_id == enrollment.id)
        .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc()).limit(1)
    )
    # htmx asks every 15 s: its answer must not take focus from what she is doing
    response = make_response(_help_state(latest, back, page=not is_htmx(), focus=not is_htmx()))
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("HX-Request")
    return response


@bp.route("/help/withdraw", methods=["POST"])
def help_withdraw():
    """She takes her request back (solved it herself, pressed by mistake): it leaves the class view."""
    if not ActionForm().validate_on_submit():
        abort(400)
    enrollment = current_enrollment()
    open_request = _open_help(enrollment)
    if open_request is not None:
        open_request.handled_at = open_request.withdrawn_at = utcnow()
        db.session.commit()
    back = same_site_path(request.form.get("back"), url_for("learn.home"))
    if is_htmx():
        return _help_state(open_request, back, withdrawn=True)
    flash(_("You took back your request for help."), "info")
    return redirect(back, code=303)
