"""Every form a learner or staff member can reach, fuzzed: random, overlong, mixed-script and
control-character input never gives a 5xx, and the answer is a page in the user's language.
Also: every state-changing route refuses a request without a CSRF token."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token, sign_in
from tests.security.crawl import crawl, example_url
from workshop.models import Role

NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Lo", "Mn"]), max_size=60),
    st.just("<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"),
    st.just("مرحبا Soomaali ÄÖ 😀 \u202e\u200f RTL"),
    st.just("x" * 20000),
    st.just("\x00\x01\x1b[31m"),
    st.just("=HYPERLINK(\"http://evil\")"),
    st.just("-1e309"),
    st.just(""),
)
TEXT_KINDS = {"text", "textarea", "search", "email", "number", "date", "time", "tel", "url", "password", "datetime-local"}


def _fill(form, value: str) -> dict:
    data: dict[str, str] = {}
    for kind, name, default in form.fields:
        if kind in TEXT_KINDS:
            data[name] = value
        elif name not in data:
            data[name] = default
    if form.buttons:
        name, button_value = form.buttons[0]
        data.setdefault(name, button_value)
    return data


def _signed_in_client(app, factory, role: str):
    workshop = factory.workshop("so")
    client = app.test_client()
    if role == "learner":
        _uid, code, _ = factory.learner(workshop, name="Fuzz", locale="so")
        assert sign_in(client, code).status_code == 303
        return client, ["/home", "/my-progress"] + [f"/practice/open/{s}" for s in app.extensions["askel_sims"]]
    uid = factory.staff(role, role=Role.INSTRUCTOR if role == "instructor" else Role.COORDINATOR, password="pw-for-fuzzing")
    with app.app_context():
        from workshop.extensions import db
        from workshop.models import User, Workshop

        user = db.session.get(User, uid)
        user.locale = "so"
        group = db.session.get(Workshop, workshop)
        group.instructors.append(user)
        db.session.commit()
    factory.learner(workshop, name="Someone")
    token = csrf_token(client, "/staff/sign-in")
    assert client.post("/staff/sign-in", data={"username": role, "password": "pw-for-fuzzing", "csrf_token": token}).status_code == 303
    return client, ["/teach/", "/admin/"]


@pytest.mark.parametrize("role", ["learner", "instructor", "coordinator"])
def test_every_form_survives_fuzzing(app, factory, role):
    client, start = _signed_in_client(app, factory, role)
    pages, forms = crawl(client, start)
    assert forms, f"no forms found for {role} on {pages}"
    problems: list[str] = []

    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(value=NASTY)
    def submit(value):
        for form in forms:
            page = client.get(form.page)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
            data = _fill(form, value)
            if token:
                data["csrf_token"] = token.group(1)
            response = client.post(urlsplit(form.action).path, data=data)
            if response.status_code >= 500:
                problems.append(f"{response.status_code} on {form.action} from {form.page} with {value[:40]!r}")
            elif response.status_code < 300 and "text/html" in response.content_type:
                body = response.get_data(as_text=True)
                if "<html" in body and '<html lang="so"' not in body:
                    problems.append(f"not in her language: {form.action}")

    submit()
    assert not problems, sorted(set(problems))[:15]
    # what was typed is shown as text everywhere it appears, never as markup
    pages_after, _forms = crawl(client, start)
    for path in pages_after:
        body = client.get(path).get_data(as_text=True)
        assert "<img src=x onerror=alert(1)>" not in body and "<script>alert(1)</script>" not in body, path


@pytest.mark.parametrize("role", ["learner", "coordinator"])
def test_every_state_changing_route_needs_the_csrf_token(app, factory, role):
    client, _start = _signed_in_client(app, factory, role)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not (rule.methods & {"POST", "PUT", "PATCH", "DELETE"}) or rule.endpoint == "static":
            continue
        url = example_url(rule, number=1)
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, f"{rule.rule} answered {response.status_code} without a CSRF token"
        checked += 1
    assert checked >= 5
