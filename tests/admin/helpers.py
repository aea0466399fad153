"""Helpers for the coordinator's tests: a route-walk row played as every role."""
from __future__ import annotations

from tests.conftest import csrf_token


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
            form["csrf_token"] = csrf_token(client)
            response = client.post(url, data=form, **post_options)
        assert response.status_code != 500, (role, url)
        got[role] = response.status_code
    return got
