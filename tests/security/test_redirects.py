"""Every redirect to a place the browser named stays on this site, as a browser would read it."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import csrf_token, sign_in
from workshop.redirects import same_site_path

# What people have used to leave a site through a "next" parameter; each one, read by a browser,
# names another host (or a scheme) unless it is refused.
HOSTILE = [
    "//evil.example", "/\t/evil.example", "/%09/evil.example", "/\\evil.example", "\\/evil.example",
    "\\\\evil.example", "/\r\n/evil.example", "\t//evil.example", " //evil.example", "https://evil.example/",
    "javascript:alert(1)", "/\x00/evil.example", "http:evil.example", "///evil.example", "/\\/evil.example",
]


def browser_reads(location: str) -> tuple[str, str]:
    """(scheme, host) of a Location header as a browser takes it: percent-escapes of tab/CR/LF in
    the header are not decoded by browsers, but a server or proxy in between may, so both are tried."""
    results = []
    for text in (location, unquote(location)):
        cleaned = "".join(ch for ch in text if ch not in "\t\r\n").replace("\\", "/").strip()
        parts = urlsplit(cleaned)
        results.append((parts.scheme, parts.netloc))
    return next((r for r in results if any(r)), ("", ""))


@pytest.mark.parametrize("target", HOSTILE)
def test_the_helper_refuses_every_way_off_the_site(target):
    assert same_site_path(target, "/fallback") == "/fallback" or browser_reads(same_site_path(target, "/x")) == ("", "")


@pytest.mark.parametrize("target", ["/sign-in", "/learn/mail/01-inbox/steps/open?x=1", "/home#top"])
def test_the_helper_keeps_paths_on_this_site(target):
    assert same_site_path(target, "/fallback") == target


@pytest.mark.parametrize("target", HOSTILE)
def test_language_choice_never_redirects_off_the_site(client, target):
    page = client.get("/language", query_string={"next": target})
    assert page.status_code == (400 if "\x00" in target else 200)  # NUL: refused before any view
    token = csrf_token(client, "/language")
    response = client.post("/language", data={"locale": "fi", "csrf_token": token, "next": target})
    if "\x00" in target:  # refused before any view (web.refuse_nul_characters)
        assert response.status_code == 400
        return
    assert response.status_code == 303
    assert browser_reads(response.headers["Location"]) == ("", ""), response.headers["Location"]


def test_the_reported_tab_trick_goes_to_the_start_page(client):
    token = csrf_token(client, "/language?next=/%09/evil.example")
    response = client.post("/language", data={"locale": "fi", "csrf_token": token, "next": "/\t/evil.example"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_help_button_back_never_leaves_the_site(learner_client, target):
    client, _uid, _code = learner_client
    token = csrf_token(client, "/home")
    response = client.post("/help", data={"csrf_token": token, "back": target})
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 303
    assert browser_reads(response.headers["Location"]) == ("", ""), response.headers["Location"]


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "//evil.example"])
def test_sign_in_next_never_leaves_the_site(app, factory, target):
    _uid, code, _ = factory.learner(factory.workshop())
    client = app.test_client()
    with client.session_transaction() as session:
        session["next"] = target
    response = sign_in(client, code)
    assert response.status_code == 303
    assert browser_reads(response.headers["Location"]) == ("", ""), response.headers["Location"]


@pytest.mark.parametrize("path", ["\t/evil.example", "\\evil.example", "inbox\r\nX: y"])
def test_practice_open_path_stays_in_the_practice(learner_client, path):
    client, _uid, _code = learner_client
    response = client.get("/practice/open/mail", query_string={"path": path})
    assert response.status_code in (302, 303)
    location = response.headers["Location"]
    assert browser_reads(location) == ("", "") and location.startswith("/practice/mail/"), location
