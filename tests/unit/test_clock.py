"""One clock, Helsinki's today (workshop/clock.py). 22:30 UTC on 1 March is 00:30 on 2 March in
Helsinki: every "today" a person sees must already say 2 March."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from tests.conftest import sign_in
from tests.conftest import staff_client
from workshop import clock
from workshop.auth.identity import Membership, SignedIn
from workshop.models import utcnow
from workshop.sims.bank import finance
from workshop.sims.wilma import rules

LATE_EVENING_UTC = datetime(2026, 3, 1, 22, 30, tzinfo=timezone.utc)


def test_today_is_helsinkis(frozen_clock):
    frozen_clock(LATE_EVENING_UTC)
    assert clock.today() == date(2026, 3, 2)
    assert clock.helsinki_date(datetime(2026, 3, 1, 22, 30)) == date(2026, 3, 2)  # a stored naive UTC moment
    assert utcnow() == datetime(2026, 3, 1, 22, 30)  # the database's clock moves with it
    assert finance.helsinki_today() == date(2026, 3, 2)
    assert rules.now().date() == date(2026, 3, 2)
    with clock.frozen(datetime(2026, 7, 1, 20, 59)):  # summer time: UTC+3
        assert clock.today() == date(2026, 7, 1) and clock.helsinki().hour == 23
    assert clock.today() == date(2026, 3, 2)


def test_the_group_running_today_is_found_by_helsinkis_date(frozen_clock):
    frozen_clock(LATE_EVENING_UTC)
    ended = Membership(1, 1, 1, "so", date(2026, 1, 5), date(2026, 3, 1))
    starting = Membership(2, 1, 2, "so", date(2026, 3, 2), date(2026, 6, 1))
    her = SignedIn(id=1, role="learner", display_name="Amina", username=None, locale="so", session_version=0,
                   active=True, memberships=(ended, starting))
    assert her.membership_now() == starting


def test_a_new_group_starts_on_helsinkis_today(app, factory, frozen_clock):
    factory.staff("deeqa")
    client = staff_client(app, "deeqa")
    frozen_clock(LATE_EVENING_UTC)
    html = client.get("/teach/groups/new").get_data(as_text=True)
    assert re.search(r'name="starts_on"[^>]*value="2026-03-02"', html), "the form's first day is not Helsinki's today"


def test_her_week_counts_from_helsinkis_today(app, factory, frozen_clock):
    wid = factory.workshop("so")
    _uid, code, _ = factory.learner(wid, locale="en")
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    with app.app_context():
        from workshop.extensions import db
        from workshop.models import Assignment, Workshop

        workshop = db.session.get(Workshop, wid)
        workshop.starts_on, workshop.ends_on = date(2026, 2, 23), date(2026, 6, 1)  # a Monday: 2 March starts week 2
        db.session.add(Assignment(workshop_id=wid, course="start", lesson="01-welcome", week=2))
        db.session.commit()
    frozen_clock(LATE_EVENING_UTC)
    html = client.get("/home").get_data(as_text=True)
    assert "This week in your group" in html  # week 2's lesson, though it is still week 1 in UTC
