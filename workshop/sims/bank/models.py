"""The practice bank's tables (sim_bank_*): every row belongs to one learner, and every query is scoped
to her (`contract.owned()`), so no id in a URL can reach another learner's accounts, bills or payments.

Money is in cents. Nothing a learner types into the fake sign-in page is ever stored: only a flag.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db
from ...models import utcnow

def learner_fk() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


class BankState(db.Model):
    """One row a learner: her bank session (signed in or not) and what she has done that a check reads."""

    __tablename__ = "sim_bank_state"

    learner_id: Mapped[int] = mapped_column(learner_fk(), primary_key=True)
    seeded_on: Mapped[date]
    user_id_ok: Mapped[bool] = mapped_column(default=False)  # step 1 of signing in done, waiting for the app
    signed_in: Mapped[bool] = mapped_column(default=False)
    signed_in_at: Mapped[datetime | None]
    checked_balance: Mapped[bool] = mapped_column(default=False)
    opened_transaction: Mapped[bool] = mapped_column(default=False)
    typed_into_fake_page: Mapped[bool] = mapped_column(default=False)


class Account(db.Model):
    __tablename__ = "sim_bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(learner_fk(), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    name_fi: Mapped[str] = mapped_column(sa.String(80))
    iban: Mapped[str] = mapped_column(sa.String(34))
    balance_cents: Mapped[int] = mapped_column(sa.BigInteger)
    position: Mapped[int] = mapped_column(default=0)


class Transaction(db.Model):
    __tablename__ = "sim_bank_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(learner_fk(), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("sim_bank_accounts.id", ondelete="CASCADE"), index=True)
    booked_on: Mapped[date]
    counterparty: Mapped[str] = mapped_column(sa.String(120))
    kind_fi: Mapped[str] = mapped_column(sa.String(60))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    reference: Mapped[str] = mapped_column(sa.String(40), default="")
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    # The payment this transaction books: unique, so a payment can never be booked twice.
    payment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sim_bank_payments.id", ondelete="SET NULL"), unique=True)


class Bill(db.Model):
    """A paper bill in her mail, or an e-invoice in the bank; seeded from the scenario."""

    __tablename__ = "sim_bank_bills"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(learner_fk(), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(16))  # paper | einvoice
    recipient: Mapped[str] = mapped_column(sa.String(120))
    iban: Mapped[str] = mapped_column(sa.String(34))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    reference: Mapped[str] = mapped_column(sa.String(40))
    due: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open | approved


class Payment(db.Model):
    __tablename__ = "sim_bank_payments"
    # One payment per form she was given: a second submit of the same form (two tabs, a double tap,
    # a retry on bad Wi-Fi) finds the payment the first one made instead of making another.
    __table_args__ = (sa.UniqueConstraint("learner_id", "form_key", name="uq_sim_bank_payments_form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(learner_fk(), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("sim_bank_accounts.id", ondelete="CASCADE"))
    bill_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sim_bank_bills.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(sa.String(120))
    iban: Mapped[str] = mapped_column(sa.String(34))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    reference: Mapped[str] = mapped_column(sa.String(40), default="")
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    due: Mapped[date]
    via: Mapped[str] = mapped_column(sa.String(16), default="form")  # form | barcode | einvoice
    # draft (on the review page) -> confirming (in the app) -> waiting (future date) | paid; or cancelled
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    form_key: Mapped[str | None] = mapped_column(sa.String(64))
    # Verification of payee, done when the draft is made: match | close | none | unavailable
    payee_check: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(db.Model):
    """A text message, an e-mail or a call on her practice phone; some are tricks."""

    __tablename__ = "sim_bank_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(learner_fk(), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(8))  # sms | email | call
    scam: Mapped[bool] = mapped_column(default=False)
    # A trick she deleted without opening its link (the column kept its first name; there is no
    # "report" button on a real phone, so the practice phone has "Poista" instead).
    reported: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # What she did last with a message or call that offers choices (the scenario's `actions`): the
    # action's id, or "" before she chose. The scam tasks pass only when this is a safe action.
    choice: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")

