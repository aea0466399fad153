"""Task checks that the bank lessons' practice steps name. They read her sandbox, never a browser flag,
and never write: before she has opened the bank there is nothing to read, and the check says so."""
from __future__ import annotations

from flask_babel import gettext as _

from ...curriculum import Result, task
from ... import formats
from ...extensions import db
from ..contract import owned, sandbox_check
from . import finance
from .accounts import LIVE, message_data
from .models import BankState, Bill, Message, Payment


def _latest(learner_id: int, *where):
    return db.session.scalars(owned(Payment, learner_id).where(*where).order_by(Payment.id.desc())).first()


@task("bank.signed_in")
def signed_in(learner) -> Result:
    state = db.session.scalar(owned(BankState, learner))  # before she opened the bank too: how to sign in
    if state is not None and state.signed_in_at is not None:
        return Result(True)
    if state is not None and state.user_id_ok:
        return Result(False, _("You wrote the user id. Now confirm in the app with the practice PIN 1234."))
    return Result(False, _("You have not signed in yet. Use the practice user id 12345678 and the PIN 1234."))


@sandbox_check("bank.checked_balance", BankState)
def checked_balance(learner, state: BankState) -> Result:
    if state.checked_balance or state.opened_transaction:
        return Result(True)
    if state.signed_in_at is None:
        return Result(False, _("First sign in to the practice bank."))
    return Result(False, _("Open your account (Käyttötili) to see the balance, or open one transaction."))


def on_time(p: Payment, bill: Bill) -> bool:
    """Any day from the day she pays to the due date; a due date on a day the bank does not work
    moves to the next banking day, and paid then it is on time."""
    return p.due <= finance.next_banking_day(bill.due)


def _cancel_how(p: Payment) -> str:
    if p.status == "waiting":
        return _("The payment is still waiting, so you can cancel it: open Erääntyvät maksut, press Peruuta maksu, and pay again with the right details.")
    return _("The money has already left, so this payment cannot be cancelled. In real life, call the company and tell them the right details. Here, you can start this practice again.")


def bill_hint(learner_id: int, bill: Bill, via: str | None = None) -> Result:
    """Done when a live payment matches the bill, dated on time; else say exactly what is different
    and how to put it right."""
    payments = db.session.scalars(owned(Payment, learner_id).where(Payment.status.in_(LIVE))).all()

    def same(p: Payment) -> bool:
        return (p.iban == bill.iban and p.reference == bill.reference and p.amount_cents == bill.amount_cents
                and (via is None or p.via == via))

    if any(same(p) and on_time(p, bill) for p in payments):
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
        return Result(False, _("You have not paid this bill yet. Open Maksut, then Uusi maksu, and copy the details from the bill."))
    if near.iban != bill.iban:
        return Result(False, _("The account number (IBAN) is not the one on the bill.") + " " + _cancel_how(near))
    if near.reference != bill.reference:
        return Result(False, _("The reference number is not the one on the bill: you wrote %(typed)s, the bill says %(right)s. The bank could not see this mistake, because both numbers are valid.",
                               typed=formats.isolate(finance.format_any_reference(near.reference)), right=formats.isolate(finance.format_any_reference(bill.reference)))
                      + " " + _cancel_how(near))
    if near.amount_cents != bill.amount_cents:
        return Result(False, _("The amount is not the one on the bill.") + " " + _cancel_how(near))
    return Result(False, _("Your payment is dated %(date)s, after the due date %(due)s on the bill. The money would arrive late, and the company may add a late fee. Any day from today until the due date is right.",
                           date=formats.fi_date_text(near.due), due=formats.fi_date_text(bill.due)) + " " + _cancel_how(near))


@sandbox_check("bank.paid_electricity_bill", BankState)
def paid_electricity_bill(learner, _state: BankState) -> Result:
    bill = db.session.scalars(owned(Bill, learner.id).where(Bill.key == "electricity")).first()
    return bill_hint(learner.id, bill) if bill else Result(False, _("Start this practice again."))


@sandbox_check("bank.paid_by_barcode", BankState)
def paid_by_barcode(learner, _state: BankState) -> Result:
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


@sandbox_check("bank.approved_einvoice", BankState)
def approved_einvoice(learner, _state: BankState) -> Result:
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


@sandbox_check("bank.reported_scam", BankState)
def reported_scam(learner, _state: BankState) -> Result:
    """The two tricks of the first scam lesson, deleted without opening their links (a real phone
    has "Poista", never a "report a scam" button). Tricks that offer choices have their own tasks."""
    scams = [m for m in db.session.scalars(owned(Message, learner.id).where(Message.scam.is_(True))).all()
             if not message_data(m.key).get("actions")]
    left = [m for m in scams if not m.reported]
    if scams and not left:
        return Result(True)
    if len(left) < len(scams):
        return Result(False, _("You deleted one trick. One more message pretends to be the bank: find it and delete it too."))
    return Result(False, _("Open Viestit on the practice phone. Find the messages that pretend to be the bank, and delete them without opening the link."))


def _safe_choice(learner, key: str, not_yet: str) -> Result:
    """Done only when what she did last with this message or call is a safe action."""
    data = message_data(key)
    rows = db.session.scalars(owned(Message, learner.id).where(Message.key == key)).all()
    actions = {a["id"]: a for a in data["actions"]}
    chosen = [actions[m.choice] for m in rows if m.choice in actions]
    if any(a["safe"] for a in chosen):
        return Result(True)
    if chosen:
        return Result(False, _("Not safe yet. Open it again on the practice phone and choose the safe thing to do."))
    return Result(False, not_yet)


@sandbox_check("bank.scam_new_number", BankState)
def scam_new_number(learner, _state: BankState) -> Result:
    return _safe_choice(learner, "new-number", _("Open Viestit on the practice phone and read the message from a new number."))


@sandbox_check("bank.scam_parcel_text", BankState)
def scam_parcel_text(learner, _state: BankState) -> Result:
    return _safe_choice(learner, "parcel", _("Open Viestit on the practice phone and read the message about a parcel."))


@sandbox_check("bank.scam_safe_account", BankState)
def scam_safe_account(learner, _state: BankState) -> Result:
    return _safe_choice(learner, "call-safe-account", _("Open Viestit on the practice phone: someone is calling you. Answer the call."))


@sandbox_check("bank.scam_fake_police", BankState)
def scam_fake_police(learner, _state: BankState) -> Result:
    return _safe_choice(learner, "call-police", _("Open Viestit on the practice phone: the police seem to be calling you. Answer the call."))
