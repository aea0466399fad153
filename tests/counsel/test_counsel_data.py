"""The counselling tables and their rules (workshop/counsel): consent first, withdrawal deletes what
was kept on its strength, her data file and her deletion include everything."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from workshop.counsel import rules
from workshop.counsel.models import SEEDED_TOPICS, Consent, CounselSession, Plan, Topic, View
from workshop.extensions import db
from workshop.models import User
from workshop.teach.history import learner_data

from .helpers import counselled


def test_the_eight_topics_are_there_in_order_and_come_back_if_emptied(app, ctx):
    assert [t.key for t in rules.topics()] == list(SEEDED_TOPICS)
    db.session.execute(db.delete(Topic))
    db.session.commit()
    assert [t.key for t in rules.topics()] == list(SEEDED_TOPICS)
    assert db.session.scalar(db.select(db.func.count(Topic.id))) == 8


def test_one_consent_in_force_at_a_time(app, factory, ctx):
    staff = factory.staff()
    uid, _code, _token = factory.learner(factory.workshop(instructor=staff))
    assert rules.consent_in_force(uid) is None
    rules.give_consent(uid, staff)
    db.session.commit()
    with pytest.raises(IntegrityError):
        rules.give_consent(uid, staff)
    db.session.rollback()
    consent = rules.consent_in_force(uid)
    assert consent.recorded_by_id == staff
    rules.withdraw_consent(consent, staff)
    db.session.commit()
    assert rules.consent_in_force(uid) is None
    rules.give_consent(uid, staff)  # given again later: a new row, the old one stays as a record
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Consent.id)).where(Consent.learner_id == uid)) == 2


def test_withdrawing_deletes_her_sessions_and_plans_and_keeps_the_record(app, factory, ctx):
    staff = factory.staff()
    workshop = factory.workshop(instructor=staff)
    uid, _code, _token = factory.learner(workshop)
    other, _code, _token = factory.learner(workshop, name="Hodan")
    counselled(uid, workshop, staff)
    counselled(other, workshop, staff)
    rules.log_view(staff, uid, workshop, "plan")
    assert rules.withdraw_consent(rules.consent_in_force(uid), staff) == 2
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(CounselSession.id))) == 1  # Hodan's stays
    assert db.session.scalar(db.select(db.func.count(Plan.id))) == 1
    assert db.session.scalar(db.select(db.func.count(View.id))) == 1
    data = learner_data(db.session.get(User, uid))["counselling"]
    assert data["sessions"] == [] and data["plans"] == []
    assert data["consents"][0]["withdrawn_at"] and data["read_by"][0]["what"] == "plan"


def test_her_data_file_holds_all_of_it(app, factory, ctx):
    staff = factory.staff()
    workshop = factory.workshop(instructor=staff)
    uid, _code, _token = factory.learner(workshop)
    counselled(uid, workshop, staff)
    rules.log_view(staff, uid, workshop, "sessions")
    db.session.commit()
    data = learner_data(db.session.get(User, uid))["counselling"]
    assert data["consents"][0]["recorded_by"] == "Deeqa" and data["consents"][0]["withdrawn_at"] is None
    assert data["sessions"] == [{"group": "Test group", "held_on": "2026-10-06", "kind": "personal",
                                 "topics": ["services", "family"], "note": "She asked about Kela's child benefit.",
                                 "by": "Deeqa"}]
    assert data["plans"][0]["goal"] == "Haluan oppia suomea ja saada työtä."
    assert data["plans"][0]["direction"] == "finnish_course" and data["plans"][0]["check_on"] == "2026-11-20"
    assert data["read_by"][0]["by"] == "Deeqa" and data["read_by"][0]["what"] == "sessions"


def test_deleting_her_deletes_all_of_it(app, factory, ctx):
    staff = factory.staff()
    workshop = factory.workshop(instructor=staff)
    uid, _code, _token = factory.learner(workshop)
    counselled(uid, workshop, staff)
    rules.log_view(staff, uid, workshop, "plan")
    db.session.commit()
    db.session.delete(db.session.get(User, uid))
    db.session.commit()
    for model in (Consent, CounselSession, Plan, View):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0, model.__name__
    assert db.session.scalar(db.select(db.func.count()).select_from(
        db.metadata.tables["counsel_session_topics"])) == 0
