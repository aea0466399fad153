"""The practice bank in a real browser: an Arabic learner on a phone pays a bill from its picture,
a Somali learner pays with the virtual barcode, and axe checks every bank page in all four locales."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, wait_for_picture
from tests.browser.conftest import sign_in as site_sign_in
from flask_babel import force_locale

from workshop.extensions import db
from workshop.sims.bank import finance
from workshop.sims.bank.models import Bill, Message, Payment
from workshop.sims.bank.views import REFERENCE_ERRORS

pytestmark = pytest.mark.browser
B = "/practice/bank"


def bank_sign_in(page, base: str) -> None:
    page.goto(f"{base}{B}/")
    page.fill("#user_id", "12345678")
    page.click("form[action$='/sign-in'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/sign-in/app$"))
    page.fill("#pin", "1234")
    page.click("button[name=answer][value=confirm]")
    page.wait_for_url(re.compile(rf".*{B}/$"))


def the_bill(app, uid, key) -> Bill:
    with app.app_context():
        return db.session.scalars(db.select(Bill).where(Bill.learner_id == uid, Bill.key == key)).one()


def direction(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).direction")


def test_arabic_learner_pays_the_electricity_bill_on_a_phone(app, factory, live_server, browser):
    workshop = factory.workshop("ar")
    uid, code, _ = factory.learner(workshop, name="Fatima", locale="ar")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    site_sign_in(page, live_server, code)
    bank_sign_in(page, live_server)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.screenshot(path="test-results/bank-ar-overview.png", full_page=True)
    # Her paper mail: the electricity bill, a picture with every field.
    page.click(f"a[href='{B}/mail']")
    bill = the_bill(app, uid, "electricity")
    page.click(f"a[href='{B}/mail/{bill.id}']")
    # the picture is drawn from her sandbox on the server; a loaded machine may take a moment
    wait_for_picture(page, "img.bill-picture")
    page.screenshot(path="test-results/bank-ar-bill.png", full_page=True)
    # She types what she reads, with one digit of the reference wrong.
    page.goto(f"{live_server}{B}/pay")
    page.fill("#recipient", bill.recipient)
    page.fill("#iban", finance.format_iban(bill.iban))
    page.fill("#amount", "64,37")
    page.fill("#reference", "261 10784")
    page.fill("#due", finance.format_date(bill.due))
    page.click("form.pay-form button[type=submit]")
    error = page.locator("#reference-error")
    assert "261 10784" == page.input_value("#reference")
    assert error.is_visible()
    with app.test_request_context(), force_locale("ar"):
        expected = REFERENCE_ERRORS["reference_check"]()  # "... the company may not find your payment", in Arabic
    assert error.inner_text().strip() == expected
    page.screenshot(path="test-results/bank-ar-wrong-reference.png", full_page=True)
    for field in ("#iban", "#amount", "#reference", "#due"):
        assert direction(page, field) == "ltr", field
    # She corrects it: the review page, the app, the receipt.
    page.fill("#reference", "261 10783")
    page.click("form.pay-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/review$"))
    for selector in (".pay-iban bdi", ".pay-reference bdi", ".pay-amount bdi", ".pay-due bdi"):
        assert direction(page, selector) == "ltr", selector
    assert page.inner_text(".pay-iban bdi") == "FI44 7990 0030 0789 01"
    assert page.inner_text(".pay-reference bdi") == "261 10783"
    assert page.inner_text(".pay-amount bdi").replace("\u00a0", " ") == "64,37 €"
    page.screenshot(path="test-results/bank-ar-review.png", full_page=True)
    page.click("form.bank-actions button[type=submit]")
    page.wait_for_url(re.compile(r".*/app$"))
    page.screenshot(path="test-results/bank-ar-app.png", full_page=True)
    page.fill("#pin", "1234")
    page.click("button[name=answer][value=confirm]")
    page.wait_for_url(re.compile(r".*/payments/\d+$"))
    assert page.locator(".receipt-status").is_visible()
    assert direction(page, ".pay-reference bdi") == "ltr"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="test-results/bank-ar-receipt.png", full_page=True)
    with app.app_context():
        payment = db.session.scalars(db.select(Payment).where(Payment.learner_id == uid, Payment.status == "waiting")).one()
        assert (payment.iban, payment.reference, payment.amount_cents) == (bill.iban, bill.reference, 6437)
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_somali_learner_pays_with_the_virtual_barcode(app, factory, live_server, browser, javascript):
    workshop = factory.workshop("so")
    uid, code, _ = factory.learner(workshop, name="Amina", locale="so")
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    site_sign_in(page, live_server, code)
    bank_sign_in(page, live_server)
    bill = the_bill(app, uid, "daycare")
    page.goto(f"{live_server}{B}/mail/{bill.id}")
    barcode = page.inner_text("#barcode")
    assert len(barcode) == 54 and barcode.startswith("5")
    page.goto(f"{live_server}{B}/pay")
    page.fill("#barcode", barcode[:50])
    page.click(f"form[action='{B}/pay/barcode'] button[type=submit]")
    expect(page.locator("#barcode-error")).to_be_visible()  # too short: told so
    page.fill("#barcode", barcode)
    page.click(f"form[action='{B}/pay/barcode'] button[type=submit]")
    assert page.input_value("#iban") == "FI49 7990 0040 0112 23"
    assert page.input_value("#reference") == "RF96 4309 121"
    assert page.input_value("#amount") == "147,00"
    page.screenshot(path=f"test-results/bank-so-barcode-{'js' if javascript else 'nojs'}.png", full_page=True)
    page.click("form.pay-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/review$"))
    page.click("form.bank-actions button[type=submit]")
    page.wait_for_url(re.compile(r".*/app$"))
    page.fill("#pin", "1234")
    page.click("button[name=answer][value=confirm]")
    page.wait_for_url(re.compile(r".*/payments/\d+$"))
    assert page.locator(".receipt-status").is_visible()
    with app.app_context():
        payment = db.session.scalars(db.select(Payment).where(Payment.learner_id == uid)).one()
        assert payment.via == "barcode" and payment.status == "waiting"
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_scanning_the_paper_bill_with_the_practice_phone(app, factory, live_server, browser, javascript):
    """Issue 13, item 7, on a 360-px phone: point, capture, the form fills. No camera is asked for."""
    workshop = factory.workshop("so")
    uid, code, _ = factory.learner(workshop, name="Ifrah", locale="so")
    context = browser.new_context(**PHONE, java_script_enabled=javascript)  # no camera permission granted
    page = context.new_page()
    site_sign_in(page, live_server, code)
    bank_sign_in(page, live_server)
    bill = the_bill(app, uid, "daycare")
    page.goto(f"{live_server}{B}/phone")
    page.click(f"a[href='{B}/pay/scan']")
    page.wait_for_url(re.compile(r".*/pay/scan$"))
    if page.locator(f"input[name=bill][value='{bill.id}']").count() == 0:  # point the camera at the daycare bill
        page.click(f"a[href='{B}/pay/scan?bill={bill.id}']")
        page.wait_for_url(re.compile(rf".*/pay/scan\?bill={bill.id}$"))
    view, frame = page.locator(".scan-view"), page.locator(".scan-frame")
    wait_for_picture(page, "img.scan-bill")
    assert view.is_visible() and frame.is_visible()
    box, frame_box = view.bounding_box(), frame.bounding_box()
    assert box["width"] <= 360 and frame_box["x"] >= box["x"] and frame_box["width"] < box["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    capture = page.locator(".scan-capture[type=submit]")
    assert capture.bounding_box()["height"] >= 44
    page.screenshot(path=f"test-results/bank-so-scan-{'js' if javascript else 'nojs'}.png", full_page=True)
    capture.click()
    page.wait_for_url(re.compile(r".*/pay/scan$"))
    assert page.locator(".pay-scanned").is_visible()
    assert page.input_value("#iban") == "FI49 7990 0040 0112 23"
    assert page.input_value("#reference") == "RF96 4309 121"
    assert page.input_value("#amount") == "147,00"
    assert page.input_value("#recipient") == bill.recipient
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("form.pay-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/review$"))
    with app.app_context():
        payment = db.session.scalars(db.select(Payment).where(Payment.learner_id == uid)).one()
        assert payment.via == "barcode" and payment.iban == bill.iban and payment.reference == bill.reference
    context.close()


def bank_pages(app, uid) -> list[str]:
    from workshop.sims.bank.models import Account, Transaction

    with app.app_context():
        def first(model, *where):
            return db.session.scalars(db.select(model).where(model.learner_id == uid, *where).order_by(model.id)).first()

        account = first(Account)
        tx = first(Transaction)
        bill = first(Bill, Bill.key == "electricity")
        einvoice = first(Bill, Bill.kind == "einvoice")
        message = first(Message, Message.scam.is_(True))
    return [
        f"{B}/accounts/{account.id}", f"{B}/transactions", f"{B}/transactions/{tx.id}", f"{B}/mail",
        f"{B}/mail/{bill.id}", f"{B}/payments/waiting", f"{B}/einvoices", f"{B}/einvoices/{einvoice.id}",
        f"{B}/phone", f"{B}/phone/{message.id}", f"{B}/phone/{message.id}/link", f"{B}/pay/scan",
    ]


@pytest.mark.parametrize("locale", ["so", "ar", "fi", "en"])
def test_every_bank_page_passes_axe(app, factory, live_server, browser, axe, locale):
    workshop = factory.workshop(locale)
    uid, code, _ = factory.learner(workshop, name="Hodan", locale=locale)
    context = browser.new_context(**(TABLET if locale in ("fi", "en") else PHONE), bypass_csp=True)  # axe is injected
    page = context.new_page()
    site_sign_in(page, live_server, code)
    problems = {}

    def audit(name):
        found = axe(page)
        if found:
            problems[name] = found
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], name

    page.goto(f"{live_server}{B}/")
    audit("sign-in")
    page.fill("#user_id", "1")
    page.click("form[action$='/sign-in'] button[type=submit]")
    audit("sign-in error")
    page.fill("#user_id", "12345678")
    page.click("form[action$='/sign-in'] button[type=submit]")
    audit("app confirm")
    page.fill("#pin", "1234")
    page.click("button[name=answer][value=confirm]")
    page.wait_for_url(re.compile(rf".*{B}/$"))
    audit("overview")
    for path in bank_pages(app, uid):
        page.goto(live_server + path)
        audit(path)
    page.goto(f"{live_server}{B}/pay")
    audit("pay")
    page.fill("#barcode", "123")
    page.click(f"form[action='{B}/pay/barcode'] button[type=submit]")
    audit("barcode error")
    page.click("form.pay-form button[type=submit]")
    audit("pay errors")
    bill = the_bill(app, uid, "electricity")
    page.fill("#recipient", bill.recipient)
    page.fill("#iban", bill.iban)
    page.fill("#amount", "64,37")
    page.fill("#reference", bill.reference)
    page.fill("#due", finance.format_date(bill.due))
    page.click("form.pay-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/review$"))
    audit("review")
    page.click("form.bank-actions button[type=submit]")
    audit("payment app")
    page.fill("#pin", "1234")
    page.click("button[name=answer][value=confirm]")
    page.wait_for_url(re.compile(r".*/payments/\d+$"))
    audit("receipt")
    page.goto(f"{live_server}{B}/payments/waiting")
    audit("waiting with a payment")
    # The same bill again, to a name the account does not have, after the due date: every warning at once.
    page.goto(f"{live_server}{B}/pay")
    page.fill("#recipient", "Matti Meikäläinen")
    page.fill("#iban", bill.iban)
    page.fill("#amount", "64,37")
    page.fill("#reference", bill.reference)
    page.fill("#due", finance.format_date(finance.next_banking_day(finance.next_banking_day(bill.due) + timedelta(days=3))))
    page.click("form.pay-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/review$"))
    assert page.locator(".pay-twin").is_visible() and page.locator(".pay-late").is_visible()
    audit("review with warnings")
    page.click("form.review-confirm button[type=submit]")  # without ticking "pay anyway"
    expect(page.locator("#review-error")).to_be_visible()
    audit("review: consent missing")
    with app.app_context():
        message = db.session.scalars(db.select(Message).where(Message.learner_id == uid, Message.scam.is_(True))).first()
    page.goto(f"{live_server}{B}/phone/{message.id}/link")
    page.fill("#fake_user", "1")
    page.click(f"form[action$='/link'] button[type=submit]")
    audit("fake danger")
    page.goto(f"{live_server}{B}/phone/{message.id}")
    page.click(f"form[action$='/delete'] button[type=submit]")
    audit("deleted")
    with app.app_context():
        call = db.session.scalars(db.select(Message).where(Message.learner_id == uid, Message.key == "call-safe-account")).first()
    page.goto(f"{live_server}{B}/phone/{call.id}")
    audit("a trick call")
    page.click("form[action$='/choose'] button[value=move]")
    audit("a trick call: the unsafe choice explained")
    if locale == "ar":
        page.screenshot(path="test-results/bank-ar-reported.png", full_page=True)
    context.close()
    assert problems == {}, problems
