"""Where a request's time goes, in process (no network, no gunicorn): `python -m bench.profile`.

Uses the same database as the benchmark (DATABASE_URL, or with --city the kept SQLite city in
.cache/bench/), signs in one of the bench group's learners through the test client, and for each
learner route measures the time per request (best of a few runs) against the bare Flask app,
then profiles it with cProfile and sums the time spent inside each library (by the file a
function lives in), with the functions that cost the most.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AREAS = [  # (name, a part of the file's path); first match wins
    ("jinja2 (templates)", "/jinja2/"), ("sqlalchemy", "/sqlalchemy/"), ("sqlite3/psycopg (driver)", "sqlite3"),
    ("sqlite3/psycopg (driver)", "/psycopg"), ("flask_babel/babel (i18n)", "babel"),
    ("flask_wtf/itsdangerous (CSRF, session)", "itsdangerous"), ("flask_wtf/itsdangerous (CSRF, session)", "flask_wtf"),
    ("wtforms", "/wtforms/"), ("flask_login", "flask_login"), ("flask_compress/gzip", "flask_compress"),
    ("flask_compress/gzip", "gzip"), ("flask_limiter", "flask_limiter"), ("werkzeug", "/werkzeug/"),
    ("flask", "/flask/"), ("flask_sqlalchemy", "flask_sqlalchemy"), ("askel: workshop/", "/workshop/"),
    ("markupsafe", "markupsafe"), ("python stdlib", "/lib/python3"),
]


def area_of(filename: str) -> str:
    for name, part in AREAS:
        if part in filename:
            return name
    return "builtins/other" if filename.startswith("~") or filename.startswith("<") else "other"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--city", action="store_true")
    parser.add_argument("-n", type=int, default=200, help="requests per route and run")
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("ASKEL_INSTANCE", str(ROOT / ".cache" / "bench" / "instance"))
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    if args.city and "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / '.cache' / 'bench' / 'city.sqlite3'}"

    from werkzeug.test import EnvironBuilder

    from bench.bare import app as bare
    from bench.client import CSRF
    from bench.prepare import bench_group
    from workshop import create_app
    from workshop.extensions import db

    app = create_app()
    app.config["IDENTITY_SECONDS"] = 2  # as in production
    with app.app_context():
        setup = bench_group(db, 1)
        db.session.remove()
    lessons = [lesson for lesson in app.extensions["askel_catalogue"].lessons()
               if all(s.type == "choose" or not s.interactive for s in lesson.steps)]
    first = lessons[0]
    step = f"/learn/{first.course}/{first.id}/steps/{first.steps[0].id}"
    q_lesson, question = next((lesson, s) for lesson in lessons for s in lesson.steps if s.type == "choose")
    q_url = f"/learn/{q_lesson.course}/{q_lesson.id}/steps/{question.id}"
    right = next(o for o in question.options if o.correct).id

    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in", data={"code": setup["codes"][0], "csrf_token": CSRF.search(html).group(1)}).status_code == 303
    token = CSRF.search(client.get(q_url).get_data(as_text=True)).group(1)
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    counter = [0]

    def wsgi(target, method: str, path: str, htmx: bool = False, data: dict | None = None, cookies: str = cookie):
        """A request straight into the WSGI app (the environ is built outside the timed call)."""
        headers = {"Accept-Encoding": "gzip", **({"Cookie": cookies} if cookies else {}),
                   **({"HX-Request": "true"} if htmx else {})}

        def environ():
            return EnvironBuilder(path=path, method=method, headers=headers, data=data).get_environ()

        return target, environ

    def answer_environs():
        counter[0] += 1
        data = {"csrf_token": token, "key": f"profile{os.getpid()}x{counter[0]}", "answer": right}
        return [wsgi(app, "POST", q_url, True, data)[1](), wsgi(app, "GET", f"{q_url}?answered={right}", True)[1]()]

    routes = {
        "bare Flask route": wsgi(bare, "GET", "/", cookies=""),
        "step (htmx)": wsgi(app, "GET", step, True),
        "step (full page)": wsgi(app, "GET", step),
        "answer POST + page that follows": (app, None),
        "/home": wsgi(app, "GET", "/home"),
        # every registered practice service's home page (her sandbox seeded by the first request)
        **{f"practice {name}": wsgi(app, "GET", f"/practice/{name}/") for name in app.extensions["askel_sims"]},
    }
    statuses: dict[str, set] = defaultdict(set)

    def prepared(name: str, n: int) -> tuple:
        target, environ = routes[name]
        environs = [e for _ in range(n) for e in answer_environs()] if environ is None else [environ() for _ in range(n)]
        return target, environs

    def run(name: str, target, environs) -> None:
        for environ in environs:
            def start_response(status, headers, exc_info=None):
                statuses[name].add(status.split()[0])
            body = target(environ, start_response)
            for _chunk in body:
                pass
            if hasattr(body, "close"):
                body.close()

    for name in routes:  # warm: caches, compiled templates, the sandbox
        run(name, *prepared(name, 5))
    sizes = {name: (args.n if routes[name][1] is not None else max(20, args.n // 4)) for name in routes}
    times = {}
    for name in routes:
        best = float("inf")
        for _ in range(3):
            target, environs = prepared(name, sizes[name])
            started = time.perf_counter()
            run(name, target, environs)
            best = min(best, (time.perf_counter() - started) / sizes[name])
        times[name] = best * 1000
    print(f"In process, straight into the WSGI app; {os.environ.get('DATABASE_URL', 'sqlite (instance)').split('@')[-1]}; "
          f"ms per request (the answer: per POST + page), best of 3:")
    for name, ms in times.items():
        print(f"  {name:<34}{ms:8.3f} ms   ({ms / times['bare Flask route']:5.1f} × bare)   statuses {sorted(statuses[name])}")
    inclusive = {  # (file part, function): what a request spends inside, callees included
        "rendering templates": ("flask/templating.py", "_render"),
        "SQL through the ORM session": ("sqlalchemy/orm/session.py", "_execute_internal"),
        "rate limiter's before_request": ("flask_limiter/_extension.py", "_check_request_limit"),
        "who is signed in (user loader)": ("flask_login/login_manager.py", "_load_user"),
        "opening the session cookie": ("flask/sessions.py", "open_session"),
        "saving the session cookie": ("flask/sessions.py", "save_session"),
        "CSRF token": ("flask_wtf/csrf.py", "generate_csrf"),
        "CSRF check": ("flask_wtf/csrf.py", "protect"),
        "gzip (Flask-Compress)": ("flask_compress/flask_compress.py", "after_request"),
        "the locale (Babel)": ("workshop/i18n.py", "select_locale"),
    }
    for name in routes:
        if name == "bare Flask route":
            continue
        target, environs = prepared(name, sizes[name])
        n = sizes[name]
        profile = cProfile.Profile()
        profile.enable()
        run(name, target, environs)
        profile.disable()
        stats = pstats.Stats(profile)
        areas: dict[str, float] = defaultdict(float)
        total = 0.0
        for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
            areas[area_of(filename)] += tottime
            total += tottime
        print(f"\n{name}: {1000 * total / n:.2f} ms per request under the profiler.")
        print("  inside (callees included; these overlap, e.g. SQL run while a template renders):")
        for label, (part, func) in inclusive.items():
            cum = sum(ct for (f, _l, fn), (_cc, _nc, _tt, ct, _c) in stats.stats.items() if fn == func and part in f)
            if cum / total >= 0.02:
                print(f"    {label:<40}{100 * cum / total:5.1f} %")
        print("  own time by library:")
        for area, seconds in sorted(areas.items(), key=lambda kv: -kv[1]):
            if seconds / total >= 0.03:
                print(f"    {area:<40}{100 * seconds / total:5.1f} %")
        top = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[: args.top]
        print("  functions with the most own time:")
        for (filename, line, func), (_cc, ncalls, tottime, _ct, _callers) in top:
            short = re.sub(r".*/site-packages/", "", filename).replace(str(ROOT) + "/", "")
            print(f"    {100 * tottime / total:5.1f} %  {func} ({short}:{line}), {ncalls / n:.0f} calls/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
