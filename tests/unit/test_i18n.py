"""Locale choice: saved choice, else the workshop's language, else the browser's; lang and dir."""
from __future__ import annotations

import re

from tests.conftest import csrf_token, sign_in
from workshop.extensions import db
from workshop.models import User


def html_attrs(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([a-z]+)" dir="(rtl|ltr)">', response.get_data(as_text=True))
    return match.group(1), match.group(2)


def test_first_visit_shows_the_chooser_with_names_in_their_own_script(client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for name in ["Soomaali", "العربية", "Suomi", "English"]:
        assert name in html
    assert 'lang="ar"' in html and 'dir="rtl"' in html  # the Arabic button itself


def test_browser_language_is_used_before_a_choice(client):
    assert html_attrs(client.get("/", headers={"Accept-Language": "ar,en;q=0.5"})) == ("ar", "rtl")
    assert html_attrs(client.get("/", headers={"Accept-Language": "de"})) == ("en", "ltr")


def test_choosing_a_language_is_remembered(client):
    token = csrf_token(client, "/language")
    response = client.post("/language", data={"locale": "so", "csrf_token": token, "next": "/sign-in"})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert html_attrs(client.get("/sign-in", headers={"Accept-Language": "fi"})) == ("so", "ltr")
    assert client.get("/").headers["Location"].endswith("/sign-in")  # no chooser again


def test_unknown_language_or_open_redirect_is_refused(client):
    token = csrf_token(client, "/language")
    assert client.post("/language", data={"locale": "xx", "csrf_token": token}).status_code == 400
    response = client.post("/language", data={"locale": "fi", "csrf_token": token, "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_workshop_language_applies_until_she_chooses(app, factory):
    workshop = factory.workshop("ar")
    uid, code, _ = factory.learner(workshop)
    client = app.test_client()
    sign_in(client, code)
    assert html_attrs(client.get("/home", headers={"Accept-Language": "fi"})) == ("ar", "rtl")
    token = csrf_token(client, "/home")
    client.post("/language", data={"locale": "so", "csrf_token": token})
    with app.app_context():
        assert db.session.get(User, uid).locale == "so"
    fresh = app.test_client()
    sign_in(fresh, code)
    assert html_attrs(fresh.get("/home")) == ("so", "ltr")


def test_choice_before_sign_in_is_saved_to_her_account(app, factory):
    uid, code, _ = factory.learner(factory.workshop("so"))
    client = app.test_client()
    client.post("/language", data={"locale": "fi", "csrf_token": csrf_token(client, "/language")})
    sign_in(client, code)
    with app.app_context():
        assert db.session.get(User, uid).locale == "fi"


def test_every_locale_renders_the_player(app, factory):
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    for locale, direction in [("so", "ltr"), ("ar", "rtl"), ("fi", "ltr"), ("en", "ltr")]:
        uid, code, _ = factory.learner(factory.workshop(locale if locale in ("so", "ar") else "so"), locale=locale)
        client = app.test_client()
        sign_in(client, code)
        response = client.get(f"/learn/start/01-welcome/steps/{lesson.steps[0].id}")
        assert response.status_code == 200
        assert html_attrs(response) == (locale, direction)


def test_a_gloss_with_brackets_of_its_own_is_not_bracketed_twice(app):
    """Beside a Finnish label the gloss stands in brackets (CSS); "Mail (letters on paper)" there
    read "Posti (Mail (letters on paper))". It reads "Posti (Mail: letters on paper)"."""
    from flask_babel import force_locale

    from workshop.web import fi_label

    with app.test_request_context(), force_locale("en"):
        html = str(fi_label("Posti", "bank-posti"))
    gloss = html.split('class="gloss"', 1)[1]
    assert "Mail: letters on paper" in gloss and "(" not in gloss and ")" not in gloss
    with app.test_request_context(), force_locale("en"):
        assert "Saldo" in str(fi_label("Saldo"))  # a plain gloss is left as it is


def test_a_list_of_names_uses_the_readers_comma_and_keeps_each_name_whole(app):
    """Staff pages list names ("no plan yet: Amina, Hibaaq"): Arabic has its own comma, and each name
    is isolated in its own script's direction, so two Arabic words keep their order."""
    from flask_babel import force_locale

    from workshop.formats import listing

    with app.test_request_context(), force_locale("ar"):
        assert listing(["Amina", "فاطمة علي"]) == "\u2068Amina\u2069\u060c \u2068فاطمة علي\u2069"
    with app.test_request_context(), force_locale("so"):
        assert listing(["Amina", "Hibaaq"]) == "Amina, Hibaaq"
    with app.test_request_context(), force_locale("ar"):
        html = app.jinja_env.from_string("{{ names|listing }}").render(names=["Amina", "Hibaaq"])
    assert "\u060c" in html


def test_interface_dates_are_read_as_in_finland_with_the_whole_year():
    """Babel's English is American (12/2/26, 2:05 PM) and its short Somali date has a two-digit year: a
    reader in Finland gets the day first, the whole year, and English a 24-hour clock."""
    from datetime import date, datetime

    from workshop.formats import local_date_plain, local_datetime_plain

    day, moment = date(2026, 12, 2), datetime(2026, 12, 2, 12, 5)  # 14.05 in Helsinki
    assert {loc: local_date_plain(day, loc) for loc in ("so", "ar", "fi", "en")} == {
        "so": "02/12/2026", "ar": "2/12/2026", "fi": "2.12.2026", "en": "02/12/2026"}
    assert local_datetime_plain(moment, "en") == "02/12/2026, 14.05"
    assert local_datetime_plain(moment, "fi") == "2.12.2026 14.05"
    assert local_datetime_plain(moment, "so").startswith("02/12/2026 ")
    assert local_date_plain(day, "en", "long") == "2 December 2026"
