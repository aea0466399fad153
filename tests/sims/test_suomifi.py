"""The practice Suomi.fi and Kela (workshop/sims/suomifi): identification, Suomi.fi Messages, OmaKela's
payments, reports of changes, the home care allowance application, decisions and appeals, the fake
Kela text; the task checks; validation in her language; one filing per submit; isolation between learners."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.conftest import csrf_token, sign_in
from workshop import clock
from workshop.curriculum import TASKS
from workshop.extensions import db
from workshop.models import FormSubmission, User
from workshop.sims.suomifi import service
from workshop.sims.suomifi.models import SuomifiFiling, SuomifiLetter, SuomifiPhoneMessage, SuomifiState

BASE = "/practice/suomifi"
PAGES = ["/", "/tunnistus", "/tunnistus/pankki/harjoituspankki", "/tunnistus/mobiilivarmenne", "/sovellus",
         "/puhelin", "/viestit", "/omakela", "/omakela/maksut", "/omakela/asiakirjat", "/omakela/muutoksenhaku",
         "/omakela/muutos", "/omakela/muutos/varhaiskasvatus", "/omakela/muutos/muutto", "/omakela/hakemus",
         "/omakela/hakemus/kotihoidon-tuki", "/omakela/liitteet"]
ONCE = "k" * 20


def learner(app, factory, name="Amina", locale="en", open_it=True, identify=True):
    uid, code, _ = factory.learner(factory.workshop("so"), name=name, locale=locale)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    if open_it:  # her sandbox is seeded the first time she opens the practice
        assert client.get(BASE + "/").status_code == 200
    if identify:
        identify_with_bank(client)
    return client, uid


def identify_with_bank(client):
    token = csrf_token(client, BASE + "/tunnistus/pankki/harjoituspankki")
    assert client.post(BASE + "/tunnistus/pankki/harjoituspankki",
                       data={"csrf_token": token, "user_id": "12345678"}).status_code == 303
    response = client.post(BASE + "/sovellus", data={"csrf_token": token, "pin": "1234", "action": "confirm"})
    assert response.status_code == 303


def check(app, uid, name):
    with app.test_request_context():
        return TASKS[name](db.session.get(User, uid))


def rows(app, uid, model):
    with app.app_context():
        return db.session.scalars(db.select(model).where(model.learner_id == uid).order_by(model.id)).all()


def snapshot(app, uid):
    with app.app_context():
        found = []
        for table in (SuomifiState, SuomifiLetter, SuomifiPhoneMessage, SuomifiFiling):
            for row in db.session.scalars(db.select(table).where(table.learner_id == uid)):
                found.append({c.name: getattr(row, c.name) for c in table.__table__.columns})
        return found


def seed_day(app, uid) -> date:
    with app.app_context():
        return db.session.get(SuomifiState, uid).seed_day


def letter_id(app, uid, box, key):
    with app.app_context():
        return db.session.scalar(db.select(SuomifiLetter.id).where(
            SuomifiLetter.learner_id == uid, SuomifiLetter.box == box, SuomifiLetter.key == key))


def phone_id(app, uid, key):
    with app.app_context():
        return db.session.scalar(db.select(SuomifiPhoneMessage.id).where(
            SuomifiPhoneMessage.learner_id == uid, SuomifiPhoneMessage.key == key))


def post(client, path, **data):
    return client.post(BASE + path, data={"csrf_token": csrf_token(client, BASE + "/"), **data})


# ---- the rules, as pure functions -------------------------------------------------------------------

def test_the_appeal_time_is_37_days_from_the_posting_date():
    assert service.appeal_deadline(date(2026, 3, 2)) == date(2026, 4, 8)


@pytest.mark.parametrize("year, month, paid", [
    (2026, 11, date(2026, 11, 26)),  # a Thursday: the 26th
    (2026, 1, date(2026, 1, 23)),    # the 26th is a Monday: the banking day before, Friday
    (2026, 4, date(2026, 4, 24)),    # the 26th is a Sunday
    (2026, 12, date(2026, 12, 23)),  # the 24th to the 26th are holidays
])
def test_child_benefit_is_paid_on_the_26th_or_the_banking_day_before(year, month, paid):
    """Kela: on the 26th; when the 26th is a Saturday, Sunday, Monday or holiday, on the banking day
    before (https://www.kela.fi/maksupaivat)."""
    assert service.pay_day("lapsilisa", year, month) == paid


def test_home_care_allowance_is_paid_on_the_months_last_banking_day():
    """Kela: "Tuen maksupäivä on kuukauden viimeinen pankkipäivä" (https://www.kela.fi/lasten-kotihoidon-tuki)."""
    assert service.pay_day("kotihoidon-tuki", 2026, 11) == date(2026, 11, 30)  # a Monday
    assert service.pay_day("kotihoidon-tuki", 2026, 5) == date(2026, 5, 29)   # the 31st is a Sunday
    assert service.pay_day("kotihoidon-tuki", 2026, 12) == date(2026, 12, 31)
    assert service.pay_day("kotihoidon-tuki", 2027, 1) == date(2027, 1, 29)     # the 30th, 31st: a weekend


def test_her_payments_fall_on_those_days_whatever_day_she_starts():
    family = service.Family(_scenario_data())
    for seed in (date(2026, 12, 1), date(2026, 11, 27), date(2027, 1, 26), date(2026, 6, 30)):
        rows = service.payment_rows(family, seed)
        for row in rows:
            assert row["day"] == service.pay_day(row["benefit"], row["day"].year, row["day"].month), (seed, row)
            assert (row["day"] >= seed) == (row["month"] == 0), (seed, row)  # paid before, the coming one after
        for benefit in ("lapsilisa", "kotihoidon-tuki"):
            days = sorted(r["day"] for r in rows if r["benefit"] == benefit)
            assert len({(d.year, d.month) for d in days}) == len(days) == 3, (seed, benefit)  # one a month


@pytest.mark.parametrize("iban, ok", [("FI21 1234 5600 0007 85", True), ("fi2112345600000785", True),
                                      ("FI21 1234 5600 0007 86", False), ("FI21 1234", False), ("SE21 1234 5600 0007 85", False)])
def test_a_finnish_iban_is_checked_with_mod_97(iban, ok):
    assert service.iban_ok(iban) is ok


def test_dates_are_read_as_a_date_field_or_a_finn_writes_them():
    assert service.parse_day("2026-12-24") == service.parse_day("24.12.2026") == date(2026, 12, 24)
    assert service.parse_day("31.2.2026") is None and service.parse_day("tomorrow") is None
    assert service.months_back(date(2026, 8, 31), 6) == date(2026, 2, 28)


# ---- pages ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_every_page_opens_in_every_locale(app, factory, locale):
    client, uid = learner(app, factory, locale=locale)
    for path in PAGES:
        response = client.get(BASE + path)
        assert response.status_code == 200, (path, response.status_code)
        assert "Practice" in response.get_data(as_text=True) or locale != "en"
    for path in [f"/viestit/{letter_id(app, uid, 'viestit', 'daycare')}",
                 f"/omakela/asiakirjat/{letter_id(app, uid, 'omakela', 'home-care')}",
                 f"/puhelin/{phone_id(app, uid, 'omakeia')}", f"/puhelin/{phone_id(app, uid, 'omakeia')}/linkki"]:
        assert client.get(BASE + path).status_code == 200, path


def test_suomifi_messages_and_omakela_ask_for_identification_first(app, factory):
    client, _uid = learner(app, factory, identify=False)
    for path in ["/viestit", "/omakela", "/omakela/maksut", "/omakela/hakemus/kotihoidon-tuki", "/omakela/liitteet"]:
        response = client.get(BASE + path)
        assert response.status_code == 303 and "/tunnistus?next=" in response.location, path
    assert client.get(BASE + "/puhelin").status_code == 200  # her phone needs no identification


@pytest.mark.parametrize("name, shown", [("Ahmed", "Ahmed Hassan"), ("Hodan Ali", "Hodan Ali")])
def test_the_service_shows_her_own_name_not_the_scenario_s(app, factory, name, shown):
    """A father sees his own name at the top of OmaKela, as the real one shows whoever identified; a
    first name alone takes the practice family's surname (its letters are about that family)."""
    client, _uid = learner(app, factory, name=name)
    html = client.get(BASE + "/omakela").get_data(as_text=True)
    assert f'<span class="sf-who">{shown}</span>' in html and "Amina Hassan" not in html


# ---- strong identification ---------------------------------------------------------------------------

def test_bank_codes_then_confirm_in_the_practice_app(app, factory):
    client, uid = learner(app, factory, identify=False)
    assert not check(app, uid, "suomifi.identified").done
    response = post(client, "/tunnistus/pankki/harjoituspankki", user_id="99999999", next=BASE + "/viestit")
    assert response.status_code == 422 and "This is not the practice user ID" in response.get_data(as_text=True)
    assert post(client, "/tunnistus/pankki/harjoituspankki", user_id="").status_code == 422
    assert client.get(BASE + "/tunnistus/pankki/no-such-bank").status_code == 404
    response = post(client, "/tunnistus/pankki/harjoituspankki", user_id="1234 5678", next=BASE + "/viestit")
    assert response.status_code == 303 and "/tunnistus/odota" in response.location
    html = client.get(BASE + "/sovellus").get_data(as_text=True)
    assert "Harjoituspankki" in html and "1234" in html  # the practice PIN is printed: never a real one
    response = post(client, "/sovellus", pin="0000", action="confirm")
    assert response.status_code == 422 and "Wrong PIN" in response.get_data(as_text=True)
    assert not check(app, uid, "suomifi.identified").done
    response = post(client, "/sovellus", pin="1234", action="confirm", next=BASE + "/viestit")
    assert response.status_code == 303 and response.location.endswith(BASE + "/viestit")
    assert check(app, uid, "suomifi.identified").done
    assert client.get(BASE + "/viestit").status_code == 200


def test_mobiilivarmenne_shows_the_same_code_on_both_screens_and_can_be_refused(app, factory):
    client, uid = learner(app, factory, identify=False)
    for bad, message in [("", "Please type your phone number"), ("040 12a", "only numbers"),
                         ("050 765 4321", "use the practice number")]:
        response = post(client, "/tunnistus/mobiilivarmenne", phone=bad)
        assert response.status_code == 422 and message in response.get_data(as_text=True), bad
    assert post(client, "/tunnistus/mobiilivarmenne", phone="+358 40 123 4567").status_code == 303
    with app.app_context():
        code = db.session.get(SuomifiState, uid).pending_code
    assert re.fullmatch(r"[A-HJ-NP-Z]{5}", code)  # five letters, as the real one
    for screen in ("/tunnistus/odota", "/sovellus"):  # the word of the Suomi.fi page's own text (its glossary)
        html = client.get(BASE + screen).get_data(as_text=True)
        assert code in html and "Tapahtumatunnus" in html, screen
        assert "Vahvistuskoodi" not in html and "Tapahtumatunniste" not in html, screen
    assert post(client, "/sovellus", action="reject").status_code == 303  # "Hylkää": nobody identified
    assert not check(app, uid, "suomifi.identified").done
    assert "Nothing to confirm" in client.get(BASE + "/sovellus").get_data(as_text=True)
    assert post(client, "/tunnistus/mobiilivarmenne", phone="0401234567").status_code == 303
    assert post(client, "/sovellus", pin="1234", action="confirm").status_code == 303
    assert check(app, uid, "suomifi.identified").done
    assert post(client, "/kirjaudu-ulos").status_code == 303
    assert client.get(BASE + "/omakela").status_code == 303  # signed out: identify again


def test_the_return_address_stays_inside_the_practice(app, factory):
    client, _uid = learner(app, factory, identify=False)
    post(client, "/tunnistus/pankki/harjoituspankki", user_id="12345678")
    response = post(client, "/sovellus", pin="1234", action="confirm", next="https://evil.example/")
    assert response.status_code == 303 and response.location.endswith(BASE + "/omakela")


# ---- Suomi.fi-viestit and OmaKela ---------------------------------------------------------------------

def test_the_city_letter_gives_the_first_day_and_reading_it_is_checked(app, factory):
    client, uid = learner(app, factory)
    assert not check(app, uid, "suomifi.read_daycare_letter").done
    html = client.get(BASE + "/viestit").get_data(as_text=True)
    assert "Harjoituskaupunki, varhaiskasvatus" in html and "Verohallinto" in html and "Kela" in html
    html = client.get(f"{BASE}/viestit/{letter_id(app, uid, 'viestit', 'daycare')}").get_data(as_text=True)
    start = service.daycare_start(service.Family(_scenario(app)), seed_day(app, uid))
    assert f"{start.day}.{start.month}.{start.year}" in html and start.weekday() < 5
    assert check(app, uid, "suomifi.read_daycare_letter").done


def _scenario(app):
    from workshop.curriculum.scenarios import load_scenario
    return load_scenario(app.extensions["askel_catalogue"].root, *service.SCENARIO)


def test_payments_show_paid_and_coming_and_looking_is_checked(app, factory):
    client, uid = learner(app, factory)
    assert not check(app, uid, "suomifi.looked_at_payments").done
    html = client.get(BASE + "/omakela/maksut").get_data(as_text=True)
    assert "333,51" in html and "377,68" in html and "Tulevat maksut" in html and "Maksetut" in html
    assert "Maksupäivä" in html  # Kela's word for the day a benefit is paid (its glossary names the page)
    assert check(app, uid, "suomifi.looked_at_payments").done


def test_reporting_that_the_child_starts_daycare(app, factory):
    client, uid = learner(app, factory)
    start = service.daycare_start(service.Family(_scenario(app)), seed_day(app, uid))
    for data, message in [({}, "Please choose the child"), ({"child": "ayaan", "start": start.isoformat()},
                                                              "already in municipal early childhood education"),
                          ({"child": "hamza", "start": "next week"}, "Please give the day like this"),
                          ({"child": "hamza", "start": "2001-01-01"}, "within a year")]:
        response = post(client, "/omakela/muutos/varhaiskasvatus", **data)
        assert response.status_code == 422 and message in response.get_data(as_text=True), data
    assert rows(app, uid, SuomifiFiling) == []
    assert not check(app, uid, "suomifi.reported_daycare").done
    wrong = start + timedelta(days=1)
    assert post(client, "/omakela/muutos/varhaiskasvatus", child="hamza", start=wrong.isoformat(),
                once="w" * 20).status_code == 303
    result = check(app, uid, "suomifi.reported_daycare")
    assert not result.done and "not the one in the city's letter" in result.hint
    # the same form twice (a double tap): one report
    for _ in range(2):
        assert post(client, "/omakela/muutos/varhaiskasvatus", child="hamza",
                    start=f"{start.day}.{start.month}.{start.year}", once=ONCE).status_code == 303
    assert len([f for f in rows(app, uid, SuomifiFiling) if f.details["start"] == start.isoformat()]) == 1
    assert check(app, uid, "suomifi.reported_daycare").done
    assert "Käsittelyssä" in client.get(BASE + "/omakela").get_data(as_text=True)


def test_reporting_a_move_is_validated(app, factory):
    client, uid = learner(app, factory)
    response = post(client, "/omakela/muutos/muutto", street="Kuusitie 1", postcode="123", town="Espoo",
                    day="2026-99-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "A postcode has 5 numbers" in html and "Please choose yes or no" in html
    assert "Please give the day like this" in html
    day = clock.today() + timedelta(days=10)
    assert post(client, "/omakela/muutos/muutto", street="Kuusitie 1", postcode="02100", town="Espoo",
                day=day.isoformat(), other_town="yes", once=ONCE).status_code == 303
    [move] = rows(app, uid, SuomifiFiling)
    assert move.kind == "move" and move.details["postcode"] == "02100" and move.details["other_town"] is True


def test_the_home_care_allowance_application_asks_checks_and_is_sent_once(app, factory):
    client, uid = learner(app, factory)
    today = clock.today()
    good = {"child": "nasra", "carer": "parent", "start": today.isoformat(), "supplement": "yes",
            "income": "2 350", "iban": "FI21 1234 5600 0007 85"}
    for change, message in [({"child": "ayaan"}, "not paid for a child in municipal daycare"),
                            ({"child": "hamza"}, "You already get home care allowance for Hamza"),
                            ({"carer": ""}, "Please choose who cares for the child"),
                            ({"start": (today - timedelta(days=200)).isoformat()}, "at most 6 months back"),
                            ({"income": "lots"}, "only numbers"),
                            ({"iban": "FI21 1234 5600 0007 86"}, "Please check the account number")]:
        response = post(client, "/omakela/hakemus/kotihoidon-tuki", **{**good, **change})
        assert response.status_code == 422 and message in response.get_data(as_text=True), change
    response = post(client, "/omakela/hakemus/kotihoidon-tuki", **good, action="review")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tarkista tiedot" in html and "Hyväksy" in html
    assert rows(app, uid, SuomifiFiling) == [] and not check(app, uid, "suomifi.applied_home_care").done
    for _ in range(2):  # "Hyväksy" tapped twice: one application
        response = post(client, "/omakela/hakemus/kotihoidon-tuki", **good, action="accept", once=ONCE)
        assert response.status_code == 303
    [application] = rows(app, uid, SuomifiFiling)
    assert application.subject == "nasra" and application.details["iban"] == "FI2112345600000785"
    assert check(app, uid, "suomifi.applied_home_care").done
    response = post(client, "/omakela/hakemus/kotihoidon-tuki", **good, action="accept", once="z" * 20)
    assert response.status_code == 422 and "You already applied for Nasra" in response.get_data(as_text=True)


def test_a_decision_shows_the_last_day_and_can_be_appealed_in_time(app, factory):
    client, uid = learner(app, factory)
    html = client.get(f"{BASE}/omakela/asiakirjat/{letter_id(app, uid, 'omakela', 'home-care')}").get_data(as_text=True)
    posted = seed_day(app, uid) - timedelta(days=12)
    deadline = posted + timedelta(days=37)
    assert "Muutoksenhakuohje" in html and f"{deadline.day}.{deadline.month}.{deadline.year}" in html
    old = client.get(f"{BASE}/omakela/asiakirjat/{letter_id(app, uid, 'omakela', 'child-benefit')}").get_data(as_text=True)
    assert "The last day has passed" in old
    response = post(client, "/omakela/muutoksenhaku", decision="child-benefit", change="x", reasons="y")
    assert response.status_code == 422 and "The time to ask for a change has passed" in response.get_data(as_text=True)
    response = post(client, "/omakela/muutoksenhaku", decision="home-care")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Please write what you want changed" in html and "Please write why" in html
    assert not check(app, uid, "suomifi.appealed_decision").done
    for _ in range(2):
        assert post(client, "/omakela/muutoksenhaku", decision="home-care", change="Hoitolisä 5 hengen perheelle",
                    reasons="Perheessä on 5 henkeä.", once=ONCE).status_code == 303
    assert len(rows(app, uid, SuomifiFiling)) == 1
    assert check(app, uid, "suomifi.appealed_decision").done


# ---- the fake Kela text -------------------------------------------------------------------------------

def test_saying_it_is_a_trick_without_opening_the_link_passes(app, factory):
    client, uid = learner(app, factory, identify=False)
    scam = phone_id(app, uid, "omakeia")
    assert not check(app, uid, "suomifi.recognised_scam").done
    html = client.get(f"{BASE}/puhelin/{scam}").get_data(as_text=True)
    assert "OmaKeIa" in html and "https://omakeIa-tunnistus.com/kela" in html
    assert post(client, f"/puhelin/{scam}/arvio", verdict="real").status_code == 303
    result = check(app, uid, "suomifi.recognised_scam")
    assert not result.done and "not from Kela" in result.hint
    assert post(client, f"/puhelin/{scam}/arvio", verdict="maybe").status_code == 303  # ignored
    assert post(client, f"/puhelin/{scam}/arvio", verdict="scam").status_code == 303
    assert check(app, uid, "suomifi.recognised_scam").done
    assert "OmaKela" in client.get(f"{BASE}/puhelin/{scam}").get_data(as_text=True)  # the signs are explained


def test_deleting_it_passes_but_opening_the_link_does_not(app, factory):
    client, uid = learner(app, factory, identify=False)
    scam = phone_id(app, uid, "omakeia")
    assert post(client, f"/puhelin/{scam}/poista").status_code == 303
    assert check(app, uid, "suomifi.recognised_scam").done
    assert "omakeIa" not in client.get(BASE + "/puhelin").get_data(as_text=True)
    other, other_id = learner(app, factory, name="Hodan", identify=False)
    scam = phone_id(app, other_id, "omakeia")
    assert "fake page" in other.get(f"{BASE}/puhelin/{scam}/linkki").get_data(as_text=True)
    post(other, f"/puhelin/{scam}/poista")
    result = check(app, other_id, "suomifi.recognised_scam")
    assert not result.done and "You opened the link" in result.hint
    real = phone_id(app, other_id, "notice-kela")
    assert other.get(f"{BASE}/puhelin/{real}/linkki").status_code == 404  # a real notice has no link


# ---- checks, reset, isolation ---------------------------------------------------------------------

def test_checks_before_the_practice_was_opened(app, factory):
    _client, uid = learner(app, factory, open_it=False, identify=False)
    names = [n for n in TASKS if n.startswith("suomifi.")]
    assert len(names) == 8
    for name in names:
        result = check(app, uid, name)
        assert not result.done and result.hint


def test_reset_starts_again_and_touches_only_her(app, factory):
    a, a_id = learner(app, factory, name="Amina")
    _b, b_id = learner(app, factory, name="Hodan")
    before_b = snapshot(app, b_id)
    post(a, f"/puhelin/{phone_id(app, a_id, 'omakeia')}/poista")
    assert check(app, a_id, "suomifi.recognised_scam").done
    assert a.post("/practice/reset/suomifi", data={"csrf_token": csrf_token(a), "confirm": "yes"}).status_code == 303
    assert not check(app, a_id, "suomifi.recognised_scam").done
    a.get(BASE + "/")  # seeded again, not identified
    assert not check(app, a_id, "suomifi.identified").done
    assert snapshot(app, b_id) == before_b


def test_every_route_with_another_learners_ids_is_404_and_changes_nothing(app, factory):
    owner, owner_id = learner(app, factory, name="Amina")
    before = snapshot(app, owner_id)
    intruder, _ = learner(app, factory, name="Hodan")
    letter, decision = letter_id(app, owner_id, "viestit", "daycare"), letter_id(app, owner_id, "omakela", "home-care")
    scam = phone_id(app, owner_id, "omakeia")
    token = csrf_token(intruder, BASE + "/")
    attempts = [("get", f"/viestit/{letter}", {}), ("get", f"/viestit/{decision}", {}),
                ("get", f"/omakela/asiakirjat/{decision}", {}), ("get", f"/omakela/asiakirjat/{letter}", {}),
                ("get", f"/puhelin/{scam}", {}), ("get", f"/puhelin/{scam}/linkki", {}),
                ("post", f"/puhelin/{scam}/poista", {"data": {"csrf_token": token}}),
                ("post", f"/puhelin/{scam}/arvio", {"data": {"csrf_token": token, "verdict": "scam"}})]
    for method, path, kwargs in attempts:
        response = getattr(intruder, method)(BASE + path, **kwargs)
        assert response.status_code == 404, (method, path, response.status_code)
    post(intruder, "/omakela/muutoksenhaku", decision="home-care", change="x", reasons="y")
    assert snapshot(app, owner_id) == before
    assert not check(app, owner_id, "suomifi.appealed_decision").done


def test_signed_out_and_staff_cannot_open_it(app, factory, client, teacher):
    signed_out = client.get(BASE + "/")
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.location
    staff, _uid, _workshop = teacher
    assert staff.get(BASE + "/").status_code in (403, 404)


# ---- an attachment: a photo of a document (sims/photos.py) -------------------------------------------

def jpeg_with_location() -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (60.0, 10.0, 0.0)}  # GPS: where the photo was taken
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def send_photo(client, data: bytes, matter="other", once=ONCE, filename="paper.jpg"):
    import io

    return client.post(BASE + "/omakela/liitteet", data={
        "csrf_token": csrf_token(client, BASE + "/"), "matter": matter, "once": once,
        "photo": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_an_attachment_is_a_cleaned_photo_kept_only_in_her_sandbox(app, factory):
    from workshop.sims import photos

    client, uid = learner(app, factory)
    assert not check(app, uid, "suomifi.sent_attachment").done
    response = send_photo(client, b"not a picture at all", filename="paper.jpg")
    assert response.status_code == 422 and "This file is not a photo" in response.get_data(as_text=True)
    response = send_photo(client, jpeg_with_location(), matter="999")
    assert response.status_code == 422 and "Please choose what the attachment is about" in response.get_data(as_text=True)
    for _ in range(2):  # sent twice: one attachment
        assert send_photo(client, jpeg_with_location()).status_code == 303
    [attachment] = rows(app, uid, SuomifiFiling)
    assert check(app, uid, "suomifi.sent_attachment").done
    name = attachment.details["photo"]
    with app.app_context():
        kept = photos.get("suomifi", uid, name)
    assert kept.startswith(b"\xff\xd8") and b"Exif" not in kept and b"PhoneMaker" not in kept
    assert client.get(f"/practice/photos/suomifi/{name}").status_code == 200
    other, _ = learner(app, factory, name="Hodan")
    assert other.get(f"/practice/photos/suomifi/{name}").status_code == 404
    assert client.post("/practice/reset/suomifi", data={"csrf_token": csrf_token(client), "confirm": "yes"}).status_code == 303
    with app.app_context():
        assert photos.names("suomifi", uid) == []
    assert not check(app, uid, "suomifi.sent_attachment").done


def test_omakela_names_its_places_as_kelas_guide_does(app, factory):
    """Kela's guides to OmaKela name its places (lessons/kela/glossary.toml): decisions and letters are
    "under Päätökset ja muut asiakirjasi", papers are sent on the page "Lähetä liite"."""
    client, uid = learner(app, factory)
    for page in ("/omakela", "/omakela/asiakirjat"):  # the front page's menu; the list's own heading
        html = client.get(BASE + page).get_data(as_text=True)
        assert ">Päätökset ja muut asiakirjasi<" in html and ">Asiakirjat<" not in html, page
    # Papers go to Kela on the page Kela's guide calls "Lähetä liite" (kela.fi, How applications are processed).
    for page in ("/omakela", "/omakela/liitteet"):
        html = client.get(BASE + page).get_data(as_text=True)
        assert ">Lähetä liite<" in html and ">Liitteet<" not in html, page


def _scenario_data():
    from workshop.config import ROOT
    from workshop.curriculum.scenarios import load_scenario
    return load_scenario(ROOT / "lessons", *service.SCENARIO)
