"""The production entry point builds the app once and warms it up before gunicorn forks workers."""
from __future__ import annotations

import os
import subprocess
import sys


def test_the_entry_point_compiles_every_template_and_holds_no_connection(tmp_path):
    code = """
from workshop.wsgi import app
from workshop.extensions import db
names = app.jinja_env.list_templates()
cached = {key[1] for key in app.jinja_env.cache.keys()}
assert set(names) <= cached, sorted(set(names) - cached)
from workshop.wsgi import warm_up
with app.app_context():
    pool = db.engine.pool
    assert pool.checkedout() == 0 and pool.checkedin() == 0, pool.status()  # none idle to cross the fork
    with db.engine.connect():
        pass
    assert pool.checkedin() == 1, pool.status()  # the check sees a pooled connection when there is one
warm_up(app)  # and warming up gives it back
with app.app_context():
    assert db.engine.pool.checkedin() == 0, db.engine.pool.status()
print("ok", len(names))
"""
    env = {**os.environ, "ASKEL_INSTANCE": str(tmp_path), "SECRET_KEY": "test-only",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok ")
