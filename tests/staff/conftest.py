"""Instructor-side fixtures: signed-in staff clients and a small class with some progress."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from workshop.models import Role

PASSWORD = "correct horse battery"


def staff_client(app, username: str):
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def teacher(app, factory):
    """An instructor (English) with one Somali group: (client, instructor id, workshop id)."""
    uid = factory.staff("deeqa")
    with app.app_context():
        from workshop.extensions import db
        from workshop.models import User

        db.session.get(User, uid).locale = "en"
        db.session.commit()
    wid = factory.workshop("so", name="Tuesday group", instructor=uid)
    return staff_client(app, "deeqa"), uid, wid


@pytest.fixture
def other_teacher(app, factory):
    uid = factory.staff("liisa")
    return staff_client(app, "liisa"), uid


@pytest.fixture
def coordinator(app, factory):
    uid = factory.staff("mirja", role=Role.COORDINATOR)
    return staff_client(app, "mirja"), uid


def token_of(client, path: str) -> str:
    return csrf_token(client, path)
