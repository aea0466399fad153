"""The sign-in limits as production runs them: gunicorn with three workers on 127.0.0.1.

With Redis the three workers share one count (the limit meant is the limit given: the report was 30
tries where 10 were meant); with Redis unreachable no sign-in answers 5xx and /healthz says so.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REDIS_TEST_URL
from workshop.auth.throttle import ITEMS

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _attempt(port: int, code: str) -> int:
    """One sign-in from a brand-new browser (new cookies, new connection: any worker may answer)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
    html = opener.open(f"http://127.0.0.1:{port}/sign-in", timeout=10).read().decode()
    data = urllib.parse.urlencode({"code": code, "csrf_token": CSRF.search(html).group(1)}).encode()
    try:
        return opener.open(f"http://127.0.0.1:{port}/sign-in", data=data, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def instance():
    """A migrated SQLite instance with one learner; yields (environment, her code)."""
    if shutil.which("gunicorn", path=str(BIN)) is None:
        pytest.skip("gunicorn is not installed")
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the served limits do not depend on the database: run once, in the SQLite pass")
    tmp = Path(tempfile.mkdtemp(prefix="askel-served-limits-"))
    env = dict(os.environ, ASKEL_INSTANCE=str(tmp / "instance"), SECRET_KEY="served-limits-test", FLASK_APP="workshop",
               DATABASE_URL=f"sqlite:///{tmp / 'instance' / 'askel.sqlite3'}")
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([str(BIN / "flask"), "db", "upgrade", "heads"], cwd=ROOT, env=env, check=True, capture_output=True)
    made = subprocess.run([sys.executable, "-c", """
from datetime import time, timedelta
from workshop import create_app
from workshop.extensions import db
from workshop.models import Enrollment, Role, User, Workshop, utcnow
app = create_app()
with app.app_context():
    today = utcnow().date()
    group = Workshop(name="G", language="so", location="x", weekday=1, start_time=time(10),
                     starts_on=today, ends_on=today + timedelta(days=9))
    learner = User(role=Role.LEARNER, display_name="A")
    code, _token = learner.issue_code()
    db.session.add_all([group, learner, Enrollment(workshop=group, learner=learner)])
    db.session.commit()
    print(code)
"""], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    yield env, made.stdout.strip().splitlines()[-1]
    shutil.rmtree(tmp, ignore_errors=True)


def _serve(env: dict, storage: str):
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--preload", "-w", "3", "-b", f"127.0.0.1:{port}", "workshop.wsgi:app"],
        cwd=ROOT, env=dict(env, RATELIMIT_STORAGE_URI=storage), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("gunicorn did not start: " + process.communicate()[0][-2000:])


def _stop(process) -> str:
    process.terminate()
    try:
        return process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_three_workers_share_one_count_through_redis(instance):
    env, _code = instance
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    process, port = _serve(env, REDIS_TEST_URL)
    try:
        limit = ITEMS["code-address"].amount
        statuses = [_attempt(port, "WRONGCODE") for _ in range(limit + 15)]
    finally:
        _stop(process)
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    assert statuses == [200] * limit + [429] * 15


def test_with_redis_unreachable_sign_in_never_answers_5xx(instance):
    env, code = instance
    process, port = _serve(env, "redis://127.0.0.1:9/5")  # nothing listens on the discard port
    try:
        assert _attempt(port, code) == 303
        statuses = [_attempt(port, "WRONGCODE") for _ in range(12)]
        health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
        lines = health.read().decode().splitlines()
    finally:
        log = _stop(process)
    assert set(statuses) == {200}
    assert health.status == 200 and lines[:2] == ["degraded", "limiter: degraded"]
    assert "cannot be reached" in log


def test_in_process_limits_under_gunicorn_are_warned_about(instance):
    env, _code = instance
    process, _port = _serve(env, "memory://")
    log = _stop(process)
    assert "counted in this process only" in log
