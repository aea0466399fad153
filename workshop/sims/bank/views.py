"""The practice bank's pages. Every object is fetched with the learner's id (`_own`), never by id alone,
so another learner's id gives 404 and changes nothing. Every change is a POST with CSRF (CSRFProtect)."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from functools import wraps

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ... import formats
from ...extensions import db
from ...models import utcnow
from ..contract import owned, owned_or_404, owned_update, sim_blueprint
from . import finance
from .accounts import (LIVE, bill_barcode, bill_data, ensure_messages, message_data, registered_name, sandbox, scenario,
                       today)
from .models import Account, Bill, Message, Payment, Transaction

bp = sim_blueprint(__package__)

MAX_MESSAGE = 140


# --- helpers --------------------------------------------------------------------------------------

def _own(model, object_id: int):
    return owned_or_404(model, current_user.id, object_id)


def _accounts():
    return db.session.scalars(owned(Account, current_user.id).order_by(Account.position)).all()


def signed_in_only(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        state = sandbox(current_user.id)
        if not state.signed_in:
            flash(_("Sign in to the practice bank first."), "info")
            return redirect(url_for("bank.index"))
        return view(*args, **kwargs)

    return wrapper


def ltr(value: str) -> Markup:
    """Finnish data (IBAN, reference, amount, date) kept left to right inside Arabic."""
    return Markup('<bdi class="ltr" dir="ltr">{}</bdi>').format(value)


def iban_filter(value: str) -> str:
    return finance.format_iban(value) if value else ""


def ref_filter(value: str) -> str:
    return finance.format_any_reference(value)


@bp.context_processor
def bank_context():
    bank = scenario().data["bank"]
    return {"bank_name": bank["name_fi"], "practice_user_id": bank["user_id"], "practice_pin": bank["pin"],
            "ltr": ltr, "iban": iban_filter, "ref": ref_filter,
            "bank_nav": request.endpoint, "bank_state": sandbox(current_user.id)}


def _page(template: str, status: int = 200, **context):
    response = make_response(render_template(f"bank/{template}", **context), status)
    return response


# --- signing in -----------------------------------------------------------------------------------

@bp.route("/")
def index():
    state = sandbox(current_user.id)
    if not state.signed_in:
        return _page("sign_in.html", step="user" if not state.user_id_ok else "app")
    accounts = _accounts()
    waiting = db.session.scalars(owned(Payment, current_user.id).where(Payment.status == "waiting")).all()
    einvoices = db.session.scalars(owned(Bill, current_user.id).where(Bill.kind == "einvoice", Bill.status == "open")).all()
    return _page("overview.html", accounts=accounts, waiting=waiting, einvoices=einvoices)


@bp.route("/sign-in", methods=["POST"])
def sign_in():
    state = sandbox(current_user.id)
    typed = finance.digits_only(request.form.get("user_id", ""))
    if typed != scenario().data["bank"]["user_id"]:
        state.user_id_ok = False
        db.session.commit()
        return _page("sign_in.html", step="user", status=422,
                     error=_("This user id is not right. In this practice bank, the user id is 12345678."))
    state.user_id_ok = True
    db.session.commit()
    return redirect(url_for("bank.confirm_sign_in"), code=303)


@bp.route("/sign-in/app", methods=["GET", "POST"])
def confirm_sign_in():
    """The simulated phone: 'confirm in the app' with the practice PIN."""
    state = sandbox(current_user.id)
    if state.signed_in:
        return redirect(url_for("bank.index"))
    if not state.user_id_ok:
        return redirect(url_for("bank.index"))
    if request.method == "POST":
        if request.form.get("answer") == "reject":
            state.user_id_ok = False
            db.session.commit()
            flash(_("You did not confirm, so nobody signed in. That is right if it was not you."), "info")
            return redirect(url_for("bank.index"), code=303)
        if finance.digits_only(request.form.get("pin", "")) != scenario().data["bank"]["pin"]:
            return _page("app_confirm.html", purpose="sign_in", status=422,
                         error=_("This PIN is not right. In this practice, the PIN is 1234."))
        state.signed_in = True
        state.signed_in_at = utcnow()
        db.session.commit()
        return redirect(url_for("bank.index"), code=303)
    return _page("app_confirm.html", purpose="sign_in")


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    state = sandbox(current_user.id)
    state.signed_in = False
    state.user_id_ok = False
    db.session.commit()
    flash(_("You signed out of the practice bank. Always sign out when you finish."), "info")
    return redirect(url_for("bank.index"), code=303)


# --- accounts and transactions --------------------------------------------------------------------

@bp.route("/accounts/<int:account_id>")
@signed_in_only
def account(account_id: int):
    acc = _own(Account, account_id)
    state = sandbox(current_user.id)
    state.checked_balance = True
    db.session.commit()
    rows = db.session.scalars(owned(Transaction, current_user.id).where(Transaction.account_id == acc.id)
                              .order_by(Transaction.booked_on.desc(), Transaction.id.desc())).all()
    return _page("account.html", account=acc, transactions=rows)


@bp.route("/transactions")
@signed_in_only
def transactions():
    q = (request.args.get("q") or "").strip()[:80]
    query = owned(Transaction, current_user.id)
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.where(db.or_(Transaction.counterparty.ilike(like), Transaction.message.ilike(like),
                                   Transaction.kind_fi.ilike(like), Transaction.reference.ilike(like)))
    rows = db.session.scalars(query.order_by(Transaction.booked_on.desc(), Transaction.id.desc())).all()
    accounts = {a.id: a for a in _accounts()}
    return _page("transactions.html", transactions=rows, q=q, accounts=accounts)


@bp.route("/transactions/<int:transaction_id>")
@signed_in_only
def transaction(transaction_id: int):
    row = _own(Transaction, transaction_id)
    state = sandbox(current_user.id)
    state.opened_transaction = True
    db.session.commit()
    return _page("transaction.html", t=row, account=_own(Account, row.account_id))


# --- paper bills (her mail at home, no signing in needed) -----------------------------------------

def _paper_bills():
    return db.session.scalars(owned(Bill, current_user.id).where(Bill.kind == "paper").order_by(Bill.id)).all()


@bp.route("/mail")
def mail():
    sandbox(current_user.id)
    return _page("mail.html", bills=_paper_bills(), bill_data=bill_data)


@bp.route("/mail/<int:bill_id>")
def bill(bill_id: int):
    sandbox(current_user.id)
    row = _own(Bill, bill_id)
    return _page("bill.html", bill=row, info=bill_data(row.key), barcode=bill_barcode(row))


@bp.route("/mail/<int:bill_id>/picture.svg")
def bill_picture(bill_id: int):
    row = _own(Bill, bill_id)
    svg = render_template("bank/bill.svg", bill=row, info=bill_data(row.key), barcode=bill_barcode(row))
    response = make_response(svg)
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- paying a bill --------------------------------------------------------------------------------

REFERENCE_ERRORS = {
    "reference_check": lambda: _("This reference number is not right: one digit is wrong or missing. Check it on the bill. With a wrong reference number, the company may not find your payment."),
    "reference_length": lambda: _("A reference number has 4 to 20 digits. Check it on the bill. With a wrong reference number, the company may not find your payment."),
    "reference_format": lambda: _("A reference number has only digits (or starts with RF). Check it on the bill. With a wrong reference number, the company may not find your payment."),
    "rf_check": lambda: _("This RF reference is not right. Check it on the bill. With a wrong reference number, the company may not find your payment."),
    "rf_format": lambda: _("This RF reference is not right. Check it on the bill. With a wrong reference number, the company may not find your payment."),
}

BARCODE_ERRORS = {
    "barcode_length": lambda n: _("A virtual barcode has exactly 54 digits. You wrote %(count)s. Copy the whole number from the bill.", count=n),
    "barcode_format": lambda n: _("A virtual barcode has only digits. Copy the number from the bill again."),
    "barcode_version": lambda n: _("This is not a virtual barcode the bank knows: it must start with 4 or 5. Copy the number from the bill again."),
    "barcode_iban": lambda n: _("The account number inside this barcode is not right. Copy the number from the bill again."),
    "barcode_reference": lambda n: _("The reference number inside this barcode is not right. Copy the number from the bill again."),
    "barcode_date": lambda n: _("The due date inside this barcode is not right. Copy the number from the bill again."),
}


FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _blank_form(account_id=None) -> dict:
    """An empty payment form. Its key names this one form: sent twice (two tabs, a double tap), it
    makes one payment."""
    return {"account": str(account_id or ""), "recipient": "", "iban": "", "amount": "", "reference": "",
            "message": "", "due": finance.format_date(today()), "barcode": "", "form_key": secrets.token_urlsafe(18)}


def _validate_payment(form: dict, accounts: list[Account]):
    """(clean values, errors by field). Each error says what it means in real life."""
    errors: dict[str, str] = {}
    clean: dict = {}
    account = next((a for a in accounts if str(a.id) == form["account"]), None)
    if account is None:
        errors["account"] = _("Choose the account the money comes from.")
    clean["account"] = account
    recipient = form["recipient"].strip()
    if not recipient:
        errors["recipient"] = _("Write the recipient's name, as it is on the bill.")
    elif len(recipient) > 70:
        errors["recipient"] = _("The name is too long. Write it as it is on the bill.")
    clean["recipient"] = recipient
    try:
        clean["iban"] = finance.validate_iban(form["iban"])
    except finance.FinanceError:
        errors["iban"] = _("This account number (IBAN) is not right. Check it on the bill. A Finnish IBAN starts with FI and has 18 characters. With a wrong account number, the money does not reach the company.")
    try:
        clean["amount"] = finance.parse_amount(form["amount"])
        if account is not None and clean["amount"] > account.balance_cents:
            errors["amount"] = _("There is not enough money in the account: the balance is %(balance)s. The bank will not pay, and the company may add a late fee.", balance=formats.money_text(account.balance_cents))
    except finance.FinanceError:
        errors["amount"] = _("Write the amount in euros, for example 64,37.")
    reference, message = form["reference"].strip(), form["message"].strip()
    clean["reference"], clean["message"] = "", message
    if reference and message:
        errors["reference"] = _("Write the reference number or a message, not both. The company finds your payment by the reference number, so if the bill has one, use only it.")
    elif reference:
        try:
            clean["reference"] = finance.validate_any_reference(reference)
        except finance.FinanceError as exc:
            errors["reference"] = REFERENCE_ERRORS.get(exc.code, REFERENCE_ERRORS["reference_check"])()
    elif not message:
        errors["reference"] = _("Write the reference number from the bill. If the bill has no reference number, write a message instead.")
    if len(message) > MAX_MESSAGE:
        errors["message"] = _("The message is too long: at most 140 characters.")
    try:
        due = finance.parse_date(form["due"])
        if due < today():
            errors["due"] = _("This date is in the past. The bank cannot pay on a day that is over. Choose today or a later day, at the latest the due date on the bill.")
        elif due > today() + timedelta(days=365):
            errors["due"] = _("This date is more than a year away. Write the due date from the bill.")
        clean["due"] = _banking_day(due)
        clean["moved_from"] = due if clean["due"] != due else None
    except finance.FinanceError:
        errors["due"] = _("Write the date like this: 24.12.2026 (day, month, year).")
    return clean, errors


def _banking_day(day):
    """A later day on which the bank does not work becomes the next banking day (today is paid now)."""
    return day if day <= today() else finance.next_banking_day(day)


def _moved_notice(day, moved_to) -> str:
    return _("%(day)s is not a banking day (it is a Saturday, a Sunday or a holiday). The bank pays on the next banking day, %(next)s. Paid then, a bill counts as paid on time.",
             day=formats.fi_date_text(day), next=formats.fi_date_text(moved_to))


def _bill_for(learner_id: int, iban: str, reference: str) -> Bill | None:
    return db.session.scalars(owned(Bill, learner_id).where(Bill.iban == iban, Bill.reference == reference)).first()


def _render_pay(form: dict, errors: dict | None = None, status: int = 200, barcode_error: str = "", filled=False,
                moved: str = "", scanned=False):
    return _page("pay.html", status=status, form=form, errors=errors or {}, accounts=_accounts(),
                 barcode_error=barcode_error, filled=filled, scanned=scanned, bills=_paper_bills(), moved=moved)


def _form_payment(key: str) -> Payment | None:
    return db.session.scalars(owned(Payment, current_user.id).where(Payment.form_key == key)).first()


def _after_submit(payment: Payment):
    """Where a (repeated) submit of a payment form leads: the payment that form made."""
    if payment.status == "draft":
        return redirect(url_for("bank.review", payment_id=payment.id), code=303)
    return redirect(url_for("bank.payment", payment_id=payment.id), code=303)


@bp.route("/pay", methods=["GET", "POST"])
@signed_in_only
def pay():
    accounts = _accounts()
    if request.method == "GET":
        form = _blank_form(accounts[0].id if accounts else None)
        draft_id = request.args.get("edit", type=int)
        if draft_id:
            draft = _own(Payment, draft_id)
            if draft.status == "draft":
                form.update(account=str(draft.account_id), recipient=draft.recipient, iban=finance.format_iban(draft.iban),
                            amount=formats.fi_number_plain(draft.amount_cents),
                            reference=finance.format_any_reference(draft.reference), message=draft.message,
                            due=finance.format_date(draft.due))
        return _render_pay(form)
    form = {key: (request.form.get(key) or "")[:200] for key in _blank_form()}
    key = form["form_key"] if FORM_KEY_RE.match(form["form_key"]) else ""
    form["form_key"] = key or secrets.token_urlsafe(18)
    if key and (done := _form_payment(key)) is not None:  # this form was sent before
        return _after_submit(done)
    clean, errors = _validate_payment(form, accounts)
    if errors:
        return _render_pay(form, errors, status=422)
    via = "form"
    if form["barcode"]:  # filled from the virtual barcode: it counts only if she kept what it filled in
        try:
            code = finance.parse_barcode(form["barcode"])
            if (code.iban, code.reference, code.amount_cents or clean["amount"]) == (clean["iban"], clean["reference"], clean["amount"]):
                via = "barcode"
        except finance.FinanceError:
            pass
    bill = _bill_for(current_user.id, clean["iban"], clean["reference"]) if clean["reference"] else None
    payment = Payment(learner_id=current_user.id, account_id=clean["account"].id, bill_id=bill.id if bill else None,
                      recipient=clean["recipient"], iban=clean["iban"], amount_cents=clean["amount"],
                      reference=clean["reference"], message=clean["message"], due=clean["due"], via=via, status="draft",
                      form_key=key or None,
                      payee_check=finance.verify_payee(clean["recipient"], registered_name(clean["iban"])))
    db.session.add(payment)
    try:
        db.session.commit()
    except IntegrityError:  # the same form, sent at the same moment from another tab: that one won
        db.session.rollback()
        done = _form_payment(key)
        if done is None:
            raise
        return _after_submit(done)
    if clean["moved_from"]:
        flash(_moved_notice(clean["moved_from"], clean["due"]), "info")
    return redirect(url_for("bank.review", payment_id=payment.id), code=303)


def _from_barcode(raw: str):
    """The payment form filled from a virtual barcode, as the bank does: (form, moved notice), or
    FinanceError. One filler for the pasted number and the camera scan, so both fill the same fields."""
    accounts = _accounts()
    form = _blank_form(accounts[0].id if accounts else None)
    code = finance.parse_barcode(raw)
    bill = _bill_for(current_user.id, code.iban, code.reference)
    due = code.due if code.due and code.due >= today() else today()
    form.update(
        barcode=finance.digits_only(raw), iban=finance.format_iban(code.iban),
        recipient=bill.recipient if bill else "",
        amount=formats.fi_number_plain(code.amount_cents) if code.amount_cents else "",
        reference=finance.format_any_reference(code.reference),
        due=finance.format_date(_banking_day(due)),
    )
    return form, (_moved_notice(due, _banking_day(due)) if _banking_day(due) != due else "")


@bp.route("/pay/barcode", methods=["POST"])
@signed_in_only
def pay_barcode():
    """The virtual barcode fills the form in (on the server: works without JavaScript)."""
    raw = (request.form.get("barcode") or "")[:200]
    try:
        form, moved = _from_barcode(raw)
    except finance.FinanceError as exc:
        accounts = _accounts()
        form = _blank_form(accounts[0].id if accounts else None)
        form["barcode"] = raw
        count = len(finance.digits_only(raw))
        return _render_pay(form, status=422, barcode_error=BARCODE_ERRORS[exc.code](count))
    return _render_pay(form, filled=True, moved=moved)


@bp.route("/pay/scan", methods=["GET", "POST"])
@signed_in_only
def pay_scan():
    """The bank app's camera on the practice phone: a viewfinder over one of her paper bills and a
    capture button. Nothing asks for the real camera: the "camera" sees the bill the sandbox draws, and
    capturing reads that bill's own virtual barcode on the server (a plain form POST, no JavaScript)."""
    bills = _paper_bills()
    if request.method == "POST":
        row = _own(Bill, request.form.get("bill", type=int) or 0)
        if row.kind != "paper":
            abort(404)
        form, moved = _from_barcode(bill_barcode(row))
        return _render_pay(form, filled=True, scanned=True, moved=moved)
    chosen = request.args.get("bill", type=int)
    current = next((b for b in bills if b.id == chosen), None) or next(
        (b for b in bills if b.status == "open"), bills[0] if bills else None)
    return _page("scan.html", bills=bills, current=current, bill_data=bill_data)


def _move(payment: Payment, old: str, new: str) -> bool:
    """Move her payment from one state to the next, once: the UPDATE holds the row (a row lock on
    PostgreSQL, the write lock on SQLite), so of two tabs doing the same at the same moment exactly
    one moves it, and the other sees it has already moved."""
    result = db.session.execute(
        owned_update(Payment, payment.learner_id).where(Payment.id == payment.id, Payment.status == old)
        .values(status=new)
        .execution_options(synchronize_session=False))
    moved = result.rowcount == 1
    db.session.expire(payment)
    return moved


PAYEE_RISKY = ("close", "none", "unavailable")


def _twins(p: Payment) -> list[Payment]:
    """Her other payments to the same account with the same reference, made or on their way."""
    if not p.reference:
        return []
    return db.session.scalars(owned(Payment, current_user.id).where(
        Payment.id != p.id, Payment.iban == p.iban, Payment.reference == p.reference,
        Payment.status.in_(("confirming", "waiting", "paid"))).order_by(Payment.id)).all()


def _late_for(p: Payment) -> Bill | None:
    """The bill this payment pays, if it is dated after the bill's due date (next banking day included)."""
    bill = _bill_for(current_user.id, p.iban, p.reference) if p.reference else None
    if bill is not None and p.due > finance.next_banking_day(bill.due):
        return bill
    return None


def _review_page(p: Payment, status: int = 200, error: str = ""):
    return _page("review.html", status=status, p=p, account=_own(Account, p.account_id), twins=_twins(p),
                 late_bill=_late_for(p), registered=registered_name(p.iban), payee_risky=p.payee_check in PAYEE_RISKY,
                 error=error)


@bp.route("/payments/<int:payment_id>/review", methods=["GET", "POST"])
@signed_in_only
def review(payment_id: int):
    payment = _own(Payment, payment_id)
    if payment.status != "draft":
        return redirect(url_for("bank.payment", payment_id=payment.id), code=303 if request.method == "POST" else 302)
    if request.method == "POST":
        if payment.payee_check in PAYEE_RISKY and request.form.get("accept_risk") != "yes":
            return _review_page(payment, status=422, error=_(
                "The bank could not confirm that the name belongs to this account. Check the name and the account number on the bill. If you still want to pay, tick the box: then the risk is yours."))
        _move(payment, "draft", "confirming")
        db.session.commit()
        return redirect(url_for("bank.confirm_payment", payment_id=payment.id), code=303)
    return _review_page(payment)


@bp.route("/payments/<int:payment_id>/use-name", methods=["POST"])
@signed_in_only
def use_registered_name(payment_id: int):
    """A close match: take the name the payee's bank has for the account."""
    payment = _own(Payment, payment_id)
    name = registered_name(payment.iban)
    if payment.status == "draft" and payment.payee_check == "close" and name:
        db.session.execute(owned_update(Payment, current_user.id).where(Payment.id == payment.id,
                                                                        Payment.status == "draft")
                           .values(recipient=name[:120], payee_check="match").execution_options(synchronize_session=False))
        db.session.commit()
    return redirect(url_for("bank.review", payment_id=payment.id), code=303)


def _complete(payment: Payment) -> bool:
    """Confirmed in the app: paid today, or waiting for its due date. Booked at most once (the
    payment moves out of 'confirming' once, and a transaction names its payment uniquely), and never
    beyond the balance (the account's balance drops only if the money is there, in one UPDATE).
    False when there was not enough money."""
    if payment.due > today():
        if _move(payment, "confirming", "waiting"):
            _approve_bill(payment)
        return True
    if not _move(payment, "confirming", "paid"):
        return True  # the other tab confirmed it: nothing more to do
    taken = db.session.execute(
        owned_update(Account, payment.learner_id).where(Account.id == payment.account_id,
                                                        Account.balance_cents >= payment.amount_cents)
        .values(balance_cents=Account.balance_cents - payment.amount_cents)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()
        _move(payment, "confirming", "draft")
        return False
    db.session.add(Transaction(learner_id=payment.learner_id, account_id=payment.account_id, booked_on=today(),
                               counterparty=payment.recipient, kind_fi="E-lasku" if payment.via == "einvoice" else "Maksu",
                               amount_cents=-payment.amount_cents, reference=payment.reference,
                               message=payment.message, iban=payment.iban, payment_id=payment.id))
    _approve_bill(payment)
    return True


def _approve_bill(payment: Payment) -> None:
    if payment.bill_id:
        bill = _own(Bill, payment.bill_id)
        if (bill.iban, bill.reference, bill.amount_cents) == (payment.iban, payment.reference, payment.amount_cents):
            bill.status = "approved"


@bp.route("/payments/<int:payment_id>/app", methods=["GET", "POST"])
@signed_in_only
def confirm_payment(payment_id: int):
    payment = _own(Payment, payment_id)
    if payment.status != "confirming":  # confirmed (or rejected) already, maybe in another tab
        return redirect(url_for("bank.payment", payment_id=payment.id), code=303 if request.method == "POST" else 302)
    if request.method == "POST":
        if request.form.get("answer") == "reject":
            einvoice = payment.via == "einvoice"
            if _move(payment, "confirming", "cancelled" if einvoice else "draft"):
                db.session.commit()
                flash(_("You did not confirm, so the bank did not pay."), "info")
            if einvoice:
                return redirect(url_for("bank.einvoices"), code=303)
            return redirect(url_for("bank.review", payment_id=payment.id), code=303)
        if finance.digits_only(request.form.get("pin", "")) != scenario().data["bank"]["pin"]:
            return _page("app_confirm.html", purpose="payment", p=payment, status=422,
                         error=_("This PIN is not right. In this practice, the PIN is 1234."))
        if not _complete(payment):
            db.session.commit()
            flash(_("There is not enough money in the account now: another payment has taken it. The bank did not pay this one."), "error")
            return redirect(url_for("bank.review", payment_id=payment.id), code=303)
        try:
            db.session.commit()
        except IntegrityError:  # booked by the other tab at the same moment: the booking stands once
            db.session.rollback()
        return redirect(url_for("bank.payment", payment_id=payment.id), code=303)
    return _page("app_confirm.html", purpose="payment", p=payment)


@bp.route("/payments/<int:payment_id>")
@signed_in_only
def payment(payment_id: int):
    """The receipt (kuitti) of a payment, or where it is now."""
    p = _own(Payment, payment_id)
    if p.status == "draft":
        return redirect(url_for("bank.review", payment_id=p.id))
    if p.status == "confirming":
        return redirect(url_for("bank.confirm_payment", payment_id=p.id))
    return _page("receipt.html", p=p, account=_own(Account, p.account_id))


@bp.route("/payments/waiting")
@signed_in_only
def waiting():
    rows = db.session.scalars(owned(Payment, current_user.id).where(Payment.status == "waiting")
                              .order_by(Payment.due, Payment.id)).all()
    return _page("waiting.html", payments=rows)


@bp.route("/payments/<int:payment_id>/cancel", methods=["POST"])
@signed_in_only
def cancel(payment_id: int):
    p = _own(Payment, payment_id)
    if p.status == "cancelled":  # cancelled already (another tab, a double tap): done
        return redirect(url_for("bank.waiting"), code=303)
    if not _move(p, "waiting", "cancelled"):
        flash(_("Only a payment that is still waiting can be cancelled."), "info")
        return redirect(url_for("bank.payment", payment_id=p.id), code=303)
    if p.bill_id:
        bill = _own(Bill, p.bill_id)
        live = db.session.scalars(owned(Payment, current_user.id).where(
            Payment.bill_id == bill.id, Payment.status.in_(LIVE))).first()
        if live is None:
            bill.status = "open"
    db.session.commit()
    flash(_("The payment is cancelled. No money left your account."), "info")
    return redirect(url_for("bank.waiting"), code=303)


# --- e-invoices -----------------------------------------------------------------------------------

@bp.route("/einvoices")
@signed_in_only
def einvoices():
    rows = db.session.scalars(owned(Bill, current_user.id).where(Bill.kind == "einvoice").order_by(Bill.id)).all()
    return _page("einvoices.html", bills=rows, bill_data=bill_data)


@bp.route("/einvoices/<int:bill_id>", methods=["GET", "POST"])
@signed_in_only
def einvoice(bill_id: int):
    row = _own(Bill, bill_id)
    if row.kind != "einvoice":
        abort(404)
    if request.method == "POST":
        if row.status != "open":
            flash(_("You already approved this e-invoice."), "info")
            return redirect(url_for("bank.einvoice", bill_id=row.id), code=303)
        accounts = _accounts()
        # One approval per e-invoice at a time: the key counts the approvals she cancelled, so two
        # tabs approving at once make one payment, and approving again after a cancel makes a new one.
        tries = db.session.scalar(owned(Payment, current_user.id, db.func.count(Payment.id)).where(
            Payment.bill_id == row.id, Payment.via == "einvoice"))
        key = f"einvoice-{row.id}-{tries}"
        pending = db.session.scalars(owned(Payment, current_user.id).where(
            Payment.bill_id == row.id, Payment.status.in_(("confirming",) + LIVE))).first()
        if pending is not None:
            return redirect(url_for("bank.confirm_payment", payment_id=pending.id), code=303)
        payment = Payment(learner_id=current_user.id, account_id=accounts[0].id, bill_id=row.id, recipient=row.recipient,
                          iban=row.iban, amount_cents=row.amount_cents, reference=row.reference, due=row.due,
                          via="einvoice", status="confirming", form_key=key, payee_check="match")
        db.session.add(payment)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            payment = _form_payment(key)
            if payment is None:
                raise
        return redirect(url_for("bank.confirm_payment", payment_id=payment.id), code=303)
    live = db.session.scalars(owned(Payment, current_user.id).where(
        Payment.bill_id == row.id, Payment.status.in_(LIVE))).first()
    return _page("einvoice.html", bill=row, info=bill_data(row.key), live=live)


# --- the practice phone: messages, tricks and the fake page --------------------------------------

def _message_data(m: Message) -> dict:
    return message_data(m.key)


def _action(data: dict, action_id: str) -> dict | None:
    return next((a for a in data.get("actions", []) if a["id"] == action_id), None)


@bp.route("/phone")
def phone():
    sandbox(current_user.id)
    ensure_messages(current_user.id)
    rows = db.session.scalars(owned(Message, current_user.id).order_by(Message.position)).all()
    return _page("phone.html", messages=[(m, _message_data(m)) for m in rows], action_of=_action)


@bp.route("/phone/<int:message_id>")
def message(message_id: int):
    sandbox(current_user.id)
    m = _own(Message, message_id)
    data = _message_data(m)
    return _page("message.html", m=m, data=data, chosen=_action(data, m.choice),
                 not_scam=request.args.get("checked") == "1")


@bp.route("/phone/<int:message_id>/delete", methods=["POST"])
def delete(message_id: int):
    """"Poista", as on every phone. A trick deleted without opening its link is handled well; the
    page then teaches the real ways to report it (no bank or phone has a "report a scam" button)."""
    sandbox(current_user.id)
    m = _own(Message, message_id)
    if not m.scam:
        return redirect(url_for("bank.message", message_id=m.id, checked=1), code=303)
    m.reported = True
    db.session.commit()
    return redirect(url_for("bank.message", message_id=m.id), code=303)


@bp.route("/phone/<int:message_id>/choose", methods=["POST"])
def choose(message_id: int):
    """What she does with a message or call that offers choices: the scam tasks read it."""
    sandbox(current_user.id)
    m = _own(Message, message_id)
    data = _message_data(m)
    action = _action(data, request.form.get("action", ""))
    if action is None:
        flash(_("Choose one of the buttons."), "error")
        return redirect(url_for("bank.message", message_id=m.id), code=303)
    m.choice = action["id"]
    db.session.commit()
    return redirect(url_for("bank.message", message_id=m.id, _anchor="answer"), code=303)


@bp.route("/phone/<int:message_id>/link", methods=["GET", "POST"])
def fake_page(message_id: int):
    """The page behind the trick's link. What she types is never read or stored: only that she typed."""
    state = sandbox(current_user.id)
    m = _own(Message, message_id)
    if not m.scam:
        abort(404)
    data = _message_data(m)
    if _action(data, "link") is not None and m.choice != "link":
        m.choice = "link"  # tapping the link is the unsafe choice this trick wants
        db.session.commit()
    if request.method == "POST":
        if any((request.form.get(name) or "").strip() for name in ("fake_user", "fake_pin")):
            state.typed_into_fake_page = True
            db.session.commit()
            return _page("fake_danger.html", m=m, data=data)
        return _page("fake_page.html", m=m, data=data)
    return _page("fake_page.html", m=m, data=data)
