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

import hashlib
import re
import secrets

from flask import (
    Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from .. import access, i18n, storage
from ..extensions import db
from ..models import Role, utcnow
from ..web import catalogue, is_htmx, page_or_fragment
from . import audio, cli, state
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
}


class ActionForm(FlaskForm):
    """Only the CSRF token; fields are read from the request and checked in the view."""


# The right each page needs: correcting wording, or recording narrations.
RIGHT_OF = {"review.lesson": "wording", "review.edit": "wording", "review.revert": "wording",
            "review.narration": "narration", "review.narration_delete": "narration"}


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
def narration_url(context: str) -> str | None:
    return state.narration_url(context)


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
    """One text as the review page shows it: English, the catalog's and the reviewed translation."""
    with force_locale(locale):
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
        with force_locale(locale):
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
    narrations = state.current().narrations
    for step in lesson.steps:
        step_rows = [rows[c] for c, _en, _note in step.texts()]
        steps.append({"step": step, "rows": step_rows, "terms": _term_rows(locale, step),
                      "narrated": (locale, step.context) in narrations,
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

def stored_name(locale: str, filename: str) -> str:
    """A narration's name in the site's store of files (workshop.storage)."""
    return f"narrations/{locale}/{filename}"


def _narration(locale: str, context: str) -> Narration | None:
    return db.session.scalar(db.select(Narration).where(Narration.locale == locale, Narration.context == context))


@bp.route("/<locale>/<course_id>/<lesson_id>/<step_id>/narration", methods=["GET", "POST"])
def narration(locale: str, course_id: str, lesson_id: str, step_id: str):
    """A step's narration in one language: listen, record in the browser or upload, replace, delete."""
    lesson = _lesson_or_404(course_id, lesson_id)
    step = _step_or_404(lesson, step_id)
    existing = _narration(locale, step.context)
    error, status = None, 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        upload = request.files.get("audio")
        data = upload.read(audio.MAX_BYTES + 1) if upload else b""
        if not data:
            error, status = REFUSALS["missing"], 422
        else:
            try:
                sound = audio.check(data)
            except audio.AudioError as refusal:
                error = REFUSALS[refusal.reason]
                status = 413 if refusal.reason == "size" else 422
            else:
                _store(locale, step.context, data, sound, existing)
                flash(_("The recording is saved. Learners hear it now."), "info")
                return redirect(url_for("review.narration", locale=locale, course_id=course_id,
                                        lesson_id=lesson_id, step_id=step_id), code=303)
    return _narration_page(lesson, step, locale, existing, error), status


def _narration_page(lesson, step, locale: str, existing: Narration | None, error: str | None) -> str:
    index = lesson.index(step.id)
    following = lesson.steps[index + 1] if index + 1 < len(lesson.steps) else None
    with force_locale(locale):
        spoken = step.spoken()  # the text "Listen" reads, which the narrator records
        script = i18n.lesson_text(spoken.context, spoken.english)
    return render_template("review/narration.html", lesson=lesson, step=step, review_locale=locale,
                           existing=existing, error=error, following=following, script=script,
                           course=catalogue().course(lesson.course), max_seconds=audio.MAX_SECONDS)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(e):
    """A body over the site's limit is refused before any view runs; on the recording page she
    gets that page again with its own message, once the usual checks say it is her page."""
    args = request.view_args or {}
    locale = args.get("locale")
    if (request.endpoint == "review.narration" and current_user.is_authenticated and current_user.is_staff
            and locale in i18n.LOCALES and can_edit(locale, "narration")):
        lesson = catalogue().lesson(args["course_id"], args["lesson_id"])
        step = lesson.step(args["step_id"]) if lesson else None
        if step is not None:
            return _narration_page(lesson, step, locale, _narration(locale, step.context), REFUSALS["size"]), 413
    return render_template("errors/error.html", status=413, title=_("That was too much at once"),
                           message=_("The text or file is too large. Please make it shorter.")), 413


def _store(locale: str, context: str, data: bytes, sound: audio.Audio, existing: Narration | None) -> None:
    """The sound, its row and the old sound's removal in one transaction: all of it, or none."""
    filename = f"{secrets.token_urlsafe(12)}.{sound.extension}"
    if existing is not None:
        storage.files().delete(stored_name(locale, existing.filename))
    storage.files().put(stored_name(locale, filename), data)
    row = existing or Narration(locale=locale, context=context)
    row.filename, row.mimetype, row.size = filename, sound.mimetype, len(data)
    row.duration_ms = int(sound.seconds * 1000)
    row.digest = hashlib.sha256(data).hexdigest()
    row.recorded_by_id, row.created_at = current_user.id, utcnow()
    db.session.add(row)
    state.bump()
    db.session.commit()


@bp.route("/<locale>/<course_id>/<lesson_id>/<step_id>/narration/delete", methods=["POST"])
def narration_delete(locale: str, course_id: str, lesson_id: str, step_id: str):
    lesson = _lesson_or_404(course_id, lesson_id)
    step = _step_or_404(lesson, step_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    existing = _narration(locale, step.context)
    if existing is not None:
        storage.files().delete(stored_name(locale, existing.filename))
        db.session.delete(existing)
        state.bump()
        db.session.commit()
        flash(_("The recording is deleted."), "info")
    return redirect(url_for("review.narration", locale=locale, course_id=course_id, lesson_id=lesson_id,
                            step_id=step_id), code=303)


@bp.route("/courses/<course_id>/recordings")
def missing(course_id: str):
    """Which steps of a course still lack a recording, in each language."""
    course = catalogue().course(course_id)
    if course is None:
        abort(404)
    narrations = state.current().narrations
    lessons = []
    counts = {loc: 0 for loc in i18n.LOCALES}
    for lesson_ in course.lessons:
        rows = []
        for step in lesson_.steps:
            have = {loc: (loc, step.context) in narrations for loc in i18n.LOCALES}
            for loc, present in have.items():
                counts[loc] += not present
            rows.append({"step": step, "have": have})
        lessons.append({"lesson": lesson_, "rows": rows})
    return render_template("review/missing.html", course=course, lessons=lessons, counts=counts,
                           recordable=recordable_locales())


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

