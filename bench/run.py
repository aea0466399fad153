"""`make bench`: a real workshop played against gunicorn on 127.0.0.1, and the bare-route ceiling.

Phase 1 (the workshop): 30 tablets sign in, step through lessons, answer (one wrong answer first on
each question), press "I need help" now and then, while one instructor's group page refreshes every
3 s. Now and then a tablet does a practice task (opens the practice inbox, sends a message and
presses Check on the lesson's practice step). Tablets think for 0.3-1.5 s between taps, as people do. Reported: requests per second,
p50/p95/p99 per route, errors, and whether every answer was stored exactly once (no lost event,
no duplicate), counting retried requests that reuse their idempotency key.

Phase 2 (the ceiling): in the same server, 8 closed-loop clients fetch the bare Flask route
`/healthz`, then a lesson step page (the htmx fragment), in five interleaved slices of the same time
each; the step's share of the ceiling is a ratio that holds across machines.

Runs on SQLite in a temporary instance, or on PostgreSQL when DATABASE_URL is set.
Only loopback addresses are ever contacted.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="key" value="([^"]+)"')
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Client:
    """One tablet: a keep-alive HTTP connection with its own cookies."""

    def __init__(self, port: int, stats, label_prefix: str = ""):
        self.port, self.stats, self.cookies = port, stats, {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, label: str, data: dict | None = None, headers: dict | None = None,
                read_body: bool = True):
        body = urlencode(data) if data is not None else None
        hdrs = {"Accept-Encoding": "gzip", **(headers or {})}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt:
                    self.stats.error(label)
                    return 0, "", {}
        self.stats.add(label, time.perf_counter() - started, response.status)
        for header, value in response.getheaders() if read_body else ():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        if not read_body:  # the ceiling phase: a load generator should not spend CPU on bodies
            return response.status, "", {}
        text = payload
        if response.getheader("Content-Encoding") == "gzip":
            import gzip

            text = gzip.decompress(payload)
        return response.status, text.decode("utf-8", "replace"), dict(response.getheaders())


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def add(self, label: str, seconds: float, status: int):
        with self.lock:
            self.times[label].append(seconds)
            if status >= 500:
                self.errors[label] += 1

    def error(self, label: str):
        with self.lock:
            self.errors[label] += 1


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k] * 1000


def prepare(env: dict, learners: int) -> dict:
    """A fresh database with one group of `learners` learners; returns their codes and a staff login."""
    code = f"""
import json
from workshop import create_app
from workshop.extensions import db
from workshop.models import User, Workshop, Enrollment, Role, utcnow
from datetime import time, timedelta
from flask_migrate import upgrade
app = create_app()
with app.app_context():
    upgrade(revision="heads")
    staff = User(role=Role.INSTRUCTOR, display_name="Bench", username="bench")
    staff.set_password("bench-password")
    today = utcnow().date()
    w = Workshop(name="Bench", language="so", location="Itäkeskus", weekday=1, start_time=time(10),
                 starts_on=today - timedelta(days=7), ends_on=today + timedelta(days=90))
    w.instructors.append(staff)
    db.session.add_all([staff, w])
    codes = []
    for n in range({learners}):
        u = User(role=Role.LEARNER, display_name=f"Tablet {{n}}", locale="en")
        c, _t = u.issue_code()
        db.session.add_all([u, Enrollment(workshop=w, learner=u)])
        codes.append(c)
    db.session.commit()
    print(json.dumps({{"codes": codes, "workshop": w.id}}))
"""
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def count_events(env: dict) -> int:
    code = """
from workshop import create_app
from workshop.extensions import db
from workshop.models import StepEvent
app = create_app()
with app.app_context():
    print(db.session.scalar(db.select(db.func.count(StepEvent.id))))
"""
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def lessons() -> list:
    from workshop.curriculum import load_catalogue
    from workshop.config import ROOT

    from workshop.sims import discover

    discover()  # the sims register the task checks that practice steps name
    catalogue = load_catalogue(os.environ.get("ASKEL_LESSONS", ROOT / "lessons"))
    return [lesson for lesson in catalogue.lessons() if all(s.type in ("explain", "choose") for s in lesson.steps)]


PRACTICE_STEP = "/learn/email/05-new-message/steps/practice-new"  # mail.sent_new_message


def practice(c: "Client", rng: random.Random) -> int:
    """A practice task as in the workshop: open the practice inbox, send a message, press Check."""
    c.request("GET", "/practice/mail/", "GET practice inbox")
    _s, html, _ = c.request("GET", "/practice/mail/compose", "GET practice compose")
    token = CSRF.search(html)
    if not token:
        return 0
    c.request("POST", "/practice/mail/compose", "POST practice send", {
        "csrf_token": token.group(1), "kind": "new", "to": "sara.ali@posti.example",
        "subject": "Hei", "body": "Hei Sara, nähdään huomenna.", "action": "send"})
    _s, html, _ = c.request("GET", PRACTICE_STEP, "GET step (htmx)", headers={"HX-Request": "true"})
    m, k = CSRF.search(html), KEY.search(html)
    if not (m and k):
        return 0
    c.request("POST", PRACTICE_STEP, "POST practice check", {"csrf_token": m.group(1), "key": k.group(1), "check": "1"},
              {"HX-Request": "true"})
    return 1


def tablet(port: int, code: str, stats: Stats, stop: float, the_lessons, stored: list, rng: random.Random):
    c = Client(port, stats)
    status, html, _ = c.request("GET", "/sign-in", "GET /sign-in")
    token = CSRF.search(html).group(1)
    status, _html, _ = c.request("POST", "/sign-in", "POST /sign-in", {"code": code, "csrf_token": token})
    if status != 303:
        stats.error("POST /sign-in")
        return
    c.request("GET", "/home", "GET /home")
    keys_sent = 0
    while time.time() < stop:
        if rng.random() < 0.3:
            keys_sent += practice(c, rng)
            time.sleep(rng.uniform(0.3, 1.5))
        lesson = rng.choice(the_lessons)
        for step in lesson.steps:
            if time.time() >= stop:
                break
            url = f"/learn/{lesson.course}/{lesson.id}/steps/{step.id}"
            status, html, _ = c.request("GET", url, "GET step (htmx)", headers={"HX-Request": "true"})
            m, k = CSRF.search(html), KEY.search(html)
            if not (m and k):
                continue
            data = {"csrf_token": m.group(1), "key": k.group(1)}
            time.sleep(rng.uniform(0.3, 1.5))
            if step.type == "choose":
                wrong = next(o for o in step.options if not o.correct)
                right = next(o for o in step.options if o.correct)
                st, _, _ = c.request("POST", url, "POST answer", {**data, "answer": wrong.id}, {"HX-Request": "true"})
                keys_sent += 1
                k2 = KEY.search(c.request("GET", url, "GET step (htmx)", headers={"HX-Request": "true"})[1])
                data["key"] = k2.group(1) if k2 else data["key"]
                st, _, _ = c.request("POST", url, "POST answer", {**data, "answer": right.id}, {"HX-Request": "true"})
            else:
                st, _, _ = c.request("POST", url, "POST next", data, {"HX-Request": "true"})
            keys_sent += 1
            if rng.random() < 0.2:  # a retried request on bad Wi-Fi: same key again, must not count twice
                c.request("POST", url, "POST retry (same key)", {**data, "answer": step.options[0].id} if step.type == "choose" else data,
                          {"HX-Request": "true"})
            if rng.random() < 0.02:
                c.request("POST", "/help", "POST /help", {"csrf_token": data["csrf_token"], "course": lesson.course,
                                                          "lesson": lesson.id, "step": step.id}, {"HX-Request": "true"})
    stored.append(keys_sent)


def instructor(port: int, workshop: int, stats: Stats, stop: float):
    c = Client(port, stats)
    _s, html, _ = c.request("GET", "/staff/sign-in", "GET /staff/sign-in")
    token = CSRF.search(html).group(1)
    c.request("POST", "/staff/sign-in", "POST /staff/sign-in", {"username": "bench", "password": "bench-password", "csrf_token": token})
    while time.time() < stop:
        c.request("GET", f"/teach/groups/{workshop}", "GET class view")
        time.sleep(3)


def saturate(port: int, path: str, label: str, clients: int, seconds: float, cookies_from: Client | None, stats: Stats) -> float:
    count = [0]
    lock = threading.Lock()
    stop = time.time() + seconds

    def run():
        c = Client(port, stats)
        if cookies_from:
            c.cookies = dict(cookies_from.cookies)
        n = 0
        while time.time() < stop:
            c.request("GET", path, label, headers={"HX-Request": "true"} if "steps" in path else None, read_body=False)
            n += 1
        with lock:
            count[0] += n

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--ceiling-seconds", type=float, default=10)
    parser.add_argument("--ceiling-clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="askel-bench-"))
    env = {**os.environ, "ASKEL_INSTANCE": str(tmp), "FLASK_APP": "workshop", "SECRET_KEY": "bench-only-secret"}
    database = env.get("DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env["DATABASE_URL"] = database
    if database.startswith("postgresql"):
        subprocess.run([sys.executable, "-c", "from workshop import create_app\nfrom workshop.extensions import db\nfrom sqlalchemy import text\napp=create_app()\nwith app.app_context():\n    with db.engine.begin() as c: c.execute(text('DROP SCHEMA public CASCADE; CREATE SCHEMA public'))"], env=env, check=True)
    setup = prepare(env, args.tablets)
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "-b", f"{HOST}:{port}", "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
         "--preload", "--log-level", "warning", "workshop.wsgi:app"],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection(HOST, port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        the_lessons = lessons()
        stats = Stats()
        stored: list[int] = []
        started = time.time()
        stop = started + args.seconds
        rng = random.Random(7)
        threads = [threading.Thread(target=tablet, args=(port, code, stats, stop, the_lessons, stored, random.Random(rng.random())))
                   for code in setup["codes"]]
        threads.append(threading.Thread(target=instructor, args=(port, setup["workshop"], stats, stop)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
        events = count_events(env)
        sent = sum(stored)

        ceiling_stats = Stats()
        probe = Client(port, ceiling_stats)
        _s, html, _ = probe.request("GET", "/sign-in", "sign-in")
        probe.request("POST", "/sign-in", "sign-in", {"code": setup["codes"][0], "csrf_token": CSRF.search(html).group(1)})
        first = the_lessons[0]
        step_path = f"/learn/{first.course}/{first.id}/steps/{first.steps[0].id}"
        # Interleaved slices, so a drift in the machine's speed during the run touches both alike.
        slices, bare, step_rps = 5, 0.0, 0.0
        for _ in range(slices):
            bare += saturate(port, "/healthz", "bare /healthz", args.ceiling_clients,
                             args.ceiling_seconds / slices, None, ceiling_stats) / slices
            step_rps += saturate(port, step_path, "lesson step", args.ceiling_clients,
                                 args.ceiling_seconds / slices, probe, ceiling_stats) / slices
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)

    total = sum(len(v) for v in stats.times.values())
    all_times = [x for v in stats.times.values() for x in v]
    result = {
        "database": "postgresql" if database.startswith("postgresql") else "sqlite",
        "tablets": args.tablets, "seconds": round(elapsed, 1), "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "p50_ms": round(pct(all_times, 50), 1), "p95_ms": round(pct(all_times, 95), 1), "p99_ms": round(pct(all_times, 99), 1),
        "errors": sum(stats.errors.values()) + sum(ceiling_stats.errors.values()),
        "answers_sent": sent, "events_stored": events, "lost_or_duplicate": sent - events,
        "routes": {label: {"n": len(v), "p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1),
                           "p99_ms": round(pct(v, 99), 1), "errors": stats.errors.get(label, 0)}
                   for label, v in sorted(stats.times.items())},
        "ceiling": {"bare_route_rps": round(bare, 1), "lesson_step_rps": round(step_rps, 1),
                    "step_share_of_ceiling": round(step_rps / bare, 2) if bare else 0.0,
                    "clients": args.ceiling_clients, "seconds": args.ceiling_seconds},
        "server": f"gunicorn --preload -w {args.workers} -k gthread --threads {args.threads} workshop.wsgi:app",
    }
    print(f"Askel benchmark on {result['database']}: {args.tablets} tablets for {result['seconds']} s, {result['server']}")
    print(f"  {total} requests, {result['requests_per_second']} req/s, p50 {result['p50_ms']} ms, "
          f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, errors {result['errors']}")
    print(f"  answers sent {sent}, events stored {events}: {'none lost, none doubled' if sent == events else 'MISMATCH'}")
    print(f"  {'route':<26}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for label, r in result["routes"].items():
        print(f"  {label:<26}{r['n']:>7}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}{r['errors']:>8}")
    c = result["ceiling"]
    print(f"  ceiling ({c['clients']} clients, {c['seconds']} s each): bare route {c['bare_route_rps']} req/s, "
          f"lesson step {c['lesson_step_rps']} req/s, share {c['step_share_of_ceiling']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    ok = result["errors"] == 0 and sent == events
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
