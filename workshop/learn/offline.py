"""Askel on her own phone without a network (docs/architecture.md, "Offline").

The web app manifest, the service worker's script (static/js/sw.js, with the list of static files
the pages load put before it), the pages the worker shows when a page is not on the phone, what
"Save this course for offline use" downloads, and the `Askel-Offline` header that tells the worker
whose pages it may keep and of which edition.
"""
from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from pathlib import Path

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, i18n
from ..review.state import version as review_version
from ..web import catalogue, media_url, static_url

bp = Blueprint("offline", __name__)
access.guard(bp, access.LEARNER)

HEADER = "Askel-Offline"
QUEUED = "Askel-Queued"  # on an answer the worker kept offline and sends now: the answer is 204 No Content
CLEAR = "clear"    # she signed out: the worker removes her pages and her waiting answers
LOCKED = "locked"  # the sign-in page: the worker shows no kept page until she (or another) signs in
# What a learner's page loads, so the worker has it offline (icons for the home screen are not needed there).
STATIC_FILES = ("css/askel.css", "js/vendor/htmx-2.0.11.min.js", "js/askel.js", "js/listen.js", "js/offline.js",
                "img/logo.svg", "img/icons.svg", "img/favicon.svg")
THEME = "#0b6e69"
BACKGROUND = "#f4efe6"


def enabled() -> bool:
    """The offline features are for a learner on her own device; a shared workshop tablet keeps nothing."""
    return bool(getattr(current_user, "is_authenticated", False) and current_user.is_learner
                and not current_user.on_tablet)


def _files_version() -> str:
    """What this deployment serves: lesson files, templates, catalogs and static files. Read once per process."""
    cached = current_app.extensions.get("askel_offline_files")
    if cached is None:
        digest = hashlib.sha256()
        root = Path(current_app.static_folder).parent
        folders = (Path(current_app.config["LESSONS_DIR"]), root / "templates", root / "translations", root / "static",
                   Path(__file__).parent.parent)
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix not in (".pyc", ".po", ".pot") and "__pycache__" not in path.parts:
                    digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
        cached = current_app.extensions["askel_offline_files"] = digest.hexdigest()[:16]
    return cached


def learner_tag() -> str:
    """Names her kept pages without naming her: a keyed digest of her id (the worker sees only this)."""
    key = hashlib.sha256(b"askel-offline:" + str(current_app.secret_key).encode()).digest()
    return hmac.new(key, str(current_user.id).encode(), hashlib.sha256).hexdigest()[:16]


def edition() -> str:
    """One edition of what her pages say: the files, the reviewed wording and narrations, her language
    and how the texts address her. A change of any makes a new cache on the phone (never two mixed)."""
    text = f"{_files_version()}:{review_version()}:{i18n.catalog_key()}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# Pages the worker never keeps: her follow-up plan is counselling data, deleted when she withdraws her
# consent and at the end of the retention period; a copy on the phone would outlive both.
NEVER_KEPT = frozenset({"learn.my_plan"})


def mark(response):
    """After a learner page: the header that lets the worker keep it (a successful GET of a page, or of
    what saving a course fetches; never the manifest or the worker's own script, nor NEVER_KEPT)."""
    if (request.method == "GET" and response.status_code == 200 and response.mimetype in ("text/html", "application/json")
            and request.endpoint not in NEVER_KEPT and enabled()):
        response.headers[HEADER] = f"{learner_tag()}.{edition()}"
    return response


@bp.route("/sw.js")
@access.public
def service_worker():
    """The worker's script, at the root so its scope covers every page. Its first line lists the
    static files (their versioned URLs), so a changed file makes a changed script and a new cache."""
    files = [static_url(name) for name in STATIC_FILES]
    head = "self.ASKEL_STATIC = " + json.dumps({"files": files}) + ";\n"
    body = head + (Path(current_app.static_folder) / "js" / "sw.js").read_text(encoding="utf-8")
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/app/<locale>.webmanifest")
@access.public
def manifest(locale: str):
    """The web app manifest in one language: "Add to home screen" gives an Askel icon that opens her home."""
    if locale not in i18n.LOCALES:
        abort(404)
    with force_locale(locale):
        data = {
            "id": "/home",
            "name": _("Askel: digital services step by step"),
            "short_name": _("Askel"),
            "description": _("Learn to use Finnish digital services, one step at a time."),
            "lang": locale,
            "dir": i18n.direction(locale),
            "start_url": url_for("learn.home"),
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME,
            "background_color": BACKGROUND,
            "icons": [
                {"src": static_url("img/app/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
                {"src": static_url("img/app/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
                {"src": static_url("img/app/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
                 "purpose": "maskable"},
            ],
        }
    response = make_response(json.dumps(data, ensure_ascii=False))
    response.headers["Content-Type"] = "application/manifest+json; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/offline")
def page():
    """What the worker shows for a page that is not on the phone. It holds both messages (a page not
    saved, a practice service): the worker keeps the one that fits (one request keeps both)."""
    return render_template("learn/offline.html")


def course_plan(course, step_fragment) -> dict:
    """What saving a course downloads: each lesson's steps in one response (the player's htmx
    fragments: `step_fragment(lesson, step)`), each picture, and about how many bytes that is on the
    wire. Counted once per process, deployment and language, not per edition: reviewed wording or a
    new recording changes no URL in it and the size only a little, while counting means rendering
    every step of the course, and her home shows every course's size (after each review it took
    seconds, and the worker's saving again of her courses in the new edition waited on it)."""
    plans = current_app.extensions.setdefault("askel_offline_plans", {})
    key = (course.id, _files_version(), i18n.catalog_key())
    if key not in plans:
        lessons, pictures, size = [], [], 0
        for lesson in course.lessons:
            lessons.append(url_for("learn.offline_lesson", course_id=lesson.course, lesson_id=lesson.id))
            bundle = json.dumps({url_for("learn.step", course_id=lesson.course, lesson_id=lesson.id, step_id=step.id):
                                 step_fragment(lesson, step) for step in lesson.steps})
            size += len(gzip.compress(bundle.encode(), 6)) + 700  # and its headers
            for step in lesson.steps:
                picture = getattr(step, "picture", None)
                if picture and picture not in pictures:
                    pictures.append(picture)
        picture_urls = []
        for picture in pictures:
            path = catalogue().root / "media" / picture
            if path.is_file():  # a drawn picture (her own sandbox's data) is never kept
                body = path.read_bytes()
                size += (len(gzip.compress(body, 6)) if path.suffix == ".svg" else len(body)) + 700
                picture_urls.append(media_url(picture))
        if len(plans) > 64:
            plans.clear()
        plans[key] = {"course": course.id, "lessons": lessons, "pictures": picture_urls, "bytes": size}
    return plans[key]


def kilobytes(size: int) -> str:
    return _("%(number)s KB", number=max(1, round(size / 1024)))


# Endpoints of auth (which the learner's parts may not be imported by) after which the worker forgets or locks.
SIGNING_OUT = frozenset({"auth.sign_out", "auth.sign_out_everywhere", "auth.signed_out"})
SIGN_IN = "auth.sign_in"


@bp.after_app_request
def forget_or_lock(response):
    """Signing out removes her kept pages and waiting answers from this browser (a shared phone): the
    worker reads the header on the signed-out page, and Clear-Site-Data empties the site's storage too.
    The sign-in page locks what is kept, until she (or, then with nothing kept, another) signs in."""
    if request.endpoint in SIGNING_OUT:
        response.headers[HEADER] = CLEAR
        response.headers["Clear-Site-Data"] = '"storage"'
    elif request.endpoint == SIGN_IN and request.method == "GET":
        response.headers[HEADER] = LOCKED
    return response


@bp.app_context_processor
def offline_context():
    """`offline_app`: the page links the manifest and loads offline.js (a learner on her own device)."""
    return {"offline_app": enabled()}
