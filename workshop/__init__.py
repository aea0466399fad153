"""Askel: step-by-step digital-skills workshops. create_app() builds the Flask application."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, current_app, request
from flask_compress import Compress
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from . import access, admin, auth, cli, i18n, learn, privacy, review, sims, teach, web
from .auth import identity
from .config import ROOT, Config
from .curriculum import load_catalogue
from .extensions import babel, csrf, db, limiter, login_manager, migrate

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def create_app(config: dict | None = None) -> Flask:
    settings = Config(config).as_dict()
    settings.update(config or {})
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)
    _private_folder(Path(app.instance_path))
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    privacy.init_app(app)
    _trust_proxies(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    babel.domain_instance = i18n.messages_domain  # with the masculine overlay (i18n.AddressedDomain)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    Compress(app)

    identity.init_app(app)
    i18n.init_app(app, reviewed_wording=review.state.reviewed_text)  # reviewed wording before the catalog
    web.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(teach.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(review.bp)
    sims.init_app(app)
    access.init_app(app)  # after every route exists: each has its rule, or the app does not start
    _check_only_rate_limited_routes(app)
    auth.throttle.init_app(app, limiter.storage)

    # Lessons are validated once, at start-up, after the sims have registered their task checks:
    # a broken file, or a practice step naming a check nobody provides, stops the app with its name.
    app.extensions["askel_catalogue"] = load_catalogue(app.config["LESSONS_DIR"])
    cli.init_app(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), geolocation=()")
        static = request.endpoint == "static" or (request.endpoint or "").endswith(".static")  # a sim's too
        if not static and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store" if _signed_in() else "no-cache"
        return response

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return app


def _trust_proxies(app: Flask) -> None:
    """X-Forwarded-For (and -Proto) are read only from as many proxies as TRUSTED_PROXIES says, from
    the right; with 0 they are ignored and the connection's address is the client's. Sign-in limits
    count per client address, so a client must never choose its own."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _private_folder(path: Path) -> None:
    """instance/ holds the database, the secret key and the narrations: the owner's only (0700),
    made so, or tightened if an older one was open to others."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
    elif path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o700)


def _private_sqlite_file(uri: str) -> None:
    """A SQLite database file is the owner's only (0600): made so before SQLite first opens it (its
    -wal and -shm files take the same mode), and tightened if an older one was readable by others."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)


def _check_only_rate_limited_routes(app: Flask) -> None:
    """The only rate limits are on sign-in views (no default or application limits), so a request
    to any other view skips the limiter's per-request bookkeeping."""
    limited = {
        endpoint for endpoint, view in app.view_functions.items()
        if getattr(view, "__wrapper-limiter-instance", None) is not None  # set by @limiter.limit
    }
    app.extensions["askel_rate_limited"] = frozenset(limited)


@limiter.request_filter
def _not_rate_limited() -> bool:
    limited = current_app.extensions.get("askel_rate_limited")
    return limited is not None and request.endpoint not in limited


def _signed_in() -> bool:
    return bool(getattr(current_user, "is_authenticated", False))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL so readers never wait for the writer, a busy timeout, foreign keys on."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # A writer waits for the write lock up to 30 s rather than answering 500: 30 tablets answering
        # at once on a busy 2-core machine held it past 5 s (tests/reliability/test_concurrency.py).
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted personal data is overwritten (workshop.privacy)
        cursor.close()

