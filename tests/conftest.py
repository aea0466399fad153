"""Shared fixtures: one app per test session on a migrated database, emptied after every test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set (CI runs
the suite both ways). The schema is made by the Alembic migrations, as in production.
"""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
import threading
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import text
from werkzeug.serving import make_server

from workshop import clock, create_app
from workshop.extensions import db as _db
from workshop.extensions import limiter
from workshop.models import Enrollment, Role, User, Workshop

@contextmanager
def recorded_queries(app):
    """The SQL statements run inside the block (connection housekeeping aside), for query budgets."""
    with app.app_context():
        engine = _db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)


class _CountingCursor:
    """A DB-API cursor that counts the rows its fetch methods hand back (the rest is delegated)."""

    def __init__(self, cursor, counter: list[int]):
        self._cursor, self._counter = cursor, counter

    def fetchone(self):
        row = self._cursor.fetchone()
        if row is not None:
            self._counter[0] += 1
        return row

    def fetchmany(self, *args):
        rows = self._cursor.fetchmany(*args)
        self._counter[0] += len(rows)
        return rows

    def fetchall(self):
        rows = self._cursor.fetchall()
        self._counter[0] += len(rows)
        return rows

    def __iter__(self):
        for row in self._cursor:
            self._counter[0] += 1
            yield row

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@contextmanager
def rows_fetched(app):
    """How many rows the database handed back inside the block, whoever asked (ORM or Core): a
    budget on rows loaded, next to recorded_queries' budget on statements. Yields a one-item list."""
    with app.app_context():
        engine = _db.engine
    counter = [0]

    def after(conn, cursor, statement, parameters, context, executemany):
        if context is not None and cursor.description is not None:
            context.cursor = _CountingCursor(cursor, counter)

    sa_event.listen(engine, "after_cursor_execute", after)
    try:
        yield counter
    finally:
        sa_event.remove(engine, "after_cursor_execute", after)


# Redis database for the tests that share sign-in counts through Redis: one per xdist worker (5, 6,
# …), since they flush it and count one address's attempts.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
REDIS_TEST_URL = f"redis://127.0.0.1:6379/{5 + int(_WORKER.removeprefix('gw') or 0) % 11}"


def _shift_the_clock() -> None:
    """ASKEL_TEST_DAYS_AHEAD=N runs the suite as if today were N days later (the real hour, another
    weekday): `for n in 1 2 3 4 5 6; do ASKEL_TEST_DAYS_AHEAD=$n make test; done` finds a test that
    holds only on the weekday it was written on (main once failed on every day but Tuesday). Tests
    that freeze the clock still do; when they let it go it runs shifted again."""
    days = int(os.environ.get("ASKEL_TEST_DAYS_AHEAD") or 0)
    if days:
        from datetime import datetime, timedelta, timezone

        clock._system_now = lambda: datetime.now(timezone.utc) + timedelta(days=days)
        clock.set_source(None)


def pytest_configure(config):
    """Under pytest-xdist every worker is a process of its own with its own app, server and browser;
    on PostgreSQL each also gets a database of its own (<name>_gw0, …), made here if missing, so
    the workers never empty each other's tables. Names derived from TEST_DATABASE_URL (the migration
    and restore drills) follow, since they read the variable after this."""
    _shift_the_clock()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = os.environ.get("TEST_DATABASE_URL")
    if not worker or not base:
        return
    import sqlalchemy as sa

    url = sa.engine.make_url(base)
    name = f"{url.database}_{worker}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database_url(tmp: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app():
    tmp = Path(tempfile.mkdtemp(prefix="askel-test-"))
    os.environ["ASKEL_INSTANCE"] = str(tmp / "instance")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp),
        "INSTANCE_PATH": str(tmp / "instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        # every request checks the reviewed-wording version, so query counts are deterministic
        "REVIEW_REFRESH_SECONDS": 0,
        # and reads who is signed in afresh (tests/web/test_identity.py covers keeping it)
        "IDENTITY_SECONDS": 0,
    })
    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade(revision="heads")  # every sim has its own migration branch
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(autouse=True)
def _clean(request):
    """Empty every table and the rate-limit counters after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
        limiter.reset()
        # the sign-in limits of *this* app: another create_app() in the run (migration and backup
        # tests) re-initialises the shared limiter object with a storage of its own
        counters = app.extensions.get("askel_sign_in_limits")
        if counters is not None:
            counters.storage.reset()
            counters.fallback.storage.reset()
            counters.down_since, counters.retry_at = None, 0.0
        # per-process caches of what the emptied database held (reviewed wording, rendered steps,
        # who is signed in)
        for cache in ("askel_review", "askel_players", "askel_identities"):
            app.extensions.pop(cache, None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def frozen_clock():
    """`frozen_clock(moment)` stands the application's one clock (workshop.clock) at `moment`
    (aware, or naive UTC) for the rest of the test; it runs again afterwards."""
    yield lambda moment: clock.set_source(lambda: moment)
    clock.set_source(None)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


PASSWORD = "correct horse battery"  # every staff member the factory makes


def csrf_token(client, path: str = "/language") -> str:
    """The CSRF token of this client's session: every page with a form carries it (the language
    chooser is open to everyone, signed in or not)."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def staff_client(app, username: str, password: str = PASSWORD):
    """A new client (a device of her own) with a member of staff signed in."""
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


class Factory:
    """Makes groups, learners and staff; returns learners' codes in clear text."""

    def __init__(self, app):
        self.app = app

    def workshop(self, language="so", name="Test group", instructor=None) -> int:
        from datetime import time, timedelta

        with self.app.app_context():
            today = clock.today()
            w = Workshop(name=name, language=language, location="Itäkeskus", weekday=1, start_time=time(10),
                         starts_on=today - timedelta(days=7), ends_on=today + timedelta(days=100))
            if instructor:
                w.instructors.append(_db.session.get(User, instructor))
            _db.session.add(w)
            _db.session.commit()
            return w.id

    def learner(self, workshop_id: int, name="Amina", locale=None) -> tuple[int, str, str]:
        with self.app.app_context():
            user = User(role=Role.LEARNER, display_name=name, locale=locale)
            code, token = user.issue_code()
            _db.session.add(user)
            _db.session.add(Enrollment(workshop_id=workshop_id, learner=user))
            _db.session.commit()
            return user.id, code, token

    def staff(self, username="deeqa", role=Role.INSTRUCTOR, password=PASSWORD) -> int:
        with self.app.app_context():
            user = User(role=role, display_name=username.title(), username=username)
            user.set_password(password)
            _db.session.add(user)
            _db.session.commit()
            return user.id


@pytest.fixture
def factory(app):
    return Factory(app)


def sign_in(client, code: str, **extra):
    """A learner types her code on the sign-in page (her client keeps the session)."""
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"code": code, "csrf_token": token, **extra})


@pytest.fixture
def learner_client(auth):
    """A signed-in learner in a Somali group, reading English: (client, user id, code)."""
    return auth.learner(locale="en")  # English, so tests can read the words


class Auth:
    """Signing in as each role, as the Flask tutorial's `auth` fixture does: every call is a new
    device (client) of its own, signed in through the real sign-in forms."""

    def __init__(self, app, factory):
        self.app, self.factory = app, factory

    def learner(self, workshop_id: int | None = None, name="Amina", locale="en", language="so"):
        """(client, user id, code) of a learner signed in on her own phone; a new group if none given."""
        workshop_id = workshop_id or self.factory.workshop(language)
        uid, code, _token = self.factory.learner(workshop_id, name=name, locale=locale)
        client = self.app.test_client()
        assert sign_in(client, code).status_code == 303
        return client, uid, code

    def staff(self, username="deeqa", role=Role.INSTRUCTOR, locale: str | None = None):
        """(client, user id) of a member of staff made now and signed in."""
        uid = self.factory.staff(username, role=role)
        if locale:
            with self.app.app_context():
                _db.session.get(User, uid).locale = locale
                _db.session.commit()
        return staff_client(self.app, username), uid


@pytest.fixture
def auth(app, factory):
    return Auth(app, factory)


@pytest.fixture
def teacher(auth, factory):
    """An instructor (English) with one Somali group: (client, instructor id, workshop id)."""
    client, uid = auth.staff("deeqa", locale="en")
    return client, uid, factory.workshop("so", name="Tuesday group", instructor=uid)


@pytest.fixture
def other_teacher(auth):
    return auth.staff("liisa")


@pytest.fixture
def coordinator(auth):
    return auth.staff("mirja", role=Role.COORDINATOR)
