"""Review: recorded narrations ("listen" on every step) and the translation review in the browser.

Instructors perfect the wording of the lessons and record narrations in the languages the
coordinator granted them (ReviewGrant: per instructor, language and right, never derived from the
language of her pages); the coordinator does both for every language. Authorisation is in one
place: the blueprint is guarded for staff (`workshop.access`), and a URL about a language only for the
coordinator and instructors with that grant. A narration file is served to any signed-in person (learners
listen), only by its own route, from the site's store of files (workshop.storage: the database, so
every host serves it), never from /static.
"""
from __future__ import annotations

import re

from flask import (
    Blueprint, abort, current_app, flash, g, jsonify, make_response, redirect, render_template, request, url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from limits import parse
from werkzeug.exceptions import RequestEntityTooLarge

from .. import access, i18n, storage
from ..address import OVERLAY_LOCALES
from ..extensions import db
from ..models import Role, utcnow
from ..web import catalogue, counted, is_htmx, page_or_fragment
from . import audio, cli, narration, state
from .models import Narration, Wording, WordingChange, grants_of

bp = access.guard(Blueprint("review", __name__, url_prefix="/review"), access.STAFF)
cli.register(bp)  # flask review export

# Lesson wording is reviewed in these (English is the source); narrations exist in every locale.
WORDING_LOCALES = ("so", "ar", "fi")
FILENAME_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}\.(webm|ogg|mp3|wav|m4a)$")
MAX_TEXT = 4000

REFUSALS = {
    "type": _l("This is not a sound file Askel can use. Use a WebM, Ogg, MP3, WAV or M4A file."),
    "size": _l("This file is too large. A recording can be at most 2 MB."),
    "length": _l("This recording is too long. It can be at most 90 seconds."),
    "unreadable": _l("Askel could not read this sound file. Please record it again."),
    "missing": _l("Choose a sound file, or record one."),
    "silent": _l("The recording is silent. Check that the microphone is on, then record again."),
    "often": _l("Many recordings were sent in the last hour. Please wait a while, then send this one again."),
}

# Recordings one person may send in an hour, kept or refused: decoding and encoding one takes the server up
# to a few seconds. A reader at her steadiest says a text every ten seconds (360 an hour); a script is
# stopped at this. Counted in the limiter's storage (shared by every process), per person, never per address.
SENDS = parse("600 per hour")


def _may_send() -> bool:
    """Counts one recording sent; False when this person has sent SENDS within the hour."""
    return counted(SENDS, "askel-narration", current_user.id, "Narrations")


class ActionForm(FlaskForm):
    """Only the CSRF token; fields are read from the request and checked in the view."""


# The right each page needs: correcting wording, or recording narrations.
RIGHT_OF = {"review.lesson": "wording", "review.edit": "wording", "review.revert": "wording",
            "review.narration": "narration", "review.narration_delete": "narration",
            "review.session": "narration", "review.session_record": "narration", "review.session_take": "narration"}


def _grants() -> set[tuple[str, str]]:
    if "review_grants" not in g:
        g.review_grants = grants_of(current_user.id)
    return g.review_grants


def can_edit(locale: str, right: str = "wording") -> bool:
    """The coordinator, and instructors the coordinator granted this right for this language."""
    if locale not in i18n.LOCALES:
        return False
    if current_user.role == Role.COORDINATOR:
        return True
    return current_user.role == Role.INSTRUCTOR and (locale, right) in _grants()


@bp.before_request
def staff_with_a_grant():
    """After the blueprint's rule (staff only, workshop.access): a URL about a language needs that grant."""
    if access.rule_of(current_app, request.endpoint) is not access.STAFF:
        return None
    locale = (request.view_args or {}).get("locale")
    if locale is not None:
        if locale not in i18n.LOCALES:
            abort(404)
        if request.endpoint in ("review.lesson", "review.edit", "review.revert") and locale not in WORDING_LOCALES:
            abort(404)
        if not can_edit(locale, RIGHT_OF.get(request.endpoint, "wording")):
            abort(403)
    return None


@bp.app_template_global()
def listen_parts(step) -> list[dict]:
    """What "Listen" plays through on a step, in order (the step's voiced texts): each part's
    context (the page marks its text with data-voice), label, text in her language (for the
    device's voice) and the recording she hears, if any."""
    parts = []
    for n, text in enumerate(step.voiced()):
        field = text.context[len(step.context) + 1:]
        if field.startswith("option/"):
            label = _("Answer %(number)s", number=n)
        else:
            label = {"question": _("Question"), "goal": _("Task")}.get(field) or _("Text")
        parts.append({"context": text.context, "label": label, "text": i18n.lesson_text(text.context, text.english),
                      "src": narration.listen_url(text.context, text.english)})
    return parts


@bp.app_template_global()
def listen_text(context: str, english: str) -> list[dict]:
    """What "Listen" plays beside one lesson text the step shows after an answer (a wrong answer's
    feedback, the right answer's text or spot's label): its recording in her language and wording,
    else the device's voice."""
    return [{"context": context, "label": _("Listen"), "text": i18n.lesson_text(context, english),
             "src": narration.listen_url(context, english)}]


# --- helpers --------------------------------------------------------------------------------------

def _lesson_or_404(course_id: str, lesson_id: str):
    lesson = catalogue().lesson(course_id, lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def _step_or_404(lesson, step_id: str):
    step = lesson.step(step_id)
    if step is None:
        abort(404)
    return step


def reviewable_locales() -> list[str]:
    return [loc for loc in WORDING_LOCALES if can_edit(loc, "wording")]


def recordable_locales() -> list[str]:
    return [loc for loc in i18n.LOCALES if can_edit(loc, "narration")]


def _texts_of(lesson) -> dict[str, tuple[str, str]]:
    """Every text of a lesson: context -> (English, note for translators)."""
    return {context: (english, note) for context, english, note in lesson.texts()}


def _row(locale: str, context: str, english: str, note: str, wording: Wording | None, lesson) -> dict:
    """One text as the review page shows it: English, the catalog's and the reviewed translation. The
    catalog's is its default text (addressed to a woman), whoever reviews it: reviewed wording replaces
    that text, and a man reading the review pages still corrects it, not his overlay's."""
    with force_locale(locale), i18n.force_address(None):
        catalog = i18n.lessons_domain.pgettext(context, english)
    stale = wording is not None and wording.source_hash != state.source_hash(english)
    if wording is None:
        status = "missing" if catalog == english and locale != "en" else "unreviewed"
    else:
        status = "changed" if stale else "reviewed"
    current = wording.text if wording is not None and not stale else catalog
    key = context[len(lesson.key) + 1:]
    return {
        "context": context, "key": key, "anchor": "t-" + key.replace("/", "--"), "english": english,
        "note": note, "catalog": catalog, "wording": wording, "current": current, "status": status,
        "field": context.rsplit("/", 1)[-1], "multiline": "\n" in english or len(english) > 80,
    }


def _wordings(locale: str, contexts) -> dict[str, Wording]:
    contexts = list(contexts)
    rows = db.session.scalars(
        db.select(Wording).where(Wording.locale == locale, Wording.context.in_(contexts))
    ).all()
    return {w.context: w for w in rows}


def _term_rows(locale: str, step) -> list[dict]:
    glossary = catalogue().glossary
    rows = []
    for key in getattr(step, "terms", []):
        term = glossary.terms[key]
        with force_locale(locale), i18n.force_address(None):
            meaning = i18n.lessons_domain.pgettext(term.context, term.en)
        rows.append({"fi": term.fi, "en": term.en, "meaning": meaning})
    return rows


# --- pages ----------------------------------------------------------------------------------------

@bp.route("/")
def index():
    locales = reviewable_locales()
    chosen = request.args.get("locale")
    locale = chosen if chosen in locales else (locales[0] if locales else None)
    return render_template("review/index.html", locales=locales, review_locale=locale,
                           recordable=recordable_locales(), courses=catalogue().courses)


@bp.route("/<locale>/<course_id>/<lesson_id>/")
def lesson(locale: str, course_id: str, lesson_id: str):
    lesson = _lesson_or_404(course_id, lesson_id)
    texts = _texts_of(lesson)
    wordings = _wordings(locale, texts)
    rows = {c: _row(locale, c, en, note, wordings.get(c), lesson) for c, (en, note) in texts.items()}
    head = [rows[f"{lesson.key}/title"], rows[f"{lesson.key}/summary"]]
    steps = []
    for step in lesson.steps:
        step_rows = [rows[c] for c, _en, _note in step.texts()]
        steps.append({"step": step, "rows": step_rows, "terms": _term_rows(locale, step),
                      "narrated": all(unit.recorded for unit in narration.of_step(locale, lesson, step)),
                      "attention": any(r["status"] in ("changed", "missing") for r in step_rows)})
    history = db.session.scalars(
        db.select(WordingChange)
        .where(WordingChange.locale == locale, WordingChange.context.startswith(lesson.key + "/", autoescape=True))
        .order_by(WordingChange.id.desc()).limit(30)
    ).all()
    course = catalogue().course(course_id)
    return render_template("review/lesson.html", lesson=lesson, course=course, review_locale=locale,
                           head=head, steps=steps, history=history, form=ActionForm())


def _text_or_404(lesson, key: str) -> tuple[str, str, str]:
    context = f"{lesson.key}/{key}"
    texts = _texts_of(lesson)
    if context not in texts:
        abort(404)
    english, note = texts[context]
    return context, english, note


@bp.route("/<locale>/<course_id>/<lesson_id>/edit/<path:key>", methods=["GET", "POST"])
def edit(locale: str, course_id: str, lesson_id: str, key: str):
    """One text, edited in place (htmx swaps the row) or on its own page without JavaScript."""
    lesson = _lesson_or_404(course_id, lesson_id)
    context, english, note = _text_or_404(lesson, key)
    wording = _wordings(locale, [context]).get(context)
    row = _row(locale, context, english, note, wording, lesson)
    form = ActionForm()
    error = None
    value = row["current"]
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        value = (request.form.get("text") or "").replace("\r\n", "\n").strip()
        if not value:
            error = _("Write the text in this language, or press Cancel.")
        elif len(value) > MAX_TEXT:
            error = _("This text is too long. Please make it shorter.")
        else:
            _save_wording(locale, context, english, value, wording)
            if is_htmx():
                row = _row(locale, context, english, note, _wordings(locale, [context]).get(context), lesson)
                response = make_response(render_template(
                    "review/_text_row.html", row=row, lesson=lesson, review_locale=locale, saved=True))
                response.vary.add("HX-Request")
                return response
            flash(_("Saved. Learners see the new text now."), "info")
            return redirect(url_for("review.lesson", locale=locale, course_id=course_id, lesson_id=lesson_id)
                            + "#" + row["anchor"], code=303)
    context_vars = dict(row=row, lesson=lesson, review_locale=locale, value=value, error=error,
                        course=catalogue().course(course_id))
    status = 422 if error else 200
    return page_or_fragment("review/edit.html", "review/_edit_form.html", status=status, **context_vars)


def _who() -> str:
    return current_user.username or current_user.display_name


def _save_wording(locale: str, context: str, english: str, text: str, wording: Wording | None) -> None:
    old = wording.text if wording is not None else None
    digest = state.source_hash(english)
    if wording is None:
        wording = Wording(locale=locale, context=context, text=text, source_hash=digest)
        db.session.add(wording)
    wording.text, wording.source_hash = text, digest
    wording.reviewed_by_id, wording.reviewed_at, wording.reviewer = current_user.id, utcnow(), _who()
    db.session.add(WordingChange(locale=locale, context=context, action="edit", old_text=old, new_text=text,
                                 source_hash=digest, user_id=current_user.id, username=_who()))
    state.bump()
    db.session.commit()


@bp.route("/<locale>/<course_id>/<lesson_id>/revert/<path:key>", methods=["POST"])
def revert(locale: str, course_id: str, lesson_id: str, key: str):
    """Undo the latest edit of a text: back to the text before it (or to the catalog's)."""
    lesson = _lesson_or_404(course_id, lesson_id)
    context, english, note = _text_or_404(lesson, key)
    if not ActionForm().validate_on_submit():
        abort(400)
    wording = _wordings(locale, [context]).get(context)
    if wording is not None:
        last_edit = db.session.scalar(
            db.select(WordingChange)
            .where(WordingChange.locale == locale, WordingChange.context == context,
                   WordingChange.action == "edit", WordingChange.new_text == wording.text)
            .order_by(WordingChange.id.desc()).limit(1)
        )
        previous = last_edit.old_text if last_edit is not None else None
        db.session.add(WordingChange(locale=locale, context=context, action="revert", old_text=wording.text,
                                     new_text=previous, source_hash=state.source_hash(english),
                                     user_id=current_user.id, username=_who()))
        if previous is None:
            db.session.delete(wording)
        else:
            wording.text = previous
            wording.reviewed_by_id, wording.reviewed_at, wording.reviewer = current_user.id, utcnow(), _who()
        state.bump()
        db.session.commit()
    if is_htmx():
        row = _row(locale, context, english, note, _wordings(locale, [context]).get(context), lesson)
        response = make_response(render_template("review/_text_row.html", row=row, lesson=lesson,
                                                 review_locale=locale, saved=True))
        response.vary.add("HX-Request")
        return response
    flash(_("Reverted. Learners see the earlier text now."), "info")
    return redirect(url_for("review.lesson", locale=locale, course_id=course_id, lesson_id=lesson_id)
                    + "#t-" + key.replace("/", "--"), code=303)


# --- narrations -----------------------------------------------------------------------------------

stored_name = narration.stored_name


def _unit_or_404(locale: str, lesson, step) -> narration.Unit:
    """The text of the step this page records: ?text=<field> (e.g. option/a/text), by default the
    text "Listen" reads (the step's main text); ?variant=masculine its wording to a man."""
    field = request.args.get("text")
    context = step.spoken().context if not field else f"{step.context}/{field}"
    unit = narration.find(locale, context, request.args.get("variant", narration.DEFAULT))
    if unit is None:
        abort(404)
    return unit


def _narration_url(unit: narration.Unit, endpoint: str = "review.narration", **args) -> str:
    step = unit.step
    if unit.context != step.spoken().context:
        args["text"] = unit.field
    if unit.variant:
        args["variant"] = unit.variant
    return url_for(endpoint, locale=unit.locale, course_id=unit.course, lesson_id=unit.lesson, step_id=step.id,
                   **args)


@bp.app_template_global()
def narration_page_url(unit: narration.Unit, endpoint: str = "review.narration") -> str:
    return _narration_url(unit, endpoint)


@bp.app_template_global()
def unit_label(unit: narration.Unit) -> str:
    """What a text is within its step, as a narrator reads it in a list: "Question", "Answer 2",
    "Answer 1: why it is wrong", "Spot 3"; its wording to a man says so."""
    label = _field_label(unit)
    if unit.masculine:
        return _("%(text)s, to a man (masculine)", text=label)
    return label


def _field_label(unit: narration.Unit) -> str:
    parts = unit.field.split("/")
    if len(parts) == 3 and parts[0] in ("option", "target"):
        answers = unit.step.answers()
        number = next(n for n, answer in enumerate(answers, 1) if answer.id == parts[1])
        if parts[2] == "feedback":
            if parts[0] == "option":
                return _("Answer %(number)s: why it is wrong", number=number)
            return _("Spot %(number)s: why it is wrong", number=number)
        if parts[0] == "target":
            return _("Spot %(number)s", number=number)
        return _("Answer %(number)s", number=number)
    return {"question": _("Question"), "goal": _("Task")}.get(unit.field) or _("Text")


HASH_RE = re.compile(r"^[0-9a-f]{64}$")


@bp.route("/<locale>/<course_id>/<lesson_id>/<step_id>/narration", methods=["GET", "POST"], endpoint="narration")
def narration_page(locale: str, course_id: str, lesson_id: str, step_id: str):
    """One text's narration in one language (?text=<field>; the step's main text by default):
    listen, record in the browser or upload, replace, delete."""
    lesson = _lesson_or_404(course_id, lesson_id)
    unit = _unit_or_404(locale, lesson, _step_or_404(lesson, step_id))
    error, status = None, 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        upload = request.files.get("audio")
        data = upload.read(audio.MAX_BYTES + 1) if upload else b""
        if not data:
            error, status = REFUSALS["missing"], 422
        elif not _may_send():
            error, status = REFUSALS["often"], 429
        else:
            try:
                sound = audio.prepare(data)  # the one small format phones play, trimmed and evened out
            except audio.AudioError as refusal:
                error = REFUSALS[refusal.reason]
                status = 413 if refusal.reason == "size" else 422
            else:
                read = request.form.get("wording", "")
                narration.keep(unit, sound.data, sound.audio, current_user.id, read if HASH_RE.match(read) else None)
                flash(_("The recording is saved. Learners hear it now."), "info")
                return redirect(_narration_url(unit), code=303)
    return _narration_page(lesson, unit, error), status


def _narration_page(lesson, unit: narration.Unit, error: str | None) -> str:
    following = narration.following(unit)
    return render_template("review/narration.html", lesson=lesson, step=unit.step, unit=unit,
                           review_locale=unit.locale, existing=narration.recording(unit.locale, unit.context, unit.variant),
                           error=error, following=following, read_hash=narration.text_hash(unit.text),
                           step_units=narration.of_step(unit.locale, lesson, unit.step),
                           course=catalogue().course(lesson.course), max_seconds=audio.MAX_SECONDS)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(e):
    """A body over the site's limit is refused before any view runs; on the recording page she
    gets that page again with its own message, once the usual checks say it is her page."""
    args = request.view_args or {}
    locale = args.get("locale")
    mine = (current_user.is_authenticated and current_user.is_staff and locale in i18n.LOCALES
            and can_edit(locale, "narration"))
    if request.endpoint == "review.session_take" and mine:  # the session's script reads JSON
        return jsonify(saved=False, message=str(REFUSALS["size"])), 413
    if (request.endpoint == "review.narration" and current_user.is_authenticated and current_user.is_staff
            and locale in i18n.LOCALES and can_edit(locale, "narration")):
        lesson = catalogue().lesson(args["course_id"], args["lesson_id"])
        step = lesson.step(args["step_id"]) if lesson else None
        field = request.args.get("text")
        unit = None
        if step is not None:
            unit = narration.find(locale, step.spoken().context if not field else f"{step.context}/{field}",
                                  request.args.get("variant", narration.DEFAULT))
        if unit is not None:
            return _narration_page(lesson, unit, REFUSALS["size"]), 413
    return render_template("errors/error.html", status=413, title=_("That was too much at once"),
                           message=_("The text or file is too large. Please make it shorter.")), 413


@bp.route("/<locale>/<course_id>/<lesson_id>/<step_id>/narration/delete", methods=["POST"])
def narration_delete(locale: str, course_id: str, lesson_id: str, step_id: str):
    lesson = _lesson_or_404(course_id, lesson_id)
    unit = _unit_or_404(locale, lesson, _step_or_404(lesson, step_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    if narration.forget(locale, unit.context, unit.variant):
        flash(_("The recording is deleted."), "info")
    return redirect(_narration_url(unit), code=303)


@bp.route("/recordings")
def recordings():
    """Coverage: per language she may record (the coordinator: every language) and course, how many
    texts have a recording and how many need recording again."""
    locales = recordable_locales()
    courses = catalogue().courses
    counts = {loc: narration.coverage(loc) for loc in locales}
    return render_template("review/recordings.html", locales=locales, courses=courses, counts=counts)


@bp.route("/courses/<course_id>/recordings")
def missing(course_id: str):
    """Coverage of one course: per lesson and language, how many texts have a recording and how
    many need recording again, and each text's recording in each language (a link to record it)."""
    course = catalogue().course(course_id)
    if course is None:
        abort(404)
    locales = recordable_locales()
    counts = {loc: narration.coverage(loc, course_id) for loc in locales}
    # The same texts in every language, in the same order; a man's wording only where it differs
    # (Arabic): a row of its own, with no cell in the other languages.
    rows: dict[str, list] = {lesson_.id: [] for lesson_ in course.lessons}
    by_key: dict[tuple[str, str], dict] = {}
    for loc in sorted(locales, key=lambda loc: loc not in OVERLAY_LOCALES):  # Arabic first: its rows in order
        for unit in narration.units(loc, course_id):
            row = by_key.get(unit.key)
            if row is None:
                row = by_key[unit.key] = {"unit": unit, "cells": {}}
                rows[unit.lesson].append(row)
            row["cells"][loc] = unit
    lessons = [{"lesson": lesson_, "rows": rows[lesson_.id]} for lesson_ in course.lessons]
    return render_template("review/missing.html", course=course, lessons=lessons, counts=counts, locales=locales)


@bp.route("/narrations/<locale>/<filename>")
@access.allow(access.SIGNED_IN)  # learners press "listen"
def narration_file(locale: str, filename: str):
    """The only way to read a narration: by its random name, known to the database, with caching."""
    if locale not in i18n.LOCALES or not FILENAME_RE.match(filename):
        abort(404)
    row = db.session.scalar(db.select(Narration).where(Narration.locale == locale, Narration.filename == filename))
    if row is None:
        abort(404)
    data = storage.files().get(stored_name(locale, row.filename))
    if data is None:
        abort(404)
    response = make_response(data)
    response.mimetype = row.mimetype
    response.set_etag(row.digest)
    response.cache_control.max_age = 7 * 24 * 3600
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    # A new recording gets a new name, so a week's caching is safe; private: only signed-in people.
    response.cache_control.public = False
    response.cache_control.private = True
    return response



# --- a recording session: a course (or what is still silent) in one sitting ----------------------

@bp.route("/<locale>/session/")
def session(locale: str):
    """Choose what to record in one sitting: a course, or every text still without a current
    recording (never recorded, or its wording changed since)."""
    counts = narration.coverage(locale)
    return render_template("review/session_start.html", review_locale=locale, courses=catalogue().courses,
                           counts=counts)


@bp.route("/<locale>/session/record")
def session_record(locale: str):
    """The teleprompter: the texts one after another, the text large and the step's picture beside
    it; record, stop, listen back, keep (saved at once) or record again, then on to the next
    (static/js/session.js). Without JavaScript it lists each text's own upload page."""
    course_id = request.args.get("course") or None
    silent = request.args.get("only") == "silent"
    course = catalogue().course(course_id) if course_id is not None else None
    if course_id is not None and course is None:
        abort(404)
    if course is None and not silent:
        return redirect(url_for("review.session", locale=locale), code=303)
    units = narration.units(locale, course_id)
    if silent:
        units = [unit for unit in units if unit.status != narration.CURRENT]
    start = next((i for i, unit in enumerate(units) if unit.status != narration.CURRENT), 0)
    lessons = {lesson.key: lesson for c in catalogue().courses for lesson in c.lessons}
    return render_template("review/session.html", review_locale=locale, course=course, silent=silent,
                           units=units, start=start, lessons=lessons, text_hash=narration.text_hash,
                           max_seconds=audio.MAX_SECONDS, form=ActionForm())


@bp.route("/<locale>/session/take", methods=["POST"])
def session_take(locale: str):
    """One kept take, saved at once (so nothing is lost if the page closes): made into the stored
    format (review.audio.prepare) and kept as the text's recording. JSON for the session's script;
    a refusal says why in her language."""
    if not ActionForm().validate_on_submit():
        abort(400)
    unit = narration.find(locale, request.form.get("context", ""), request.form.get("variant", narration.DEFAULT))
    if unit is None:
        abort(404)
    upload = request.files.get("audio")
    data = upload.read(audio.MAX_BYTES + 1) if upload else b""
    if not data:
        return jsonify(saved=False, message=str(REFUSALS["missing"])), 422
    if not _may_send():
        return jsonify(saved=False, message=str(REFUSALS["often"])), 429
    try:
        prepared = audio.prepare(data)
    except audio.AudioError as refusal:
        return jsonify(saved=False, message=str(REFUSALS[refusal.reason])), 413 if refusal.reason == "size" else 422
    read = request.form.get("wording", "")
    row = narration.keep(unit, prepared.data, prepared.audio, current_user.id, read if HASH_RE.match(read) else None)
    return jsonify(saved=True, message=_("Saved. Learners hear it now."), seconds=round(prepared.audio.seconds, 1),
                   url=url_for("review.narration_file", locale=locale, filename=row.filename))
