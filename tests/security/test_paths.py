"""Every route of the URL map, with hostile path parameters and query strings, as every role:
numbers beyond the database's integer range, NUL, CR/LF, very long and broken text. The answer is
never a 5xx. Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (CI runs both)."""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.conftest import csrf_token
from tests.routes import ENDS_SESSION
from tests.security.crawl import crawl
from tests.security.test_forms import _signed_in_client

HUGE_NUMBERS = ["99999999999999999999", "2147483648", "9223372036854775808"]
HOSTILE_TEXT = ["%00", "a%0D%0Ab", "x" * 3000, "%C0%AF", "..%2F..%2Fetc", "%E2%80%AE%D8%A7"]
HOSTILE_QUERIES = [  # each alone, so that one refusal cannot hide another fault
    "path=a%0D%0Ab&next=%0D%0A%2F%2Fevil.example&back=%0Ax",
    "next=%00&step=%00%2Fx%2Fy&child=%00&q=%00&answered=%00&locale=%00",
    "q=" + "x" * 3000 + "&path=" + "y" * 3000,
    "page=%C2%B2",  # "²": a digit to str.isdigit(), not to int()
    "page=" + "9" * 5000,  # more digits than int() reads
]


def _urls(app) -> list[tuple[str, str]]:
    """(method, url) for each rule with each hostile value in each of its arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ENDS_SESSION:  # would end the session the other URLs need
            continue
        if rule.endpoint == "static" or not rule._converters:
            if rule.endpoint != "static":
                method = "GET" if "GET" in rule.methods else "POST"
                urls += [(method, rule.rule + "?" + query) for query in HOSTILE_QUERIES]
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        converters = rule._converters
        for arg in converters:
            values = HUGE_NUMBERS if isinstance(converters[arg], IntegerConverter) else HOSTILE_TEXT
            for value in values:
                path = rule.rule
                for other, conv in converters.items():
                    kind = type(conv).__name__
                    if other == arg:
                        filler = value
                    elif isinstance(conv, IntegerConverter):
                        filler = "1"
                    elif kind == "AnyConverter":
                        filler = sorted(conv.items)[0]
                    else:
                        filler = "x"
                    path = re.sub(r"<(?:[^<>:]+:)?" + re.escape(other) + r">", filler, path)
                urls.append((method, path))
    return urls


@pytest.mark.parametrize("role", ["anonymous", "learner", "instructor", "coordinator"])
def test_hostile_path_parameters_never_give_a_server_error(app, factory, role):
    if role == "anonymous":
        client, start = app.test_client(), ["/", "/sign-in", "/staff/sign-in", "/language"]
    else:
        client, start = _signed_in_client(app, factory, role)
    token = csrf_token(client, "/language")
    problems = []
    urls = _urls(app)
    assert len(urls) > 100
    assert sum(HUGE_NUMBERS[0] in url for _m, url in urls) >= 20  # every id route gets the huge numbers
    # the real pages she reaches (and the links that open them), with a hostile query string
    pages, _forms = crawl(client, start, limit=40)
    urls += [("GET", page + ("&" if "?" in page else "?") + query) for page in start + pages for query in HOSTILE_QUERIES]
    for method, url in urls:
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token, "text": "a\r\nb"})
        except Exception as exc:  # noqa: BLE001  (the test client re-raises what would be a 500)
            problems.append(f"{type(exc).__name__} on {method} {url[:120]}")
            continue
        if response.status_code >= 500:
            problems.append(f"{response.status_code} on {method} {url[:120]}")
        if role != "anonymous" and response.status_code in (302, 303) and "/sign-in" in response.location:
            problems.append(f"signed out by {method} {url[:120]}")
    assert not problems, problems[:20]


@pytest.mark.parametrize("path, data", [
    ("/staff/sign-in", {"username": "coordinator\x00", "password": "x"}),
    ("/sign-in", {"code": "ABCD\x00EFGH"}),
    ("/language", {"locale": "so", "next": "/home\x00"}),
])
def test_nul_in_an_anonymous_form_is_refused_with_a_page_in_her_language(app, path, data):
    client = app.test_client()
    token = csrf_token(client, "/language")
    response = client.post(path, data={**data, "csrf_token": token}, headers={"Accept-Language": "so"})
    assert response.status_code == 400
    assert '<html lang="so"' in response.get_data(as_text=True)


@pytest.mark.parametrize("body", ['{"code": "A\\u0000B"}', '{"a\\u0000": 1}', "{\"x\": \"\x00\"}"])
def test_nul_in_a_json_body_is_refused(app, body):
    client = app.test_client()
    token = csrf_token(client, "/language")
    response = client.post("/sign-in", data=body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400
