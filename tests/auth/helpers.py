"""Helpers for the tablet tests: a set-up tablet, a picture password, taps on the picture page."""
from __future__ import annotations

import re

from tests.conftest import CSRF_RE, csrf_token, staff_client
from workshop.extensions import db

CHOSEN_RE = re.compile(r'name="chosen" value="([^"]*)"')


def set_pictures(app, learner_id: int, pictures=(2, 7, 0)) -> None:
    from workshop.auth.tablet_models import set_picture_password

    with app.app_context():
        set_picture_password(learner_id, list(pictures))
        db.session.commit()


def set_up_tablet(app, instructor: str, workshop_id: int):
    """A fresh client that an instructor set up as a tablet of the group, then signed out of."""
    client = staff_client(app, instructor)
    response = client.post(f"/tablet/setup/{workshop_id}", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    assert client.get_cookie("askel_tablet") is not None
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tablet/")
    return client


def tap(client, learner_id: int, pictures) -> object:
    """Tap pictures one by one on her picture page, as the no-JS form does; returns the last response."""
    path = f"/tablet/learners/{learner_id}"
    page = client.get(path)
    html = page.get_data(as_text=True)
    response = page
    for picture in pictures:
        token = CSRF_RE.search(html).group(1)
        chosen = CHOSEN_RE.search(html).group(1)
        response = client.post(path, data={"csrf_token": token, "chosen": chosen, "picture": str(picture)})
        if response.status_code != 200:
            return response
        html = response.get_data(as_text=True)
    return response
