"""`make bench`: Askel served by gunicorn on 127.0.0.1, a class of tablets, and a true ceiling.

Two servers run side by side for the whole run, started by the same gunicorn command
(`gunicorn --preload -w 3 -k gthread --threads 4 MODULE:app`, as docs/deploying.md recommends):
Askel (`workshop.wsgi:app`) on --port and a bare Flask app (`bench.bare:app`, one route returning
"ok") on --port + 1.

Phase 1, the workshop (open loop): 30 tablets arrive at a fixed rate and each acts once per think
time of 2-6 s, as a class works: sign in, open a lesson (the full step page), answer (a wrong
answer first on a third of the questions; one answer in five sent twice with the same idempotency
key, as a retry on bad Wi-Fi), go on over htmx, go home after a lesson, and now and then do a
practice task (the practice inbox, a message sent, "check"). One instructor's live class view
refreshes every 5 s. Each action has an intended send time fixed in advance; when the server is
late the tablet sends as soon as it can, and latency is measured from the intended time, so a slow
server cannot hide its slowness by making the tablets wait (no coordinated omission). Every status
other than the one the flow expects is an error. At the end, every answer sent must be stored
exactly once.

Phase 2, the ceiling: `wrk` (Debian's package; C, much cheaper per request than the server)
saturates each target in turn, in interleaved rounds so a drift in the machine's speed touches all
alike: the bare app's route, the htmx step, the full step page, the answer POST with the page that
follows it, /home and every practice service's home page. Each target's requests per second divided by the bare
route's is its share of the ceiling; the servers' CPU time per request is reported beside it.

Results are written to a JSON file as each phase ends (and whatever there is when the run stops),
with the machine's load average at start and end. Only 127.0.0.1 is ever contacted.

SQLite: a temporary database, or with --city the city's database kept in .cache/bench/. PostgreSQL:
set DATABASE_URL to a database used for nothing else (emptied first unless --city).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from bench.client import CSRF, KEY, Client, Stats

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
PRACTICE_STEP = "/learn/email/05-new-message/steps/practice-new"  # mail.sent_new_message
WRK_LUA = Path(__file__).with_name("lua") / "askel.lua"


# --- results: written as they come, never lost ------------------------------------------------------

class Results(dict):
    def __init__(self, path: Path, **kw):
        super().__init__(**kw)
        self.path = path

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self, indent=2, default=str))
        tmp.replace(self.path)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return round(values[k] * 1000, 1)


def summary(values: list[float], errors: int = 0) -> dict:
    return {"n": len(values), "p50_ms": pct(values, 50), "p95_ms": pct(values, 95), "p99_ms": pct(values, 99),
            "errors": errors}


# --- servers ----------------------------------------------------------------------------------------

def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


class Server:
    """A gunicorn master started in its own process group, so stopping it stops its workers."""

    def __init__(self, name: str, module: str, port: int, env: dict, workers: int, threads: int, log: Path):
        self.name, self.port, self.log = name, port, log
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.command = ["gunicorn", "--preload", "-w", str(workers), "-k", "gthread", "--threads", str(threads), module]
        self.proc = subprocess.Popen(
            [gunicorn, "-b", f"{HOST}:{port}", "--log-level", "warning", *self.command[1:]],
            env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)

    def wait_ready(self, path: str, timeout: float) -> float:
        started = time.monotonic()
        print(f"  waiting for {self.name} (gunicorn) on {HOST}:{self.port} …", flush=True)
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} stopped while starting (exit {self.proc.returncode}); its log:\n"
                                 + self.log.read_text()[-3000:])
            answer = Client(self.port).send("GET", path) if not port_free(self.port) else None
            if answer and answer[0] == 200:
                took = time.monotonic() - started
                print(f"  {self.name} ready after {took:.1f} s", flush=True)
                return took
            time.sleep(0.25)
        raise SystemExit(f"{self.name} did not answer {path} on {HOST}:{self.port} within {timeout:.0f} s "
                         f"(a busy machine? try --ready-timeout); its log:\n" + self.log.read_text()[-3000:])

    def pids(self) -> list[int]:
        pids = [self.proc.pid]
        try:
            for tid in os.listdir(f"/proc/{self.proc.pid}/task"):
                children = Path(f"/proc/{self.proc.pid}/task/{tid}/children").read_text().split()
                pids += [int(c) for c in children]
        except OSError:
            pass
        return pids

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its live workers."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return total / tick

    def stop(self, grace: float = 30) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass


# --- phase 1: the workshop, open loop --------------------------------------------------------------

def the_services() -> list[str]:
    """The practice services the app registers (workshop/sims): the ceiling measures each one's home page."""
    from workshop.sims import discover

    return sorted(discover())


def the_lessons() -> list:
    from workshop.config import ROOT as APP_ROOT
    from workshop.curriculum import load_catalogue
    from workshop.sims import discover

    discover()  # the sims register the task checks that practice steps name
    catalogue = load_catalogue(os.environ.get("ASKEL_LESSONS", APP_ROOT / "lessons"))
    return [lesson for lesson in catalogue.lessons() if all(s.type == "choose" or not s.interactive for s in lesson.steps)]


class Tablet:
    """One tablet. Its actions have intended send times (arrival, then one action per think time);
    a request's latency runs from its action's intended time when it is the first of the action,
    so time spent waiting for a late server counts. A request that follows another at once (the page
    after a 303) is also timed together with it ("POST answer + page")."""

    def __init__(self, port: int, stats: Stats, rng: random.Random, arrive: float, think: tuple[float, float]):
        self.c, self.stats, self.rng, self.think = Client(port, Stats()), stats, rng, think
        self.intended = arrive
        self.keys: set[str] = set()

    def wait(self) -> None:
        delay = self.intended - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def next_action(self) -> None:
        self.intended += self.rng.uniform(*self.think)

    def hit(self, method: str, path: str, label: str, expect: tuple[int, ...], data=None, htmx=False, first=True):
        start = self.intended if first else time.monotonic()
        answer = self.c.send(method, path, data, {"HX-Request": "true"} if htmx else None)
        if answer is None:
            self.stats.error(label)
            return 0, "", {}
        self.stats.add(label, time.monotonic() - start, answer[0], expect)
        return answer

    def follow(self, answer, label: str, combined: str, htmx=True):
        """The page a 303 (or 302) leads to, fetched at once as the browser or htmx does."""
        status, _text, headers = answer
        if status not in (302, 303):
            return answer
        location = headers.get("Location", "")
        location = re.sub(r"^https?://[^/]+", "", location)
        page = self.hit("GET", location, label, (200,), htmx=htmx, first=False)
        self.stats.add(combined, time.monotonic() - self.intended, page[0], (200,))
        return page


def tablet(port: int, code: str, stats: Stats, stop: float, lessons, sent: list, rng: random.Random,
           arrive: float, think: tuple[float, float]) -> None:
    t = Tablet(port, stats, rng, arrive, think)
    t.wait()
    _s, html, _ = t.hit("GET", "/sign-in", "GET /sign-in", (200,))
    token = CSRF.search(html)
    if not token:
        return
    answer = t.hit("POST", "/sign-in", "POST /sign-in", (303,), {"code": code, "csrf_token": token.group(1)}, first=False)
    t.follow(answer, "GET /home", "POST /sign-in + /home", htmx=False)
    t.next_action()
    while time.monotonic() < stop:
        if rng.random() < 0.25:  # a practice task between lessons, now and then
            practice(t, stop)
            continue
        lesson = rng.choice(lessons)
        t.wait()
        page = t.hit("GET", f"/learn/{lesson.course}/{lesson.id}/?again", "GET lesson (302)", (302,))
        _s, html, _ = t.follow(page, "GET step (full page)", "open lesson: 302 + full step page", htmx=False)
        for n, step in enumerate(lesson.steps):
            if time.monotonic() >= stop:
                break
            url = f"/learn/{lesson.course}/{lesson.id}/steps/{step.id}"
            m, k = CSRF.search(html), KEY.search(html)
            if not (m and k):
                stats.error("no form on the step")
                break
            data = {"csrf_token": m.group(1), "key": k.group(1)}
            t.next_action()
            t.wait()
            if step.type == "choose":
                if rng.random() < 0.33:
                    wrong = next(o for o in step.options if not o.correct)
                    t.hit("POST", url, "POST answer (wrong)", (200,), {**data, "answer": wrong.id}, htmx=True)
                    t.keys.add(data["key"])
                    _s, html2, _ = t.c.send("GET", url, headers={"HX-Request": "true"}) or (0, "", {})
                    k2 = KEY.search(html2)  # the feedback page carries a new key: use it (not timed: already on screen)
                    data["key"] = k2.group(1) if k2 else uuid.uuid4().hex
                    t.next_action()
                    t.wait()
                right = next(o for o in step.options if o.correct)
                answer = t.hit("POST", url, "POST answer (right)", (303,), {**data, "answer": right.id}, htmx=True)
                t.keys.add(data["key"])
                _s, html, _ = t.follow(answer, "GET answered page (htmx)", "POST answer + page")
                if rng.random() < 0.2:  # a retry on bad Wi-Fi: the same key again, must not count twice
                    t.hit("POST", url, "POST retry (same key)", (303,), {**data, "answer": right.id}, htmx=True,
                          first=False)
                m, k = CSRF.search(html), KEY.search(html)
                if n + 1 < len(lesson.steps):  # "Next": a link to the next step, over htmx
                    t.next_action()
                    t.wait()
                    _s, html, _ = t.hit("GET", f"/learn/{lesson.course}/{lesson.id}/steps/{lesson.steps[n + 1].id}",
                                        "GET step (htmx)", (200,), htmx=True)
                else:
                    t.next_action()
                    t.wait()
                    t.hit("GET", f"/learn/{lesson.course}/{lesson.id}/done", "GET lesson done (htmx)", (200,), htmx=True)
            else:
                answer = t.hit("POST", url, "POST next", (303,), data, htmx=True)
                t.keys.add(data["key"])
                if rng.random() < 0.2:
                    t.hit("POST", url, "POST retry (same key)", (303,), data, htmx=True, first=False)
                label = "GET step (htmx)" if n + 1 < len(lesson.steps) else "GET lesson done (htmx)"
                _s, html, _ = t.follow(answer, label, "POST next + page")
            if rng.random() < 0.01:
                t.hit("POST", "/help", "POST /help", (303, 200), {"csrf_token": data["csrf_token"], "course": lesson.course,
                                                               "lesson": lesson.id, "step": step.id}, htmx=True, first=False)
        else:
            t.next_action()
            t.wait()
            t.hit("GET", "/home", "GET /home", (200,))
            t.next_action()
    sent.append(len(t.keys))


def practice(t: Tablet, stop: float) -> None:
    """Open the practice inbox, write and send a message, press Check on the lesson's practice step."""
    t.wait()
    t.hit("GET", "/practice/mail/", "GET practice inbox", (200,))
    t.next_action()
    t.wait()
    _s, html, _ = t.hit("GET", "/practice/mail/compose", "GET practice compose", (200,))
    token = CSRF.search(html)
    if not token:
        return
    t.next_action()
    t.wait()
    answer = t.hit("POST", "/practice/mail/compose", "POST practice send", (303,), {
        "csrf_token": token.group(1), "kind": "new", "to": "sara.ali@posti.example",
        "subject": "Hei", "body": "Hei Sara, nähdään huomenna.", "action": "send"})
    t.follow(answer, "GET practice inbox", "POST practice send + page", htmx=False)
    t.next_action()
    t.wait()
    _s, html, _ = t.hit("GET", PRACTICE_STEP, "GET step (full page)", (200,))
    m, k = CSRF.search(html), KEY.search(html)
    if m and k:
        t.next_action()
        t.wait()
        answer = t.hit("POST", PRACTICE_STEP, "POST practice check", (303,),
                       {"csrf_token": m.group(1), "key": k.group(1), "check": "1"}, htmx=True)
        t.keys.add(k.group(1))
        t.follow(answer, "GET answered page (htmx)", "POST practice check + page")
    t.next_action()


def instructor(port: int, workshop: int, stats: Stats, stop: float, every: float) -> None:
    c = Client(port, Stats())
    _s, html, _ = c.send("GET", "/staff/sign-in")
    c.send("POST", "/staff/sign-in", {"username": "bench", "password": "bench-password",
                                      "csrf_token": CSRF.search(html).group(1)})
    intended = time.monotonic()
    while time.monotonic() < stop:
        delay = intended - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        answer = c.send("GET", f"/teach/groups/{workshop}", headers={"HX-Request": "true"})
        if answer is None:
            stats.error("GET class view (live, htmx)")
        else:
            stats.add("GET class view (live, htmx)", time.monotonic() - intended, answer[0], (200,))
        intended += every


# --- phase 2: the ceiling, with wrk -------------------------------------------------------------------

def signed_in_session(port: int, code: str, warm: list[str]) -> tuple[str, str]:
    """A learner's session for wrk: her cookie and a CSRF token, after visiting `warm` once."""
    c = Client(port)
    _s, html, _ = c.send("GET", "/sign-in")
    status, _h, _ = c.send("POST", "/sign-in", {"code": code, "csrf_token": CSRF.search(html).group(1)})
    if status != 303:
        raise SystemExit(f"the ceiling's learner could not sign in (status {status})")
    token = None
    for path in warm:
        status, html, _ = c.send("GET", path)
        token = token or (CSRF.search(html).group(1) if CSRF.search(html) else None)
    return c.cookie_header(), token or ""


def run_wrk(url: str, mode: str, path: str, htmx: bool, expect: int, sessions: list[tuple[str, str]],
            seconds: float, connections: int) -> dict:
    args = ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
            "-s", str(WRK_LUA), url, "--", mode, path, "1" if htmx else "0", str(expect), uuid.uuid4().hex[:10],
            *[f"{cookie}|{token}" for cookie, token in sessions]]
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRK-RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout[-500:]} {out.stderr[-500:]}")
    return json.loads(line.split(" ", 1)[1])


def ceiling(app: Server, bare: Server, targets: list[dict], rounds: int, seconds: float, connections: int,
            results: Results) -> None:
    import resource

    totals = {t["name"]: {"requests": 0, "seconds": 0.0, "unexpected_status": 0, "socket_errors": 0,
                          "server_cpu_s": 0.0, "client_cpu_s": 0.0, "p50_us": [], "p99_us": []} for t in targets}
    for t in targets:  # warm-up, not counted: every worker fills its caches and opens its connections
        server = bare if t["name"] == "bare Flask route" else app
        run_wrk(f"http://{HOST}:{server.port}", t["mode"], t["path"], t["htmx"], t.get("expect", 200),
                t["sessions"], 1, connections)
    for r in range(rounds):
        for t in targets:
            server = bare if t["name"] == "bare Flask route" else app
            cpu0 = server.cpu_seconds()
            ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            res = run_wrk(f"http://{HOST}:{server.port}", t["mode"], t["path"], t["htmx"], t.get("expect", 200),
                          t["sessions"], seconds, connections)
            ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            agg = totals[t["name"]]
            agg["requests"] += res["requests"]
            agg["seconds"] += res["duration_us"] / 1e6
            agg["unexpected_status"] += res["unexpected_status"]
            agg["socket_errors"] += res["socket_errors"]
            agg["server_cpu_s"] += server.cpu_seconds() - cpu0
            agg["client_cpu_s"] += (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
            agg["p50_us"].append(res["p50_us"])
            agg["p99_us"].append(res["p99_us"])
        print(f"  ceiling round {r + 1}/{rounds} done, load average {load_average()}", flush=True)
        results["ceiling"] = _ceiling_table(totals, targets, rounds, seconds, connections)
        results.save()


def _ceiling_table(totals: dict, targets: list[dict], rounds: int, seconds: float, connections: int) -> dict:
    rows = {}
    for t in targets:
        agg = totals[t["name"]]
        per = 2 if t["mode"] == "answer" else 1  # the answer and the page after it are one unit
        units = agg["requests"] / per
        rows[t["name"]] = {
            "units_per_second": round(units / agg["seconds"], 1) if agg["seconds"] else 0.0,
            "requests": agg["requests"], "unexpected_status": agg["unexpected_status"],
            "socket_errors": agg["socket_errors"],
            "server_cpu_ms_per_unit": round(1000 * agg["server_cpu_s"] / units, 3) if units else None,
            "client_cpu_ms_per_unit": round(1000 * agg["client_cpu_s"] / units, 3) if units else None,
            "median_p50_ms": round(sorted(agg["p50_us"])[len(agg["p50_us"]) // 2] / 1000, 2) if agg["p50_us"] else None,
        }
    bare = rows.get("bare Flask route", {})
    for name, row in rows.items():
        if bare.get("units_per_second"):
            row["share_of_ceiling"] = round(row["units_per_second"] / bare["units_per_second"], 3)
        if bare.get("server_cpu_ms_per_unit") and row.get("server_cpu_ms_per_unit"):
            row["share_by_server_cpu"] = round(bare["server_cpu_ms_per_unit"] / row["server_cpu_ms_per_unit"], 3)
    return {"client": "wrk", "connections": connections, "rounds_done": max(
        (len(totals[t["name"]]["p50_us"]) for t in targets), default=0), "rounds": rounds,
        "seconds_each": seconds, "targets": rows}


# --- the run ----------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--city", action="store_true", help="a city's history in the database (seeded once, kept)")
    parser.add_argument("--tablets", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60, help="length of the workshop phase")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--port", type=int, default=8740, help="Askel's port; the bare app takes the next one")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the ceiling")
    parser.add_argument("--slice", type=int, default=3, help="seconds of wrk per target and round")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (one signed-in tablet each)")
    parser.add_argument("--ready-timeout", type=float, default=180)
    parser.add_argument("--skip-workshop", action="store_true")
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument("--json", help="results file (default .cache/bench/results-<database>-<time>.json)")
    args = parser.parse_args(argv)

    if not args.skip_ceiling and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian's package), or run with --skip-ceiling")
    for port in (args.port, args.port + 1):
        if not port_free(port):
            raise SystemExit(f"port {port} on {HOST} is in use: choose others with --port N (uses N and N+1)")

    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="askel-bench-"))
    instance = CACHE / "instance"
    instance.mkdir(exist_ok=True)
    env = {**os.environ, "ASKEL_INSTANCE": str(instance), "FLASK_APP": "workshop",
           "SECRET_KEY": "bench-only-secret", "PYTHONPATH": str(ROOT)}
    database = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{CACHE / 'city.sqlite3'}" if args.city else f"sqlite:///{tmp / 'bench.sqlite3'}")
    env["DATABASE_URL"] = database
    kind = "postgresql" if database.startswith("postgresql") else "sqlite"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    results = Results(Path(args.json) if args.json else CACHE / f"results-{kind}{'-city' if args.city else ''}-{stamp}.json",
                      started=stamp, database=kind, city=args.city, cpus=os.cpu_count(),
                      load_average_start=load_average(), complete=False, args=vars(args))
    results.save()
    print(f"Askel benchmark on {kind}{' (city)' if args.city else ''}; results in {results.path}; "
          f"load average {results['load_average_start']} on {os.cpu_count()} cores", flush=True)

    servers: list[Server] = []
    try:
        prep = [sys.executable, "-m", "bench.prepare", "--tablets", str(args.tablets)]
        prep += ["--city"] if args.city else (["--reset"] if kind == "postgresql" else [])
        t0 = time.monotonic()
        out = subprocess.run(prep, env=env, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        setup = json.loads(out.stdout.strip().splitlines()[-1])
        results["database_size"] = setup["sizes"]
        results["prepare_seconds"] = round(time.monotonic() - t0, 1)
        results.save()
        print(f"  database: {setup['sizes']}", flush=True)

        app = Server("Askel", "workshop.wsgi:app", args.port, env, args.workers, args.threads, tmp / "askel.log")
        servers.append(app)
        bare = Server("bare Flask", "bench.bare:app", args.port + 1, env, args.workers, args.threads, tmp / "bare.log")
        servers.append(bare)
        results["server"] = " ".join(app.command[:-1]) + " {workshop.wsgi,bench.bare}:app"
        results["ready_seconds"] = {"askel": round(app.wait_ready("/healthz", args.ready_timeout), 1),
                                    "bare": round(bare.wait_ready("/", args.ready_timeout), 1)}
        results.save()
        lessons = the_lessons()

        if not args.skip_workshop:
            workshop_phase(args, app, setup, lessons, env, results)
        if not args.skip_ceiling:
            codes = setup["codes"]
            first = lessons[0]
            step = f"/learn/{first.course}/{first.id}/steps/{first.steps[0].id}"
            question_lesson, question = next((lesson, s) for lesson in lessons for s in lesson.steps if s.type == "choose")
            q_url = f"/learn/{question_lesson.course}/{question_lesson.id}/steps/{question.id}"
            right = next(o for o in question.options if o.correct)
            n = min(args.connections, len(codes))
            practices = [f"/practice/{name}/" for name in the_services()]  # every registered service
            sessions = [signed_in_session(app.port, code, ["/home", *practices, q_url]) for code in codes[:n]]
            targets = [
                {"name": "bare Flask route", "mode": "get", "path": "/", "htmx": False, "sessions": []},
                {"name": "step (htmx)", "mode": "get", "path": step, "htmx": True, "sessions": sessions},
                {"name": "step (full page)", "mode": "get", "path": step, "htmx": False, "sessions": sessions},
                {"name": "answer POST + page that follows", "mode": "answer", "htmx": True, "sessions": sessions,
                 "path": f"{q_url}#{right.id}#{q_url}?answered={right.id}"},
                {"name": "/home", "mode": "get", "path": "/home", "htmx": False, "sessions": sessions},
                *({"name": f"practice {path.split('/')[2]}", "mode": "get", "path": path, "htmx": False,
                   "sessions": sessions} for path in practices),
            ]
            print(f"Phase 2: the ceiling with wrk, {args.rounds} rounds × {len(targets)} targets × {args.slice:g} s, "
                  f"{args.connections} connections", flush=True)
            ceiling(app, bare, targets, args.rounds, args.slice, args.connections, results)
            print_ceiling(results["ceiling"])
        results["complete"] = True
    except KeyboardInterrupt:
        results["stopped"] = "interrupted"
    except BaseException as error:  # noqa: BLE001 - whatever stops the run, the results so far are kept
        results["stopped"] = f"{type(error).__name__}: {error}"[:3000]
        raise
    finally:
        for server in servers:
            server.stop()
        results["load_average_end"] = load_average()
        results["finished"] = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        results.save()
        print(f"load average at start {results['load_average_start']}, at end {results['load_average_end']}; "
              f"results in {results.path}", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
    workshop = results.get("workshop", {})
    ok = workshop.get("errors", 0) == 0 and workshop.get("lost_or_doubled", 0) == 0
    ok = ok and all(r["unexpected_status"] == 0 and r["socket_errors"] == 0
                    for r in results.get("ceiling", {}).get("targets", {}).values())
    return 0 if ok else 1


def workshop_phase(args, app: Server, setup: dict, lessons, env: dict, results: Results) -> None:
    import resource

    stats = Stats()
    sent: list[int] = []
    print(f"Phase 1: the workshop, {args.tablets} tablets for {args.seconds:g} s, think {args.think[0]:g}-"
          f"{args.think[1]:g} s (open loop)", flush=True)
    cpu0, ru0, load0 = app.cpu_seconds(), resource.getrusage(resource.RUSAGE_SELF), load_average()
    started = time.monotonic()
    stop = started + args.seconds
    rng = random.Random(7)
    spread = (args.think[0] + args.think[1]) / 2  # tablets arrive at a fixed rate over one mean think time
    threads = [threading.Thread(target=tablet, daemon=True, args=(
        app.port, code, stats, stop, lessons, sent, random.Random(rng.random()),
        started + spread * i / len(setup["codes"]), tuple(args.think))) for i, code in enumerate(setup["codes"])]
    threads.append(threading.Thread(target=instructor, daemon=True, args=(app.port, setup["workshop"], stats, stop, 5.0)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.seconds + 120)
    elapsed = time.monotonic() - started
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    out = subprocess.run([sys.executable, "-m", "bench.prepare", "--count-events",
                          ",".join(map(str, setup["learner_ids"]))], env=env, check=True, stdout=subprocess.PIPE,
                         text=True, cwd=ROOT)
    stored = json.loads(out.stdout.strip().splitlines()[-1])["events"] - setup["events_before"]
    answers = sum(sent)
    everything = [x for v in stats.times.values() for x in v]
    total = sum(len(v) for label, v in stats.times.items() if "+" not in label)
    results["workshop"] = {
        "tablets": args.tablets, "seconds": round(elapsed, 1), "think_s": list(args.think),
        "requests": total, "requests_per_second": round(total / elapsed, 1),
        "errors": sum(stats.errors.values()),
        "unexpected": {label: dict(v) for label, v in stats.unexpected.items()},
        "answers_sent": answers, "events_stored": stored, "lost_or_doubled": answers - stored,
        "all": summary(everything),
        "routes": {label: summary(v, stats.errors.get(label, 0)) for label, v in sorted(stats.times.items())},
        "server_cpu_s": round(app.cpu_seconds() - cpu0, 1),
        "client_cpu_s": round((ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime), 1),
        "load_average": {"before": load0, "after": load_average()},
        "finished_in_time": all(not t.is_alive() for t in threads),
    }
    results.save()
    print_workshop(results["workshop"])


def print_workshop(w: dict) -> None:
    print(f"  {w['requests']} requests in {w['seconds']} s ({w['requests_per_second']}/s), errors {w['errors']}, "
          f"answers sent {w['answers_sent']}, stored {w['events_stored']}"
          f" ({'none lost, none doubled' if w['lost_or_doubled'] == 0 else 'MISMATCH'}); "
          f"server CPU {w['server_cpu_s']} s, client CPU {w['client_cpu_s']} s")
    print(f"  {'route (latency from the intended send time)':<46}{'n':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'err':>5}")
    for label, r in w["routes"].items():
        print(f"  {label:<46}{r['n']:>6}{r['p50_ms']:>8}{r['p95_ms']:>8}{r['p99_ms']:>8}{r['errors']:>5}")
    if w["unexpected"]:
        print(f"  unexpected statuses: {w['unexpected']}")


def print_ceiling(c: dict) -> None:
    print(f"  {'target':<34}{'per s':>9}{'share':>7}{'by CPU':>8}{'srv ms':>8}{'wrk ms':>8}{'bad':>5}")
    for name, r in c["targets"].items():
        print(f"  {name:<34}{r['units_per_second']:>9}{r.get('share_of_ceiling', 0):>7}"
              f"{r.get('share_by_server_cpu', 0):>8}{r['server_cpu_ms_per_unit'] or 0:>8}"
              f"{r['client_cpu_ms_per_unit'] or 0:>8}{r['unexpected_status'] + r['socket_errors']:>5}")


if __name__ == "__main__":
    sys.exit(main())
