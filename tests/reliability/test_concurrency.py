"""30 tablets at once against the served app: no 5xx, no lost answer, no answer counted twice,
with retried requests reusing their idempotency keys. Runs on SQLite, and on PostgreSQL in CI."""
from __future__ import annotations

import random
import re
import threading

import pytest

from bench.client import CSRF, KEY, Client, Stats
from workshop.extensions import db
from workshop.models import Progress, StepEvent

TABLETS = 30


@pytest.mark.parametrize("identity_seconds", [0, 2], ids=["read-every-request", "kept-2s-as-in-production"])
def test_thirty_tablets_answer_at_once(app, factory, live_server, monkeypatch, identity_seconds):
    monkeypatch.setitem(app.config, "IDENTITY_SECONDS", identity_seconds)
    port = int(live_server.rsplit(":", 1)[1])
    workshop = factory.workshop("so")
    codes = [factory.learner(workshop, name=f"T{n}", locale="en")[1] for n in range(TABLETS)]
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    stats = Stats()
    sent: list[int] = []
    barrier = threading.Barrier(TABLETS)
    failures: list[str] = []

    def tablet(code: str, rng: random.Random):
        c = Client(port, stats)
        _s, html, _ = c.request("GET", "/sign-in", "sign-in page")
        status, _h, _ = c.request("POST", "/sign-in", "sign-in", {"code": code, "csrf_token": CSRF.search(html).group(1)})
        if status != 303:
            failures.append(f"sign-in {status}")
            return
        barrier.wait()  # everyone answers at the same moment
        keys = 0
        for step in lesson.steps:
            url = f"/learn/start/01-welcome/steps/{step.id}"
            _s, html, _ = c.request("GET", url, "step", headers={"HX-Request": "true"})
            data = {"csrf_token": CSRF.search(html).group(1), "key": KEY.search(html).group(1)}
            if step.type == "choose":
                data["answer"] = next(o.id for o in step.options if o.correct)
            for attempt in range(1 + (rng.random() < 0.5)):  # half the answers are sent twice
                status, _h, _ = c.request("POST", url, "answer", data, {"HX-Request": "true"})
                if status >= 500:
                    failures.append(f"{status} on {url}")
            keys += 1
        sent.append(keys)

    rng = random.Random(3)
    threads = [threading.Thread(target=tablet, args=(code, random.Random(rng.random()))) for code in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, failures[:5]
    assert sum(stats.errors.values()) == 0, dict(stats.errors)
    assert len(sent) == TABLETS
    with app.app_context():
        events = db.session.scalar(db.select(db.func.count(StepEvent.id)))
        done = db.session.scalar(db.select(db.func.count(Progress.id)).where(Progress.status == "done"))
        duplicates = db.session.execute(
            db.select(StepEvent.learner_id, StepEvent.step, db.func.count())
            .group_by(StepEvent.learner_id, StepEvent.step).having(db.func.count() > 1)
        ).all()
    assert events == sum(sent) == TABLETS * len(lesson.steps)
    assert duplicates == []
    assert done == TABLETS
