"""An instructor's free-text note about a learner (her lessons page) is counselling data (issue 18,
item 5): written only after her consent, shown only while it is in force, each showing logged,
deleted when she withdraws it and by the retention job, in her data file and gone with her."""
from __future__ import annotations

import json
from datetime import date, datetime

from tests.conftest import csrf_token
from tests.counsel.helpers import enrollment_of
from workshop.counsel import rules
from workshop.counsel.models import View
from workshop.extensions import db
from workshop.models import Enrollment, InstructorNote, Workshop


def page(wid, uid):
    return f"/teach/groups/{wid}/learners/{uid}"


def notes_of(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(InstructorNote.text).order_by(InstructorNote.id)))


def views(app, what="notes") -> list[tuple[int, int]]:
    with app.app_context():
        return [(v.viewer_id, v.learner_id) for v in db.session.scalars(db.select(View).where(View.what == what))]


def add_note(app, uid, wid, text, by=None):
    with app.app_context():
        db.session.add(InstructorNote(enrollment_id=enrollment_of(uid, wid).id, author_id=by, text=text))
        db.session.commit()


def test_without_her_consent_no_note_is_written_and_an_older_one_stays_hidden(app, factory, teacher):
    client, staff, wid = teacher
    uid, _code, _token = factory.learner(wid, name="Hodan")
    add_note(app, uid, wid, "Written before consent was asked", by=staff)  # as before this rule
    html = client.get(page(wid, uid)).get_data(as_text=True)
    assert "Notes about her are kept only after she agrees" in html
    assert "1 note written before is kept hidden until she agrees." in html
    assert f'action="{page(wid, uid)}/notes"' not in html and 'name="text"' not in html  # no form
    assert "Written before consent was asked" not in html
    assert f'href="{page(wid, uid)}/counselling#consent"' in html
    assert views(app) == []  # nothing was shown, nothing logged
    # a page left open (or a hand-made request): refused, nothing kept
    token = csrf_token(client, page(wid, uid))
    response = client.post(f"{page(wid, uid)}/notes", data={"csrf_token": token, "text": "She told me about her health"})
    assert response.status_code == 303 and response.location.endswith(f"{page(wid, uid)}/counselling#consent")
    assert notes_of(app) == ["Written before consent was asked"]
    assert "First record her consent" in client.get(response.location).get_data(as_text=True)


def test_with_her_consent_a_note_is_written_and_every_showing_is_logged(app, factory, teacher, coordinator):
    client, staff, wid = teacher
    coord, coord_id = coordinator
    uid, _code, _token = factory.learner(wid, name="Hodan")
    add_note(app, uid, wid, "Written before consent was asked", by=staff)
    assert views(app) == []
    client.get(page(wid, uid))
    with app.app_context():
        rules.give_consent(uid, staff)
        db.session.commit()
    html = client.get(page(wid, uid)).get_data(as_text=True)
    assert "Written before consent was asked" in html  # shown now that she agreed
    assert "Each visit is recorded." in html and f'action="{page(wid, uid)}/notes"' in html
    assert views(app) == [(staff, uid)]
    token = csrf_token(client, page(wid, uid))
    assert views(app) == [(staff, uid)] * 2  # reading the token opened the page once more
    response = client.post(f"{page(wid, uid)}/notes", data={"csrf_token": token, "text": "  Reads well.  "})
    assert response.status_code == 303 and response.location.endswith("#notes")
    assert notes_of(app) == ["Written before consent was asked", "Reads well."]
    coord.get(page(wid, uid))
    assert views(app) == [(staff, uid)] * 2 + [(coord_id, uid)]
    log = coord.get("/admin/counselling/log").get_data(as_text=True)
    assert "Instructors&#39; notes on her lessons page" in log or "Instructors' notes on her lessons page" in log
    # a learner with consent and no note: nothing shown, nothing logged
    other, _c, _t = factory.learner(wid, name="Amina")
    with app.app_context():
        rules.give_consent(other, staff)
        db.session.commit()
    assert client.get(page(wid, other)).status_code == 200
    assert [v for v in views(app) if v[1] == other] == []


def test_withdrawing_her_consent_deletes_her_notes_in_every_group(app, factory, teacher):
    client, staff, wid = teacher
    second = factory.workshop("so", name="Thursday group", instructor=staff)
    uid, _code, _token = factory.learner(wid, name="Hodan")
    other, _c, _t = factory.learner(wid, name="Amina")
    with app.app_context():
        db.session.add(Enrollment(workshop_id=second, learner_id=uid))
        for person in (uid, other):
            rules.give_consent(person, staff)
        db.session.commit()
    add_note(app, uid, wid, "Hodan, Tuesday", by=staff)
    add_note(app, uid, second, "Hodan, Thursday", by=staff)
    add_note(app, other, wid, "Amina's note", by=staff)
    token = csrf_token(client, page(wid, uid))
    response = client.post(f"{page(wid, uid)}/consent/withdraw", data={"csrf_token": token})
    assert response.status_code == 303
    assert notes_of(app) == ["Amina's note"]
    html = client.get(page(wid, uid)).get_data(as_text=True)
    assert "Notes about her are kept only after she agrees" in html and "kept hidden" not in html


def test_her_data_file_holds_a_hidden_note_and_deleting_her_removes_it(app, factory, teacher):
    client, staff, wid = teacher
    uid, _code, _token = factory.learner(wid, name="Hodan")
    add_note(app, uid, wid, "Written before consent was asked", by=staff)
    data = json.loads(client.get(f"{page(wid, uid)}/data.json").get_data(as_text=True))
    assert [n["text"] for n in data["instructor_notes"]] == ["Written before consent was asked"]
    token = csrf_token(client, page(wid, uid))
    assert client.post(f"{page(wid, uid)}/delete", data={"csrf_token": token}).status_code == 303
    assert notes_of(app) == []


def test_the_retention_job_removes_exactly_the_notes_of_groups_past_the_period(app, factory, teacher, frozen_clock):
    client, staff, current = teacher
    expired = factory.workshop("so", name="Spring 2024", instructor=staff)
    edge = factory.workshop("so", name="Autumn 2024", instructor=staff)
    with app.app_context():
        db.session.get(Workshop, expired).starts_on, db.session.get(Workshop, expired).ends_on = \
            date(2024, 1, 8), date(2024, 5, 31)
        db.session.get(Workshop, edge).starts_on, db.session.get(Workshop, edge).ends_on = \
            date(2024, 8, 5), date(2024, 12, 2)  # a day after the cut-off: stays
        db.session.commit()
    people = {}
    for wid, name in ((expired, "Old, agreed"), (expired, "Old, never asked"), (edge, "Edge"), (current, "Now")):
        uid, _c, _t = factory.learner(wid, name=name)
        people[name] = uid
        if name != "Old, never asked":
            with app.app_context():
                rules.give_consent(uid, staff)
                db.session.commit()
        add_note(app, uid, wid, f"About {name}", by=staff)
    frozen_clock(datetime(2026, 12, 1, 9, 0))
    result = app.test_cli_runner().invoke(args=["counsel", "retention"])
    assert result.exit_code == 0, result.output
    assert "1 groups ended on or before 2024-12-01" in result.output and ", 2 notes," in result.output
    assert notes_of(app) == ["About Edge", "About Now"]
    again = app.test_cli_runner().invoke(args=["counsel", "retention"])
    assert "0 groups" in again.output and notes_of(app) == ["About Edge", "About Now"]


def test_another_groups_instructor_neither_reads_nor_writes_her_notes(app, factory, teacher, other_teacher):
    client, staff, wid = teacher
    stranger, stranger_id = other_teacher
    uid, _code, _token = factory.learner(wid, name="Hodan")
    with app.app_context():
        rules.give_consent(uid, staff)
        db.session.commit()
    add_note(app, uid, wid, "Private", by=staff)
    token = csrf_token(stranger, "/teach/")
    assert stranger.get(page(wid, uid)).status_code == 404
    assert stranger.post(f"{page(wid, uid)}/notes", data={"csrf_token": token, "text": "Mine"}).status_code == 404
    # her own group with this learner's id: not found either
    own = factory.workshop("so", name="Her own group", instructor=stranger_id)
    assert stranger.get(page(own, uid)).status_code == 404
    assert stranger.post(f"{page(own, uid)}/notes", data={"csrf_token": token, "text": "Mine"}).status_code == 404
    assert notes_of(app) == ["Private"] and views(app) == []
