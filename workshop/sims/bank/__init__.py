"""Harjoituspankki: a fictional Finnish online bank to practise in (design.md, "Simulations").

Signing in as Finnish banks do (a user id, then "confirm in the app"), accounts and transactions,
paying a bill from its paper picture or with the virtual barcode, e-invoices, payments waiting for
their due date, and tricks that pretend to be the bank. Each learner has her own sandbox, seeded
from lessons/bank/scenarios/bank.toml the first time she opens it.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, current_app

from ...curriculum.scenarios import load_scenario
from ...extensions import db
from ...models import utcnow
from . import finance
from .models import Account, BankState, Bill, Message, Payment, Transaction, export, owned  # noqa: F401

bp = Blueprint("bank", __name__)

SCENARIO = "bank"
# A payment counts (for a check, a bill or the list of waiting payments) in these states.
LIVE = ("waiting", "paid")


def scenario():
    return load_scenario(current_app.config["LESSONS_DIR"], "bank", SCENARIO)


def today() -> date:
    return utcnow().date()


def cents(euros: str) -> int:
    whole, _dot, part = euros.lstrip("-").partition(".")
    value = int(whole) * 100 + int((part or "0").ljust(2, "0"))
    return -value if euros.startswith("-") else value


def seed(learner_id: int) -> BankState:
    """Her fresh sandbox from the scenario."""
    data = scenario().data
    now = today()
    state = BankState(learner_id=learner_id, seeded_on=now)
    db.session.add(state)
    accounts = {}
    for n, item in enumerate(data["accounts"]):
        account = Account(learner_id=learner_id, key=item["id"], name_fi=item["name_fi"], iban=item["iban"],
                          balance_cents=cents(item["balance"]), position=n)
        db.session.add(account)
        accounts[item["id"]] = account
    db.session.flush()
    for item in data["transactions"]:
        db.session.add(Transaction(
            learner_id=learner_id, account_id=accounts[item["account"]].id,
            booked_on=now - timedelta(days=item["days_ago"]), counterparty=item["counterparty"],
            kind_fi=item["kind_fi"], amount_cents=cents(item["amount"]), reference=item.get("reference", ""),
            message=item.get("message_fi", ""), iban=item.get("iban", "")))
    for item in data["bills"]:
        db.session.add(Bill(
            learner_id=learner_id, key=item["id"], kind=item["kind"], recipient=item["recipient"],
            iban=item["iban"], amount_cents=cents(item["amount"]), reference=item["reference"],
            due=now + timedelta(days=item["due_in_days"]), status="open"))
    for n, item in enumerate(data["messages"]):
        db.session.add(Message(learner_id=learner_id, key=item["id"], channel=item["channel"],
                               scam=item["scam"], position=n))
    return state


def sandbox(learner_id: int) -> BankState:
    """Her bank, seeded the first time. Open bills whose due date has passed move forward, so a
    learner who comes back weeks later can still pay them on time."""
    state = db.session.get(BankState, learner_id)
    if state is None:
        state = seed(learner_id)
        db.session.commit()
        return state
    now = today()
    stale = db.session.scalars(owned(Bill, learner_id).where(Bill.status == "open", Bill.due < now)).all()
    if stale:
        days = {item["id"]: item["due_in_days"] for item in scenario().data["bills"]}
        for bill in stale:
            bill.due = now + timedelta(days=days.get(bill.key, 14))
        db.session.commit()
    return state


def reset(learner) -> None:
    """Start her bank again from the scenario (seeded again when she next opens it)."""
    for model in (Payment, Transaction, Bill, Message, Account, BankState):
        db.session.execute(db.delete(model).where(model.learner_id == learner.id))
    db.session.commit()


def bill_data(key: str) -> dict:
    return next(item for item in scenario().data["bills"] if item["id"] == key)


def bill_barcode(bill: Bill) -> str:
    return finance.build_barcode(bill.iban, bill.amount_cents, bill.reference, bill.due)


from . import checks, views  # noqa: E402,F401  (routes and task checks register themselves)
