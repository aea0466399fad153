"""Helpers for the coordinator and tablet tests: staff sign-in, tokens, a set-up tablet, picture taps."""
from __future__ import annotations

import re

from tests.conftest import CSRF_RE
from workshop.extensions import db

PASSWORD = "correct horse battery"
CHOSEN_RE = re.compile(r'name="chosen" value="([^"]*)"')


def token_from(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def any_token(client) -> str:
    """A CSRF token of this client's session (every page has one once she is signed in)."""
    return token_from(client, "/language")


def answers_by_role(world: dict, roles, route: tuple[str, str], path, data, **post_options) -> dict:
    """A route-walk table's row played as every role: {role: status}. Never a 500.

    `route` is (rule, method); `path` and `data` are values or functions of the world."""
    got = {}
    for role in roles:
        client = world["clients"][role]
        url = path(world) if callable(path) else path
        if route[1] == "GET":
            response = client.get(url)
        else:
            form = data(world) if callable(data) else dict(data or {})
            form["csrf_token"] = any_token(client)
            response = client.post(url, data=form, **post_options)
        assert response.status_code != 500, (role, url)
        got[role] = response.status_code
    return got


def staff_client(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    token = token_from(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


def set_pictures(app, learner_id: int, pictures=(2, 7, 0)) -> None:
    from workshop.auth.tablet_models import set_picture_password

    with app.app_context():
        set_picture_password(learner_id, list(pictures))
        db.session.commit()


def set_up_tablet(app, instructor: str, workshop_id: int):
    """A fresh client that an instructor set up as a tablet of the group, then signed out of."""
    client = staff_client(app, instructor)
    response = client.post(f"/tablet/setup/{workshop_id}", data={"csrf_token": any_token(client)})
    assert response.status_code == 303
    assert client.get_cookie("askel_tablet") is not None
    response = client.post("/sign-out", data={"csrf_token": any_token(client)})
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
