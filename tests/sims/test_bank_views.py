"""The practice bank through the Flask test client: signing in, paying, the barcode, e-invoices,
tricks, task checks, reset, and that no learner can reach another learner's bank."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import csrf_token, sign_in
from workshop.curriculum import TASKS
from workshop.extensions import db
from workshop.models import User
from workshop.sims.bank import finance
from workshop.sims.bank.accounts import today
from workshop.sims.bank.models import Account, BankState, Bill, Message, Payment, Transaction

B = "/practice/bank"


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or B + "/")
    return client.post(path, data={"csrf_token": token, **(data or {})})


def bank_sign_in(client):
    assert post(client, B + "/sign-in", {"user_id": "1234 5678"}).status_code == 303
    r = post(client, B + "/sign-in/app", {"pin": "1234", "answer": "confirm"}, page=B + "/sign-in/app")
    assert r.status_code == 303


def check(app, uid, name):
    with app.test_request_context():
        return TASKS[name](db.session.get(User, uid))


def rows(app, model, uid):
    with app.app_context():
        return db.session.scalars(db.select(model).where(model.learner_id == uid).order_by(model.id)).all()


def bill(app, uid, key):
    return next(b for b in rows(app, Bill, uid) if b.key == key)


def pay_data(b, **changes):
    data = {"recipient": b.recipient, "iban": finance.format_iban(b.iban),
            "amount": finance.format_amount(b.amount_cents).replace("\u00a0€", ""),
            "reference": finance.format_any_reference(b.reference), "message": "",
            "due": finance.format_date(b.due), "barcode": ""}
    data.update(changes)
    return data


def pay(client, app, uid, data, pin="1234"):
    accounts = rows(app, Account, uid)
    r = post(client, B + "/pay", {"account": str(accounts[0].id), **data}, page=B + "/pay")
    if r.status_code != 303:
        return r
    review = r.headers["Location"]
    r = post(client, review, page=review)
    assert r.status_code == 303
    confirm = r.headers["Location"]
    return post(client, confirm, {"pin": pin, "answer": "confirm"}, page=confirm)


def test_sign_in_like_a_finnish_bank(learner_client, app):
    client, uid, _ = learner_client
    page = client.get(B + "/").get_data(as_text=True)
    assert "Käyttäjätunnus" in page and "Practice — nothing here is real" in page
    assert not check(app, uid, "bank.signed_in").done
    r = post(client, B + "/sign-in", {"user_id": "99999999"})
    assert r.status_code == 422 and "This user id is not right" in r.get_data(as_text=True)
    assert client.get(B + "/transactions").status_code == 302  # not signed in yet
    assert post(client, B + "/sign-in", {"user_id": "12345678"}).status_code == 303
    app_page = client.get(B + "/sign-in/app").get_data(as_text=True)
    assert "Tunnusluku" in app_page and "Vahvista" in app_page
    r = post(client, B + "/sign-in/app", {"pin": "0000", "answer": "confirm"}, page=B + "/sign-in/app")
    assert r.status_code == 422 and "This PIN is not right" in r.get_data(as_text=True)
    assert "You wrote the user id" in check(app, uid, "bank.signed_in").hint
    post(client, B + "/sign-in/app", {"pin": "1234", "answer": "confirm"}, page=B + "/sign-in/app")
    assert check(app, uid, "bank.signed_in").done
    home = client.get(B + "/").get_data(as_text=True)
    assert "1\u00a0245,80\u00a0€" in home and "FI64 7990 0010 0123 45" in home
    assert post(client, B + "/sign-out").status_code == 303
    assert "Käyttäjätunnus" in client.get(B + "/").get_data(as_text=True)
    assert check(app, uid, "bank.signed_in").done  # she did sign in once


def test_balance_transactions_search_and_detail(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    assert not check(app, uid, "bank.checked_balance").done
    account = rows(app, Account, uid)[0]
    page = client.get(f"{B}/accounts/{account.id}").get_data(as_text=True)
    assert "Saldo" in page and "Lähikauppa Omena" in page
    assert check(app, uid, "bank.checked_balance").done
    found = client.get(B + "/transactions?q=omena").get_data(as_text=True)
    assert "Lähikauppa Omena" in found and "Kaupunkiliikenne" not in found
    assert "No transactions found" in client.get(B + "/transactions?q=%25zzz_").get_data(as_text=True)
    tx = next(t for t in rows(app, Transaction, uid) if t.counterparty == "Linkki Mobiili Oy")
    detail = client.get(f"{B}/transactions/{tx.id}").get_data(as_text=True)
    assert "552 2033" not in detail and "55 22033" in detail and "-19,90\u00a0€" in detail


def test_paying_the_electricity_bill_explains_each_mistake(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "electricity")
    assert "Valovirta Energia Oy" in client.get(f"{B}/mail/{b.id}").get_data(as_text=True)
    svg = client.get(f"{B}/mail/{b.id}/picture.svg")
    assert svg.mimetype == "image/svg+xml"
    assert "261 10783" in svg.get_data(as_text=True) and "FI44 7990 0030 0789 01" in svg.get_data(as_text=True)
    cases = {
        "reference": (dict(reference="26110784"), "the company may not find your payment"),
        "iban": (dict(iban="FI44 7990 0030 0789 02"), "does not reach the company"),
        "amount": (dict(amount="99999"), "not enough money"),
        "both": (dict(message="Sähkö"), "not both"),
        "past": (dict(due=finance.format_date(today() - timedelta(days=1))), "in the past"),
        "date": (dict(due="32.13.2026"), "24.12.2026"),
        "nothing": (dict(reference=""), "If the bill has no reference number"),
    }
    for name, (change, words) in cases.items():
        r = pay(client, app, uid, pay_data(b, **change))
        assert r.status_code == 422, name
        assert words in r.get_data(as_text=True), name
    assert not check(app, uid, "bank.paid_electricity_bill").done
    # A valid reference, but not the one on the bill: the bank takes it, the check says what is wrong.
    r = pay(client, app, uid, pay_data(b, reference=finance.build_reference("2611079")))
    assert r.status_code == 303
    hint = check(app, uid, "bank.paid_electricity_bill").hint
    assert hint.startswith("The reference number is not the one on the bill: you wrote 261 10796, the bill says 261 10783.")
    assert "Peruuta maksu" in hint  # dated the due date, it waits: she is told how to cancel it
    r = pay(client, app, uid, pay_data(b))
    receipt = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Kuitti" in receipt and "Erääntyvät" in receipt and "64,37" in receipt
    assert check(app, uid, "bank.paid_electricity_bill").done


def test_a_payment_due_today_is_paid_at_once(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "rent")
    r = pay(client, app, uid, pay_data(b, due=finance.format_date(today())))
    assert "The money has left your account" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert rows(app, Account, uid)[0].balance_cents == 124580 - 78000
    assert rows(app, Transaction, uid)[-1].amount_cents == -78000


def test_wrong_pin_for_a_payment_and_rejecting_it(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    r = pay(client, app, uid, pay_data(bill(app, uid, "electricity")), pin="9999")
    assert r.status_code == 422 and "This PIN is not right" in r.get_data(as_text=True)
    assert "not confirmed the payment" in check(app, uid, "bank.paid_electricity_bill").hint
    payment = rows(app, Payment, uid)[-1]
    page = f"{B}/payments/{payment.id}/app"
    assert post(client, page, {"answer": "reject"}, page=page).status_code == 303
    assert rows(app, Payment, uid)[-1].status == "draft"


def test_virtual_barcode_fills_the_form(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "daycare")
    code = finance.build_barcode(b.iban, b.amount_cents, b.reference, b.due)
    assert code.startswith("5")
    r = post(client, B + "/pay/barcode", {"barcode": code[:20]}, page=B + "/pay")
    assert r.status_code == 422 and "exactly 54 digits" in r.get_data(as_text=True)
    r = post(client, B + "/pay/barcode", {"barcode": "7" + code[1:]}, page=B + "/pay")
    assert r.status_code == 422 and "start with 4 or 5" in r.get_data(as_text=True)
    r = post(client, B + "/pay/barcode", {"barcode": code}, page=B + "/pay")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert b.due.weekday() == 5  # the daycare fee falls due on a Saturday: the bank proposes Monday
    monday = finance.next_banking_day(b.due)
    for value in ("FI49 7990 0040 0112 23", "RF96 4309 121", "147,00", finance.format_date(monday), b.recipient):
        assert f'value="{value}"' in html, value
    assert "is not a banking day" in html and finance.format_date(b.due) in html
    assert not check(app, uid, "bank.paid_by_barcode").done
    r = pay(client, app, uid, pay_data(b, barcode=code))
    assert r.status_code == 303
    assert check(app, uid, "bank.paid_by_barcode").done
    v4 = finance.build_barcode(bill(app, uid, "rent").iban, 78000, "908173", None)
    html = post(client, B + "/pay/barcode", {"barcode": v4}, page=B + "/pay").get_data(as_text=True)
    assert 'value="9 08173"' in html and 'value="780,00"' in html


FORM_FIELDS = ("recipient", "iban", "amount", "reference", "due", "barcode")


def filled_fields(html: str) -> dict:
    """The payment form's filled-in fields (the form's own key aside), as the page shows them."""
    form = html.split('class="bank-card pay-form"')[1]
    values = {name: re.search(rf'name="{name}" value="([^"]*)"', form) for name in FORM_FIELDS}
    values = {name: m.group(1) if m else None for name, m in values.items()}
    values["account"] = re.search(r'<option value="(\d+)" selected', form).group(1)
    values["message"] = re.search(r'name="message"[^>]*>([^<]*)</textarea>', form).group(1)
    return values


def test_scanning_a_paper_bill_fills_the_same_fields_as_its_pasted_barcode(learner_client, app):
    """Issue 13, item 7: the bank app's camera (simulated) reads the paper bill's barcode, and the
    form fills exactly as pasting that bill's virtual barcode does."""
    from workshop.sims.bank.accounts import bill_barcode
    client, uid, _ = learner_client
    bank_sign_in(client)
    papers = [b for b in rows(app, Bill, uid) if b.kind == "paper"]
    assert len(papers) >= 2
    for b in papers:
        scanned = post(client, B + "/pay/scan", {"bill": str(b.id)}, page=B + "/pay/scan")
        assert scanned.status_code == 200
        with app.app_context():
            code = bill_barcode(db.session.get(Bill, b.id))
        pasted = post(client, B + "/pay/barcode", {"barcode": code}, page=B + "/pay")
        scanned_html, pasted_html = scanned.get_data(as_text=True), pasted.get_data(as_text=True)
        assert filled_fields(scanned_html) == filled_fields(pasted_html), b.key
        assert filled_fields(scanned_html)["iban"] == finance.format_iban(b.iban)
        assert filled_fields(scanned_html)["reference"] == finance.format_any_reference(b.reference)
        assert filled_fields(scanned_html)["barcode"] == code
        assert "The camera read the barcode" in scanned_html
    # paying what the scan filled counts as paying by the barcode
    daycare = bill(app, uid, "daycare")
    form = filled_fields(post(client, B + "/pay/scan", {"bill": str(daycare.id)}, page=B + "/pay/scan")
                         .get_data(as_text=True))
    form["amount"] = form["amount"] or finance.format_amount(daycare.amount_cents).replace("\u00a0€", "")
    r = post(client, B + "/pay", form, page=B + "/pay")
    assert r.status_code == 303
    assert rows(app, Payment, uid)[-1].via == "barcode"


def test_the_viewfinder_shows_her_paper_bill_and_never_the_real_camera(learner_client, app, factory):
    client, uid, _ = learner_client
    assert client.get(B + "/pay/scan").status_code == 302  # the bank app: signed in first
    bank_sign_in(client)
    rent = bill(app, uid, "rent")
    html = client.get(f"{B}/pay/scan?bill={rent.id}").get_data(as_text=True)
    assert f'src="{B}/mail/{rent.id}/picture.svg"' in html and 'class="scan-frame"' in html
    assert f'name="bill" value="{rent.id}"' in html and 'method="post"' in html
    assert "capture=" not in html and 'type="file"' not in html  # no photo upload, no camera input
    for script in re.findall(r'<script src="([^"?]+)', html):  # and no script that could open a camera
        assert "mediaDevices" not in client.get(script).get_data(as_text=True), script
    assert 'lang="fi">Lue viivakoodi<' in html
    assert "Lue viivakoodi" in client.get(B + "/pay").get_data(as_text=True)
    assert f"{B}/pay/scan" in client.get(B + "/phone").get_data(as_text=True)
    # an e-invoice has no paper to point at; another learner's bill is not hers: both 404
    einvoice = bill(app, uid, "phone-einvoice")
    assert post(client, B + "/pay/scan", {"bill": str(einvoice.id)}, page=B + "/pay/scan").status_code == 404
    other_uid, other_code, _ = factory.learner(factory.workshop("so"), name="Hodan")
    other = app.test_client()
    sign_in(other, other_code)
    other.get(B + "/")
    theirs = bill(app, other_uid, "rent")
    assert post(client, B + "/pay/scan", {"bill": str(theirs.id)}, page=B + "/pay/scan").status_code == 404
    assert post(client, B + "/pay/scan", {"bill": "x"}, page=B + "/pay/scan").status_code == 404


def test_einvoice_waiting_and_cancel(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    b = bill(app, uid, "phone-einvoice")
    assert "Linkki Mobiili Oy" in client.get(B + "/einvoices").get_data(as_text=True)
    r = post(client, f"{B}/einvoices/{b.id}", page=f"{B}/einvoices/{b.id}")
    confirm = r.headers["Location"]
    post(client, confirm, {"pin": "1234", "answer": "confirm"}, page=confirm)
    assert check(app, uid, "bank.approved_einvoice").done
    waiting = client.get(B + "/payments/waiting").get_data(as_text=True)
    assert "Linkki Mobiili Oy" in waiting and "Peruuta maksu" in waiting
    payment = rows(app, Payment, uid)[-1]
    assert post(client, f"{B}/payments/{payment.id}/cancel", page=B + "/payments/waiting").status_code == 303
    assert rows(app, Payment, uid)[-1].status == "cancelled"
    assert bill(app, uid, "phone-einvoice").status == "open"
    assert "cancelled" in check(app, uid, "bank.approved_einvoice").hint


def test_scams_are_reported_and_the_fake_page_stores_nothing(learner_client, app):
    client, uid, _ = learner_client
    phone = client.get(B + "/phone").get_data(as_text=True)
    assert "Viestit" in phone and "Harjoitus-Pankki" in phone
    messages = {m.key: m for m in rows(app, Message, uid)}
    sms = messages["sms-locked"]
    fake = client.get(f"{B}/phone/{sms.id}/link").get_data(as_text=True)
    assert "harjoituspankki-tuki.example" in fake
    r = post(client, f"{B}/phone/{sms.id}/link", {"fake_user": "55554444", "fake_pin": "8642"}, page=f"{B}/phone/{sms.id}/link")
    assert "criminals would now have your codes" in r.get_data(as_text=True)
    with app.app_context():
        state = db.session.get(BankState, uid)
        assert state.typed_into_fake_page
        dump = "".join(str(row) for table in db.metadata.sorted_tables if table.name.startswith("sim_bank")
                       for row in db.session.execute(table.select()).all())
        assert "55554444" not in dump and "8642" not in dump
    assert client.get(f"{B}/phone/{messages['friend'].id}/link").status_code == 404
    r = post(client, f"{B}/phone/{messages['friend'].id}/delete", page=B + "/phone")
    assert "not a trick" in client.get(r.headers["Location"]).get_data(as_text=True)
    post(client, f"{B}/phone/{sms.id}/delete", page=B + "/phone")
    assert "One more message" in check(app, uid, "bank.reported_scam").hint
    post(client, f"{B}/phone/{messages['email-refund'].id}/delete", page=B + "/phone")
    assert check(app, uid, "bank.reported_scam").done


def test_reset_starts_the_bank_again(learner_client, app):
    client, uid, _ = learner_client
    bank_sign_in(client)
    pay(client, app, uid, pay_data(bill(app, uid, "electricity")))
    assert check(app, uid, "bank.paid_electricity_bill").done
    post(client, "/practice/reset/bank", {"confirm": "yes"})
    assert not check(app, uid, "bank.paid_electricity_bill").done
    assert rows(app, Payment, uid) == []
    assert "Käyttäjätunnus" in client.get(B + "/").get_data(as_text=True)


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_every_page_renders_in_every_locale(app, factory, locale):
    workshop = factory.workshop(locale)
    uid, code, _ = factory.learner(workshop, locale=locale)
    client = app.test_client()
    sign_in(client, code)
    assert client.get(B + "/").status_code == 200
    bank_sign_in(client)
    b = bill(app, uid, "electricity")
    pay(client, app, uid, pay_data(b))
    ids = ids_of(app, uid)
    for path in pages(ids):
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        if locale == "ar" and path.endswith("/review"):
            assert 'dir="rtl"' in html and '<bdi class="ltr" dir="ltr">FI44 7990 0030 0789 01</bdi>' in html


def ids_of(app, uid) -> dict:
    return {
        "account": rows(app, Account, uid)[0].id,
        "transaction": rows(app, Transaction, uid)[0].id,
        "bill": bill(app, uid, "electricity").id,
        "einvoice": bill(app, uid, "phone-einvoice").id,
        "message": next(m.id for m in rows(app, Message, uid) if m.scam),
        "payment": rows(app, Payment, uid)[-1].id,
    }


def pages(ids) -> list[str]:
    return [
        f"{B}/", f"{B}/accounts/{ids['account']}", f"{B}/transactions", f"{B}/transactions?q=kela",
        f"{B}/transactions/{ids['transaction']}", f"{B}/mail", f"{B}/mail/{ids['bill']}",
        f"{B}/mail/{ids['bill']}/picture.svg", f"{B}/pay", f"{B}/payments/{ids['payment']}",
        f"{B}/payments/waiting", f"{B}/einvoices", f"{B}/einvoices/{ids['einvoice']}", f"{B}/phone",
        f"{B}/phone/{ids['message']}", f"{B}/phone/{ids['message']}/link",
    ]


def test_no_route_reaches_another_learners_bank(app, factory):
    """Every bank route, tried with Amina's ids by Fatima: 404, and nothing of Amina's changes."""
    workshop = factory.workshop("so")
    amina, amina_code, _ = factory.learner(workshop, name="Amina", locale="en")
    fatima, fatima_code, _ = factory.learner(workshop, name="Fatima", locale="en")
    a = app.test_client()
    sign_in(a, amina_code)
    bank_sign_in(a)
    pay(a, app, amina, pay_data(bill(app, amina, "electricity")))  # a waiting payment
    draft = post(a, B + "/pay", {"account": str(rows(app, Account, amina)[0].id), **pay_data(bill(app, amina, "rent"))},
                 page=B + "/pay")
    assert draft.status_code == 303
    ids = ids_of(app, amina)
    payments = [p.id for p in rows(app, Payment, amina)]

    def snapshot():
        with app.app_context():
            return [sorted(tuple(sorted(row._mapping.items())) for row in db.session.execute(
                t.select().where(t.c.learner_id == amina)).all())
                for t in db.metadata.sorted_tables if t.name.startswith("sim_bank")]

    before = snapshot()
    f = app.test_client()
    sign_in(f, fatima_code)
    bank_sign_in(f)
    gets = [f"{B}/accounts/{ids['account']}", f"{B}/transactions/{ids['transaction']}", f"{B}/mail/{ids['bill']}",
            f"{B}/mail/{ids['bill']}/picture.svg", f"{B}/einvoices/{ids['einvoice']}", f"{B}/phone/{ids['message']}",
            f"{B}/phone/{ids['message']}/link", f"{B}/pay?edit={payments[-1]}"]
    for pid in payments:
        gets += [f"{B}/payments/{pid}", f"{B}/payments/{pid}/review", f"{B}/payments/{pid}/app"]
    for path in gets:
        assert f.get(path).status_code == 404, path
    posts = [(f"{B}/einvoices/{ids['einvoice']}", {}), (f"{B}/phone/{ids['message']}/delete", {}),
             (f"{B}/phone/{ids['message']}/choose", {"action": "hang-up"}),
             (f"{B}/phone/{ids['message']}/link", {"fake_user": "1", "fake_pin": "2"})]
    for pid in payments:
        posts += [(f"{B}/payments/{pid}/review", {}), (f"{B}/payments/{pid}/app", {"pin": "1234"}),
                  (f"{B}/payments/{pid}/cancel", {}), (f"{B}/payments/{pid}/use-name", {})]
    # Her own payment form, with Amina's account as the source: refused, nothing made.
    posts.append((f"{B}/pay", {"account": str(ids["account"]), **pay_data(bill(app, fatima, "electricity"))}))
    for path, data in posts:
        r = post(f, path, data, page=B + "/")
        assert r.status_code in (404, 422), path
        if path != f"{B}/pay":
            assert r.status_code == 404, path
    assert snapshot() == before
    assert rows(app, Payment, fatima) == []
    with app.app_context():
        assert not db.session.get(BankState, fatima).typed_into_fake_page


def test_staff_and_strangers_cannot_open_the_bank(app, client, factory):
    assert client.get(B + "/").status_code == 302  # to the sign-in page
    factory.staff()
    c = app.test_client()
    token = csrf_token(c, "/staff/sign-in")
    r = c.post("/staff/sign-in", data={"username": "deeqa", "password": "correct horse battery", "csrf_token": token})
    assert r.status_code == 303
    assert c.get(B + "/").status_code == 403


def test_start_again_asks_first_and_one_tap_wipes_nothing(learner_client, app):
    """Issue 15, item 9: "Start this practice again" wiped her sandbox in one tap."""
    client, uid, _ = learner_client
    bank_sign_in(client)
    pay(client, app, uid, pay_data(bill(app, uid, "electricity")))
    page = client.get(B + "/").get_data(as_text=True)
    assert 'href="/practice/reset/bank?next=' in page  # a link to a question, not a one-tap form
    question = client.get("/practice/reset/bank?next=/practice/bank/")
    html = question.get_data(as_text=True)
    assert question.status_code == 200 and "Start this practice again?" in html
    assert 'name="confirm" value="yes"' in html and 'href="/practice/bank/"' in html  # "No, go back"
    one_tap = post(client, "/practice/reset/bank")  # the old form, or a double tap: only the question again
    assert one_tap.status_code == 200 and "Start this practice again?" in one_tap.get_data(as_text=True)
    assert check(app, uid, "bank.paid_electricity_bill").done and rows(app, Payment, uid) != []
    outside = client.get("/practice/reset/bank?next=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in outside
    assert post(client, "/practice/reset/bank", {"confirm": "yes"}).status_code == 303
    assert rows(app, Payment, uid) == []
