"""Task checks that the bank lessons' practice steps name. They read her sandbox, never a browser flag."""
from __future__ import annotations

from flask_babel import gettext as _

from ...curriculum import Result, task
from ...extensions import db
from . import LIVE, sandbox
from .models import Bill, Message, Payment, owned


def _latest(learner_id: int, *where):
    return db.session.scalars(owned(Payment, learner_id).where(*where).order_by(Payment.id.desc())).first()


@task("bank.signed_in")
def signed_in(learner) -> Result:
    state = sandbox(learner.id)
    if state.signed_in_at is not None:
        return Result(True)
    if state.user_id_ok:
        return Result(False, _("You wrote the user id. Now confirm in the app with the practice PIN 1234."))
    return Result(False, _("You have not signed in yet. Use the practice user id 12345678 and the PIN 1234."))


@task("bank.checked_balance")
def checked_balance(learner) -> Result:
    state = sandbox(learner.id)
    if state.checked_balance or state.opened_transaction:
        return Result(True)
    if state.signed_in_at is None:
        return Result(False, _("First sign in to the practice bank."))
    return Result(False, _("Open your account (Käyttötili) to see the balance, or open one transaction."))


def bill_hint(learner_id: int, bill: Bill, via: str | None = None) -> Result:
    """Done when a live payment matches the bill; else say exactly what is different."""
    payments = db.session.scalars(owned(Payment, learner_id).where(Payment.status.in_(LIVE))).all()

    def matches(p: Payment) -> bool:
        return (p.iban == bill.iban and p.reference == bill.reference and p.amount_cents == bill.amount_cents
                and p.due == bill.due and (via is None or p.via == via))

    if any(matches(p) for p in payments):
        return Result(True)
    pending = _latest(learner_id, Payment.status == "confirming")
    if pending is not None and pending.iban == bill.iban:
        return Result(False, _("You have not confirmed the payment in the app yet."))
    # The payment she most likely meant: to the same account, else the last one she made.
    candidates = [p for p in payments if via is None or p.via == via]
    near = next((p for p in reversed(candidates) if p.iban == bill.iban), candidates[-1] if candidates else None)
    if near is None:
        if via == "barcode":
            return Result(False, _("You have not paid a bill with the virtual barcode yet. Copy the long number from the bill."))
        return Result(False, _("You have not paid this bill yet. Open Maksa lasku and copy the details from the bill."))
    if near.iban != bill.iban:
        return Result(False, _("The account number (IBAN) is not the one on the bill."))
    if near.reference != bill.reference:
        return Result(False, _("The reference number is not the one on the bill."))
    if near.amount_cents != bill.amount_cents:
        return Result(False, _("The amount is not the one on the bill."))
    return Result(False, _("The due date is not the one on the bill."))


@task("bank.paid_electricity_bill")
def paid_electricity_bill(learner) -> Result:
    sandbox(learner.id)
    bill = db.session.scalars(owned(Bill, learner.id).where(Bill.key == "electricity")).first()
    return bill_hint(learner.id, bill) if bill else Result(False, _("Start this practice again."))


@task("bank.paid_by_barcode")
def paid_by_barcode(learner) -> Result:
    sandbox(learner.id)
    bills = db.session.scalars(owned(Bill, learner.id).where(Bill.kind == "paper").order_by(Bill.id)).all()
    results = [bill_hint(learner.id, bill, via="barcode") for bill in bills]
    if any(r.done for r in results):
        return Result(True)
    barcode_payments = _latest(learner.id, Payment.via == "barcode", Payment.status.in_(LIVE))
    if barcode_payments is None:
        pending = _latest(learner.id, Payment.via == "barcode", Payment.status == "confirming")
        if pending is not None:
            return Result(False, _("You have not confirmed the payment in the app yet."))
        return Result(False, _("You have not paid a bill with the virtual barcode yet. Copy the long number from the bill."))
    return Result(False, _("You changed the details that the barcode filled in. Use the barcode again and do not change them."))


@task("bank.approved_einvoice")
def approved_einvoice(learner) -> Result:
    sandbox(learner.id)
    bill = db.session.scalars(owned(Bill, learner.id).where(Bill.kind == "einvoice")).first()
    if bill is None:
        return Result(False, _("Start this practice again."))
    if bill.status == "approved":
        return Result(True)
    pending = _latest(learner.id, Payment.bill_id == bill.id, Payment.status == "confirming")
    if pending is not None:
        return Result(False, _("You have not confirmed the payment in the app yet."))
    cancelled = _latest(learner.id, Payment.bill_id == bill.id, Payment.status == "cancelled")
    if cancelled is not None:
        return Result(False, _("You cancelled the e-invoice payment. Open E-laskut and approve it again."))
    return Result(False, _("Open E-laskut in the practice bank and approve the phone bill."))


@task("bank.reported_scam")
def reported_scam(learner) -> Result:
    sandbox(learner.id)
    scams = db.session.scalars(owned(Message, learner.id).where(Message.scam.is_(True))).all()
    left = [m for m in scams if not m.reported]
    if scams and not left:
        return Result(True)
    if len(left) < len(scams):
        return Result(False, _("You reported one trick. One more message pretends to be the bank: find it and report it too."))
    return Result(False, _("Open Viestit on the practice phone. Find the messages that pretend to be the bank, and report them."))
