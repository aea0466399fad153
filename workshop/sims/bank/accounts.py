"""The practice bank's sandbox: seeding it from lessons/bank/scenarios/bank.toml, and what the views
and checks share about her bills and messages (the money rules themselves are in finance.py)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from ...curriculum.scenarios import load_scenario
from ...extensions import db
from ...models import utcnow
from ..contract import learner_id_of, owned
from ..contract import sandbox as seeded_once
from . import finance
from .models import Account, BankState, Bill, Message, Transaction

SCENARIO = "bank"
# A payment counts (for a check, a bill or the list of waiting payments) in these states.
LIVE = ("waiting", "paid")


def scenario():
    return load_scenario(current_app.config["LESSONS_DIR"], "bank", SCENARIO)


def today() -> date:
    """Helsinki's today: just after midnight in Finland it is already tomorrow, though not yet in UTC."""
    return finance.helsinki_today(utcnow())


def cents(euros: str) -> int:
    whole, _dot, part = euros.lstrip("-").partition(".")
    value = int(whole) * 100 + int((part or "0").ljust(2, "0"))
    return -value if euros.startswith("-") else value


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def bill_due(item: dict, now: date) -> date:
    """A bill's due date, counted from the day her sandbox is made: `due_in_days` later, moved on to
    the `due_weekday` the scenario names (so a bill can fall due on a Saturday or a Sunday)."""
    due = now + timedelta(days=item.get("due_in_days", 14))
    if "due_weekday" in item:
        due += timedelta(days=(WEEKDAYS.index(item["due_weekday"]) - due.weekday()) % 7)
    return due


def registered_name(iban: str) -> str | None:
    """The account holder's name as the payee's bank has it, or None: the bank could not check."""
    for item in scenario().data.get("payees", []):
        if item["iban"] == iban:
            return None if item.get("unavailable") else item["name"]
    return None


def seed(learner) -> None:
    """Her fresh sandbox from the scenario, added to the session (contract.sandbox commits it once)."""
    learner_id = learner_id_of(learner)
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
            due=bill_due(item, now), status="open"))
    for n, item in enumerate(data["messages"]):
        db.session.add(Message(learner_id=learner_id, key=item["id"], channel=item["channel"],
                               scam=item["scam"], position=n))


def sandbox(learner_id: int) -> BankState:
    """Her bank, seeded the first time. Open bills whose due date has passed move forward, so a
    learner who comes back weeks later can still pay them on time."""
    state = seeded_once(BankState, seed, learner_id)
    now = today()
    stale = db.session.scalars(owned(Bill, learner_id).where(Bill.status == "open", Bill.due < now)).all()
    if stale:
        items = {item["id"]: item for item in scenario().data["bills"]}
        for bill in stale:
            bill.due = bill_due(items.get(bill.key, {}), now)
        db.session.commit()
    return state


def ensure_messages(learner_id: int) -> None:
    """Messages and calls added to the scenario after her sandbox was made reach her phone too."""
    have = set(db.session.scalars(owned(Message, learner_id, Message.key)))
    items = scenario().data["messages"]
    missing = [(n, item) for n, item in enumerate(items) if item["id"] not in have]
    if not missing:
        return
    for n, item in missing:
        db.session.add(Message(learner_id=learner_id, key=item["id"], channel=item["channel"],
                               scam=item["scam"], position=n))
    db.session.commit()


def message_data(key: str) -> dict:
    return next(item for item in scenario().data["messages"] if item["id"] == key)


def bill_data(key: str) -> dict:
    return next(item for item in scenario().data["bills"] if item["id"] == key)


def bill_barcode(bill: Bill) -> str:
    return finance.build_barcode(bill.iban, bill.amount_cents, bill.reference, bill.due)
