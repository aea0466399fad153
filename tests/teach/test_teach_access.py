"""Every route of the `teach` blueprint, as every role, each rule as the app declares it (tests/routes.py).

Roles: anonymous, a learner, the group's own instructor, another group's instructor, the coordinator.
Each (route, role) gets a fresh group, learner and help request, so a delete by one role cannot hide
what the next role may do. CSRF is switched off here only, so the status says what authorisation does.
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from tests.conftest import sign_in, staff_client
from tests.counsel.helpers import counselled
from tests.routes import expected, names_an_object, walked_routes
from workshop import attendance, clock
from workshop.counsel.models import CounselSession
from workshop.extensions import db
from workshop.models import HelpRequest, Role, Workshop, utcnow
from workshop.sims import photos

ROLES = ("anonymous", "learner", "instructor", "other instructor", "coordinator")
# Who gets what is tests/routes.py's, from the rules the app declares: not signed in, sent to sign
# in (302); a learner 403; another instructor 404 (her groups do not exist for her); the group's
# instructor and the coordinator what the view answers (ANSWERS).
FORM = {
    "name": "Amina", "text": "She reads well.", "language": "so", "location": "Itäkeskus", "weekday": "1",
    "start_time": "17:30", "starts_on": "2026-01-05", "ends_on": "2026-05-30",
    # a meeting added or moved (within the walk's group's dates, which run from a week ago), at an hour
    # none of the group's own meetings has (at 10:00 it clashed with the weekly one when the walk ran on
    # the group's weekday, a Tuesday); marked present
    "day": (clock.today() + timedelta(days=14)).isoformat(), "starts_at": "18:00", "present": "1",
}


class PhotoUpload:
    """A small PNG as request.files gives it."""

    def __init__(self):
        out = io.BytesIO()
        Image.new("RGB", (8, 8), "white").save(out, "PNG")
        self.stream, self.filename, self.content_length = io.BytesIO(out.getvalue()), "photo.png", len(out.getvalue())


@pytest.fixture
def clients(app, factory):
    owner_id = factory.staff("deeqa")
    factory.staff("liisa")
    factory.staff("mirja", role=Role.COORDINATOR)
    _uid, code, _ = factory.learner(factory.workshop("so", name="Her own group"), locale="en")
    learner = app.test_client()
    assert sign_in(learner, code).status_code == 303
    return owner_id, {
        "anonymous": app.test_client(),
        "learner": learner,
        "instructor": staff_client(app, "deeqa"),
        "other instructor": staff_client(app, "liisa"),
        "coordinator": staff_client(app, "mirja"),
    }


def fresh_world(app, factory, owner_id) -> dict:
    wid = factory.workshop("so", name="Tuesday group", instructor=owner_id)
    learner_id, _code, _ = factory.learner(wid, name="Hodan")
    with app.app_context():
        from workshop.models import Enrollment

        enrollment = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == learner_id))
        help_request = HelpRequest(enrollment_id=enrollment.id, created_at=utcnow() - timedelta(minutes=2))
        db.session.add(help_request)
        with app.test_request_context():  # a photo she sent in a practice (workshop/sims/photos.py)
            name = photos.save("mail", learner_id, PhotoUpload())
        attendance.sync_meetings(db.session.get(Workshop, wid))  # the group's weekly meetings
        db.session.commit()
        # her consent, a counselling session and a plan, so every counselling page has something to show
        counselled(learner_id, wid, owner_id)
        session_id = db.session.scalar(db.select(CounselSession.id).where(CounselSession.enrollment_id == enrollment.id))
        return {"workshop_id": wid, "learner_id": learner_id, "request_id": help_request.id,
                "sim": "mail", "name": name, "meeting_id": attendance.meetings_of(wid)[0].id, "session_id": session_id}


def test_walk_every_route_as_every_role(app, factory, clients, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    owner_id, by_role = clients
    wrong = []
    routes = {route: rule for route, rule in walked_routes(app).items() if route[0].startswith("teach.")}
    assert len(routes) >= 25
    for (endpoint, method), rule in routes.items():
        for role in ROLES:
            status = expected(app, endpoint, method, role, owned=names_an_object(rule))
            ids = fresh_world(app, factory, owner_id)
            with app.test_request_context():
                from flask import url_for

                url = url_for(endpoint, **{k: ids[k] for k in rule.arguments})
            client = by_role[role]
            response = client.get(url) if method == "GET" else client.post(url, data=FORM)
            if response.status_code != status:
                wrong.append((endpoint, method, role, status, response.status_code))
    assert not wrong, wrong


def test_another_instructor_never_sees_a_name_from_a_group_not_hers(app, factory, clients):
    owner_id, by_role = clients
    ids = fresh_world(app, factory, owner_id)
    html = by_role["other instructor"].get("/teach/").get_data(as_text=True)
    assert "Tuesday group" not in html and "Hodan" not in html
    assert "Tuesday group" in by_role["coordinator"].get("/teach/").get_data(as_text=True)
    # The right group with a learner of another group: not found either.
    other_wid = factory.workshop("ar", name="Other", instructor=owner_id)
    url = f"/teach/groups/{other_wid}/learners/{ids['learner_id']}"
    assert by_role["instructor"].get(url).status_code == 404
