"""The practice bank behaves as Finnish banks do now (issue 13, items 1-5): paying early is right
and paying late is explained; a second identical payment is warned and a waiting one can be
cancelled; the payee's name is checked against the account; a due date on a weekend moves to the
next banking day; the lessons' bill pictures show exactly what the sandbox shows; a form sent
twice makes one payment and a payment confirmed twice is booked once."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from tests.sims.test_bank_views import B, bank_sign_in, bill, check, pay, pay_data, post, rows
from workshop.sims.bank import finance
from workshop.sims.bank.accounts import today
from workshop.sims.bank.models import Account, Payment, Transaction


# --- 1. early is right, late is explained --------------------------------------------------------

def test_paying_the_electricity_bill_today_passes(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "electricity")
    assert b.due > today()
    r = pay(client, app, uid, pay_data(b, due=finance.format_date(today())))
    assert r.status_code == 303
    assert rows(app, Payment, uid)[-1].status == "paid"
    assert check(app, uid, "bank.paid_electricity_bill").done


def test_any_day_until_the_due_date_passes(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "electricity")
    day = finance.next_banking_day(today() + timedelta(days=3))
    assert today() < day <= b.due
    pay(client, app, uid, pay_data(b, due=finance.format_date(day)))
    assert check(app, uid, "bank.paid_electricity_bill").done


def test_a_late_payment_is_explained_with_the_way_out(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "electricity")
    late = finance.next_banking_day(finance.next_banking_day(b.due) + timedelta(days=3))
    accounts = rows(app, Account, uid)
    r = post(client, B + "/pay", {"account": str(accounts[0].id), **pay_data(b, due=finance.format_date(late))}, page=B + "/pay")
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "after it: the money would arrive late" in review  # the bank says so before she confirms
    pay(client, app, uid, pay_data(b, due=finance.format_date(late)))
    result = check(app, uid, "bank.paid_electricity_bill")
    assert not result.done
    assert f"dated {finance.format_date(late)}, after the due date {finance.format_date(b.due)}" in result.hint
    assert "Peruuta maksu" in result.hint  # it waits, so she is told how to cancel it
    waiting = next(p for p in rows(app, Payment, uid) if p.status == "waiting")
    post(client, f"{B}/payments/{waiting.id}/cancel", page=B + "/payments/waiting")
    pay(client, app, uid, pay_data(b, due=finance.format_date(today())))
    assert check(app, uid, "bank.paid_electricity_bill").done


# --- 2. twice: warned, and a waiting payment can be cancelled ------------------------------------

def test_a_second_identical_payment_is_warned_and_the_waiting_one_cancelled(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "rent")
    pay(client, app, uid, pay_data(b))  # waits for its due date
    first = rows(app, Payment, uid)[-1]
    assert first.status == "waiting"
    accounts = rows(app, Account, uid)
    r = post(client, B + "/pay", {"account": str(accounts[0].id), **pay_data(b)}, page=B + "/pay")
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "You already have a payment to this recipient with this reference." in review
    assert f"/payments/{first.id}" in review and "Erääntyvät maksut" in review
    assert post(client, f"{B}/payments/{first.id}/cancel", page=B + "/payments/waiting").status_code == 303
    assert post(client, f"{B}/payments/{first.id}/cancel", page=B + "/payments/waiting").status_code == 303  # again: no harm
    assert rows(app, Payment, uid)[0].status == "cancelled"
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "You already have a payment" not in review


def test_a_transposed_reference_is_accepted_and_the_check_says_how_to_cancel(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "electricity")
    assert finance.is_valid_reference("26110738")  # 261 10783 with two digits swapped: 7-3-1 cannot see it
    pay(client, app, uid, pay_data(b, reference="261 10738"))
    assert rows(app, Payment, uid)[-1].status == "waiting"
    hint = check(app, uid, "bank.paid_electricity_bill").hint
    assert "you wrote 261 10738, the bill says 261 10783" in hint
    assert "Erääntyvät maksut" in hint and "Peruuta maksu" in hint


# --- 3. verification of payee ---------------------------------------------------------------------

def test_the_payee_check_answers_for_the_fixed_cases(app):
    with app.app_context():
        from workshop.sims.bank.accounts import registered_name

        name = registered_name("FI4479900030078901")
        assert name == "Valovirta Energia Oy"
        assert finance.verify_payee("Valovirta Energia Oy", name) == "match"
        assert finance.verify_payee("VALOVIRTA ENERGIA OY", name) == "match"
        assert finance.verify_payee("Valovirta Energia", name) == "close"
        assert finance.verify_payee("Valovirta Enrgia Oy", name) == "close"
        assert finance.verify_payee("Matti Meikäläinen", name) == "none"
        assert finance.verify_payee("Energia", name) == "none"
        assert registered_name("FI2112345600000785") is None  # its bank does not answer
        assert finance.verify_payee("Leila Ahmed", registered_name("FI2112345600000785")) == "unavailable"


def _draft(client, app, uid, **changes):
    accounts = rows(app, Account, uid)
    b = bill(app, uid, "electricity")
    r = post(client, B + "/pay", {"account": str(accounts[0].id), **pay_data(b, **changes)}, page=B + "/pay")
    assert r.status_code == 303
    return r.headers["Location"]


def test_the_review_shows_each_payee_answer_and_a_warning_needs_her_consent(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    match = client.get(_draft(client, app, uid)).get_data(as_text=True)
    assert "Maksunsaajan tarkistus" in match and "Maksunsaajan tiedot vastaavat toisiaan" in match
    assert 'name="accept_risk"' not in match

    review = _draft(client, app, uid, recipient="Valovirta Energia")
    close = client.get(review).get_data(as_text=True)
    assert "Maksunsaajan tiedot lähes vastaavat toisiaan" in close and "Valovirta Energia Oy" in close
    r = post(client, review.replace("/review", "/use-name"), page=review)
    assert r.status_code == 303
    draft = rows(app, Payment, uid)[-1]
    assert (draft.recipient, draft.payee_check) == ("Valovirta Energia Oy", "match")

    review = _draft(client, app, uid, recipient="Matti Meikäläinen")
    none = client.get(review).get_data(as_text=True)
    assert "Maksunsaajan tiedot eivät vastaa toisiaan" in none and 'name="accept_risk"' in none
    r = post(client, review, page=review)  # Vahvista without her consent: refused, explained
    assert r.status_code == 422 and "the risk is yours" in r.get_data(as_text=True)
    assert rows(app, Payment, uid)[-1].status == "draft"
    assert post(client, review, {"accept_risk": "yes"}, page=review).status_code == 303
    assert rows(app, Payment, uid)[-1].status == "confirming"

    review = _draft(client, app, uid, iban="FI21 1234 5600 0007 85", recipient="Leila Ahmed")
    assert "Maksunsaajan tietoja ei voitu tarkistaa" in client.get(review).get_data(as_text=True)


# --- 4. weekend due dates -------------------------------------------------------------------------

def test_banking_days():
    assert finance.easter_sunday(2026) == date(2026, 4, 5)
    assert finance.next_banking_day(date(2026, 12, 12)) == date(2026, 12, 14)  # Saturday -> Monday
    assert finance.next_banking_day(date(2026, 12, 6)) == date(2026, 12, 7)  # Independence Day, a Sunday
    assert finance.next_banking_day(date(2026, 12, 24)) == date(2026, 12, 28)  # Christmas Eve to Boxing Day, weekend
    assert finance.next_banking_day(date(2026, 4, 3)) == date(2026, 4, 7)  # Good Friday to Easter Monday
    assert finance.next_banking_day(date(2026, 6, 19)) == date(2026, 6, 22)  # Midsummer Eve
    assert finance.next_banking_day(date(2026, 12, 1)) == date(2026, 12, 1)  # a Tuesday


def test_today_is_helsinki_today():
    late_evening_utc = datetime(2026, 12, 11, 22, 30, tzinfo=timezone.utc)  # 00.30 on 12.12. in Helsinki
    assert finance.helsinki_today(late_evening_utc) == date(2026, 12, 12)
    assert finance.helsinki_today(late_evening_utc.replace(tzinfo=None)) == date(2026, 12, 12)


def test_a_weekend_due_date_becomes_the_next_banking_day_and_is_on_time(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    rent = bill(app, uid, "rent")
    assert rent.due.weekday() == 6  # the scenario's rent falls due on a Sunday
    monday = finance.next_banking_day(rent.due)
    accounts = rows(app, Account, uid)
    r = post(client, B + "/pay", {"account": str(accounts[0].id), **pay_data(rent)}, page=B + "/pay")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"{finance.format_date(rent.due)} is not a banking day" in page
    assert f"next banking day, {finance.format_date(monday)}" in page
    assert rows(app, Payment, uid)[-1].due == monday
    pay(client, app, uid, pay_data(rent))
    receipt = client.get(f"{B}/payments/{rows(app, Payment, uid)[-1].id}").get_data(as_text=True)
    assert finance.format_date(monday) in receipt


# --- 5. the lesson's pictures show what the sandbox shows -----------------------------------------

TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")


def test_lesson_bill_pictures_show_the_sandbox_values(learner_client, app):
    client, uid, _ = learner_client
    picture = client.get("/media/bank/bill-electricity.svg")  # before she opens the bank: seeds it
    assert picture.mimetype == "image/svg+xml" and "no-store" in picture.headers["Cache-Control"]
    b = bill(app, uid, "electricity")
    sandbox_texts = TEXT.findall(client.get(f"{B}/mail/{b.id}/picture.svg").get_data(as_text=True))
    sandbox_page = client.get(f"{B}/mail/{b.id}").get_data(as_text=True)
    code = finance.build_barcode(b.iban, b.amount_cents, b.reference, b.due)
    expected = {finance.format_date(b.due), finance.format_reference(b.reference), finance.format_iban(b.iban), code}
    lesson_texts = TEXT.findall(picture.get_data(as_text=True))
    assert expected <= set(lesson_texts) and expected <= set(sandbox_texts)
    assert finance.format_amount(b.amount_cents) in lesson_texts
    assert code in sandbox_page and finance.format_date(b.due) in sandbox_page
    fields = TEXT.findall(client.get("/media/bank/bill-fields.svg").get_data(as_text=True))
    assert {finance.format_date(b.due), finance.format_reference(b.reference), finance.format_iban(b.iban),
            finance.format_amount(b.amount_cents)[:-2]} <= set(fields)
    daycare = bill(app, uid, "daycare")
    barcode = TEXT.findall(client.get("/media/bank/barcode.svg").get_data(as_text=True))
    assert finance.build_barcode(daycare.iban, daycare.amount_cents, daycare.reference, daycare.due) in barcode
    parsed = finance.parse_barcode(next(t for t in barcode if len(t) == 54))
    assert (parsed.iban, parsed.reference, parsed.amount_cents, parsed.due) == (
        daycare.iban, daycare.reference, daycare.amount_cents, daycare.due)


def test_a_lesson_preview_by_staff_draws_the_scenario_without_storing(app, factory):
    from tests.conftest import csrf_token

    factory.staff()
    c = app.test_client()
    token = csrf_token(c, "/staff/sign-in")
    c.post("/staff/sign-in", data={"username": "deeqa", "password": "correct horse battery", "csrf_token": token})
    svg = c.get("/media/bank/bill-electricity.svg").get_data(as_text=True)
    assert "261 10783" in svg and "FI44 7990 0030 0789 01" in svg


# --- idempotent actions (issue 12, item 13) --------------------------------------------------------

def test_one_form_sent_twice_makes_one_payment_and_a_confirm_twice_books_once(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    html = client.get(B + "/pay").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', html).group(1)
    b = bill(app, uid, "electricity")
    data = {"account": str(rows(app, Account, uid)[0].id), "form_key": key, **pay_data(b, due=finance.format_date(today()))}
    first = post(client, B + "/pay", data, page=B + "/pay")
    second = post(client, B + "/pay", data, page=B + "/pay")
    assert first.headers["Location"] == second.headers["Location"]
    assert len(rows(app, Payment, uid)) == 1
    review = first.headers["Location"]
    post(client, review, page=review)
    confirm = review.replace("/review", "/app")
    balance = rows(app, Account, uid)[0].balance_cents
    for _ in range(2):
        assert post(client, confirm, {"pin": "1234", "answer": "confirm"}, page=B + "/").status_code == 303
    assert rows(app, Account, uid)[0].balance_cents == balance - b.amount_cents
    assert len([t for t in rows(app, Transaction, uid) if t.payment_id]) == 1
    third = post(client, B + "/pay", data, page=B + "/pay")  # the same form once more: the receipt, no new payment
    assert third.headers["Location"].endswith(f"/payments/{rows(app, Payment, uid)[0].id}")
    assert len(rows(app, Payment, uid)) == 1


def test_two_drafts_cannot_overdraw_the_account(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    account = rows(app, Account, uid)[0]
    half = account.balance_cents // 2 + 100  # each fits the balance, both together do not
    amount = finance.format_amount(half).replace("\u00a0€", "").replace("\u00a0", "")
    b = bill(app, uid, "rent")
    reviews = [_draft(client, app, uid, amount=amount, due=finance.format_date(today()), iban=finance.format_iban(b.iban),
                      recipient=b.recipient, reference=finance.format_any_reference(b.reference)) for _ in range(2)]
    for review in reviews:
        post(client, review, page=review)
    answers = [post(client, r.replace("/review", "/app"), {"pin": "1234", "answer": "confirm"}, page=B + "/") for r in reviews]
    assert all(a.status_code == 303 for a in answers)
    assert "not enough money" in client.get(answers[1].headers["Location"], follow_redirects=True).get_data(as_text=True)
    after = rows(app, Account, uid)[0].balance_cents
    booked = [t for t in rows(app, Transaction, uid) if t.payment_id]
    assert len(booked) == 1 and after == account.balance_cents - half >= 0
    assert [p.status for p in rows(app, Payment, uid)] == ["paid", "draft"]


def test_an_einvoice_approved_twice_makes_one_payment(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "phone-einvoice")
    first = post(client, f"{B}/einvoices/{b.id}", page=f"{B}/einvoices/{b.id}")
    second = post(client, f"{B}/einvoices/{b.id}", page=f"{B}/einvoices/{b.id}")
    assert first.headers["Location"] == second.headers["Location"]
    assert len(rows(app, Payment, uid)) == 1
