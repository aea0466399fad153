"""What every blueprint shares: the signed-in user, template helpers, htmx, errors."""
from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

from flask import Flask, abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from limits import RateLimitItem
from limits.strategies import FixedWindowRateLimiter
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.routing import IntegerConverter

from . import access, address, formats, i18n
from .auth.throttle import counters
from .extensions import db, limiter, login_manager
from .models import FormSubmission
from .privacy import redacted_traceback


def catalogue():
    return current_app.extensions["askel_catalogue"]


def is_htmx() -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def page_or_fragment(template: str, fragment: str, push_url: str | None = None, status: int = 200, **context):
    """A URL that serves both the whole page and its htmx fragment; it says so with Vary."""
    if is_htmx():
        return fragment_response(render_template(fragment, **context), push_url, status)
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def fragment_response(html: str, push_url: str | None = None, status: int = 200):
    """The htmx fragment of a page_or_fragment URL, however its HTML was made."""
    response = make_response(html, status)
    if push_url:
        response.headers["HX-Push-Url"] = push_url
    response.vary.add("HX-Request")
    return response


def current_enrollment():
    """The learner's enrolment that is running now, else her latest one (a `Membership`)."""
    if not getattr(current_user, "is_authenticated", False) or not current_user.is_learner:
        return None
    return current_user.membership_now()


class Pager:
    """One page of a long list, so a page loads the same number of rows for 3 groups or 300.
    `query` selects the rows (ordered); the count is one SQL COUNT, never rows in Python."""

    SIZE = 25

    def __init__(self, query, size: int | None = None):
        self.size = size or self.SIZE
        self.total = db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery())) or 0
        self.pages = max(1, -(-self.total // self.size))
        raw = request.args.get("page", "1")
        # ASCII digits only: "²".isdigit() is true and int() refuses it; past the last page is the last
        # (a number of thousands of digits is one int() refuses too)
        if raw.isascii() and raw.isdigit():
            self.page = min(max(int(raw) if len(raw) <= 12 else self.pages, 1), self.pages)
        else:
            self.page = 1
        self.query = query.limit(self.size).offset((self.page - 1) * self.size)

    def url(self, page: int) -> str:
        return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "page": page})


def static_url(filename: str, endpoint: str = "static") -> str:
    """A versioned static URL, so files can be cached for a year and still change. Built once.
    `endpoint` names a blueprint's own static files (a sim's: "mail.static")."""
    urls = current_app.extensions.setdefault("askel_static_urls", {})
    key = (endpoint, filename)
    if key not in urls:
        owner = current_app if endpoint == "static" else current_app.blueprints[endpoint.rpartition(".")[0]]
        path = Path(owner.static_folder) / filename
        version = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "0"
        urls[key] = url_for(endpoint, filename=filename, v=version)
    return urls[key]


def media_url(filename: str) -> str:
    """A lesson picture's URL with its content's version, so it is cached for a year and a changed
    picture still shows at once (learn.media gives a versioned URL a year's cache). Built once."""
    urls = current_app.extensions.setdefault("askel_media_urls", {})
    if filename not in urls:
        path = catalogue().root / "media" / filename
        version = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else "0"
        urls[filename] = url_for("learn.media", filename=filename, v=version)
    return urls[filename]


def fi_label(finnish: str, key: str | None = None):
    """A Finnish label as the real service shows it, with its meaning in her language beside it.

    The meaning comes from the project glossary (by key, or by the Finnish text itself), so a term
    is translated the same way in every lesson and every sim.
    """
    glossary = catalogue().glossary
    term = glossary.terms.get(key) if key else glossary.by_finnish.get(finnish)
    if term is None:  # every label a learner meets needs its glossary entry
        raise KeyError(f"'{key or finnish}' is not in the glossary")
    # Isolated and left to right: inside Arabic, a count after the label stays beside its own noun.
    label = Markup('<span class="fi" dir="ltr" lang="fi">{}</span>').format(finnish)
    if i18n.current_locale() == "fi":
        return label
    meaning = i18n.lesson_text(term.context, term.en)
    return label + Markup(' <span class="gloss" lang="{}">{}</span>').format(i18n.current_locale(), escape(_unbracketed(meaning)))


def _unbracketed(meaning: str) -> str:
    """The gloss is shown in brackets (CSS): a meaning with a bracketed part of its own, "Mail
    (letters on paper)", reads "Mail: letters on paper" there, never "Posti (Mail (letters on paper))"."""
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", meaning.strip(), re.S)
    return f"{match[1]}: {match[2]}" if match else meaning


# What a database that cannot be reached raises (refused, restarting, the pool exhausted).
DATABASE_AWAY = (OperationalError, InterfaceError, PoolTimeout)

# The largest id either database stores in an INTEGER column (PostgreSQL's is 32 bits).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number beyond the database's integer range matches no route
    (404) instead of reaching a query that the database driver refuses (a 500)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


ONCE_FIELD = "once"
ONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def once_field() -> Markup:
    """The hidden field of a form that creates something: a key made as the form is drawn."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(ONCE_FIELD, uuid.uuid4().hex)


class Once:
    """One submit of a form that creates something, by the key its form carried (`once_field`).

    A view asks `replay()` first: the same key seen before answers where the first submit went.
    Before the commit that stores what the form made, `record(location)` adds the key to the same
    transaction; when a parallel submit with the same key committed first, that commit fails on
    the key and `lost_race()` answers as the winner did. A form without the key works as before.
    `commit(location, message)` does the three for a view that then says what it made and goes there.
    """

    def __init__(self) -> None:
        value = request.form.get(ONCE_FIELD, "")
        self.key = value if ONCE_RE.fullmatch(value) else None

    def _seen(self):
        return db.session.get(FormSubmission, (current_user.id, self.key)) if self.key else None

    def replay(self):
        seen = self._seen()
        return redirect(seen.location, code=303) if seen is not None else None

    def record(self, location: str) -> None:
        if self.key:
            db.session.add(FormSubmission(user_id=current_user.id, key=self.key, location=location[:500]))

    def lost_race(self, error: Exception):
        db.session.rollback()
        seen = self._seen()
        if seen is None:
            raise error
        return redirect(seen.location, code=303)

    def commit(self, location: str, message: str, category: str = "ok"):
        """Commit what the form made with its key, say `message` and go to `location`; a parallel submit
        that committed first is answered as the winner was."""
        self.record(location)
        try:
            db.session.commit()
        except IntegrityError as error:
            return self.lost_race(error)
        flash(message, category)
        return redirect(location, code=303)


def locale_without_database() -> str:
    """Her language as far as this request alone tells: the session, the language cookie, the browser."""
    for value in (session.get("locale"), request.cookies.get(i18n.LANG_COOKIE)):
        if value in i18n.LOCALES:
            return value
    return request.accept_languages.best_match(i18n.LOCALES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def plain_error_page(status: int, texts):
    """An error page that needs no database, no signed-in user and no context processor: the page
    of last resort, in her language as far as it can be known. `texts()` gives (title, message)."""
    locale = locale_without_database()
    # the default address too: asking how she likes to be addressed would read her account
    with force_locale(locale), i18n.force_address(None):
        title, message = texts()
        html = current_app.jinja_env.get_template("errors/plain.html").render(
            title=title, message=message, again=_("Try again"), locale=locale, text_dir=i18n.direction(locale),
            static_url=static_url, url_for=url_for, request=request,
        )
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _has_nul() -> bool:
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.is_json:
        body = request.get_data(cache=True)
        return b"\x00" in body or b"\\u0000" in body
    return any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True)) or any(
        "\x00" in k or "\x00" in (f.filename or "") for k, f in request.files.items(multi=True))


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its routes
    login_manager.login_view = "auth.sign_in"
    # No IP/browser binding: a phone moves between Wi-Fi and mobile data all day, and nothing here
    # asks for a "fresh" sign-in. Sessions end by session_version (sign-out, a renewed card).
    login_manager.session_protection = None
    login_manager.login_message = None

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.method == "GET":
            session["next"] = request.full_path if request.query_string else request.path
        if is_htmx():
            response = make_response("", 401)
            response.headers["HX-Redirect"] = url_for("auth.sign_in")
            return response
        return redirect(url_for("auth.sign_in"))

    app.jinja_env.globals.update(static_url=static_url, media_url=media_url, lt=i18n.lesson_text, fi_label=fi_label,
                                 once_field=once_field)
    formats.init_app(app)

    @app.before_request
    def refuse_nul_characters():
        """A NUL character has no place in any text a person types or any URL, and PostgreSQL cannot
        store or compare it: refused in one place, before any view, with a page in her language."""
        if _has_nul():
            abort(400)

    @app.route("/healthz")
    @access.public
    def healthz():
        """For load balancers and the benchmark's ceiling: the cheapest Flask route there is. Also says
        how sign-in limits are counted: shared (Redis), in-process (memory://), or degraded (Redis does
        not answer: counted in this process meanwhile). It stays 200 when degraded, since sign-in
        still works; monitoring alerts on the first line."""
        state = counters().state()
        body = f"{'degraded' if state['degraded'] else 'ok'}\nlimiter: {state['limiter']}\n"
        return body, 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
                           "X-Askel-Limiter": state["limiter"]}

    @app.template_filter("paragraphs")
    def paragraphs(text: str) -> list[str]:
        """Plain lesson text: a blank line separates paragraphs; never HTML."""
        return [p.strip() for p in (text or "").split("\n\n") if p.strip()]

    @app.context_processor
    def template_helpers():
        locale = i18n.current_locale()
        return {
            "locale": locale,
            "reader_address": i18n.address_of_reader(),  # how the texts address her (workshop.address)
            "address_matters": locale in address.OVERLAY_LOCALES,
            "text_dir": i18n.direction(locale),
            "language_names": i18n.NAMES,  # in themselves, where she chooses
            "language_labels": i18n.LABELS,  # in the reader's language, on staff pages
            "locales": i18n.LOCALES,
            "catalogue": catalogue(),
        }

    def error_page(status: int, title: str, message: str):
        """An error page needs only what every page has: the application's context processors, never
        those of the blueprint that failed (a sim's would open her sandbox, perhaps the cause)."""
        context = {"status": status, "title": title, "message": message}
        for processor in app.template_context_processors[None]:
            context.update(processor())
        html = app.jinja_env.get_template("errors/error.html").render(context)
        return make_response(html, status)

    @app.errorhandler(400)
    def bad_request(e):
        return error_page(400, _("Something was wrong with that request"), _("Please go back and try again."))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return error_page(
            400,
            _("This page was open for too long"),
            _("Please go back, reload the page and try again. Nothing you saved is lost."),
        )

    @app.errorhandler(403)
    def forbidden(e):
        return error_page(403, _("This page is not for you"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def not_found(e):
        return error_page(404, _("Page not found"), _("This page does not exist. Go back to the start page."))

    @app.errorhandler(405)
    def not_allowed(e):
        return error_page(405, _("Something was wrong with that request"), _("Please go back and try again."))

    @app.errorhandler(413)
    def too_large(e):
        return error_page(413, _("That was too much at once"), _("The text or file is too large. Please make it shorter."))

    @app.errorhandler(429)
    def too_many(e):
        return error_page(
            429,
            _("Too many tries"),
            _("Please wait a few minutes and try again, or ask your instructor for help."),
        )

    @app.errorhandler(500)
    def server_error(e):
        def texts():
            return _("Something went wrong on our side"), _("Please try again. If it happens again, tell your instructor.")

        try:
            db.session.rollback()
            return error_page(500, *texts())
        except Exception as failure:  # noqa: BLE001  (the page itself failed, most likely for want of the database)
            # never an exception's message: it may quote what she typed
            current_app.logger.error("the error page failed; answering with the plain one\n%s", redacted_traceback(failure))
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001  (a dead connection may refuse even the rollback)
            pass
        if isinstance(getattr(e, "original_exception", None), DATABASE_AWAY):
            # The database cannot be reached (restarting, overloaded, a network fault): say so,
            # and invite her to try again in a moment.
            response = plain_error_page(503, lambda: (
                _("Askel is resting for a moment"),
                _("Nothing you did is lost. Please wait a minute and try again."),
            ))
            response.headers["Retry-After"] = "30"
            return response
        return plain_error_page(500, texts)


def counted(limit: RateLimitItem, namespace: str, key: int | str, what: str) -> bool:
    """Counts one more `what` for `key` (a person's id, never an address: a room of tablets shares one) in
    the limiter's storage, shared by every process; False when `limit` was already reached. If the storage
    cannot be reached it is not counted (True, and a warning): a photo or a recording is not worth an
    error page."""
    try:
        return FixedWindowRateLimiter(limiter.storage).hit(limit, namespace, str(key))
    except Exception:  # noqa: BLE001  (any storage failure)
        current_app.logger.warning("%s: the limiter storage cannot be reached; not counted.", what)
        return True
