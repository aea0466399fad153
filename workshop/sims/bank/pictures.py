"""Lesson pictures that show the practice bills: drawn from the same bill rows the sandbox shows
(her own bank, seeded the first time, like every bank page), so the lesson's picture and the
practice bill always agree on the due date, amount, reference and barcode."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ...curriculum import scenario_picture
from ...extensions import db
from ...models import Role
from ..contract import owned
from . import finance
from .accounts import bill_barcode, bill_data, bill_due, cents, sandbox, today
from .models import Bill

SVG = "image/svg+xml"


def _bill(key: str) -> Bill:
    """Her bill (a learner's own sandbox), else the scenario's bill as a fresh sandbox would show it
    today (staff previewing a lesson: nothing is stored)."""
    if current_user.is_authenticated and current_user.role == Role.LEARNER:
        sandbox(current_user.id)
        row = db.session.scalars(owned(Bill, current_user.id).where(Bill.key == key)).first()
        if row is not None:
            return row
    item = bill_data(key)
    return Bill(key=key, kind=item["kind"], recipient=item["recipient"], iban=item["iban"],
                amount_cents=cents(item["amount"]), reference=item["reference"], due=bill_due(item, today()))


def _draw(template: str, key: str) -> tuple[str, str]:
    bill = _bill(key)
    return render_template(f"bank/{template}", bill=bill, info=bill_data(key), barcode=bill_barcode(bill),
                           iban=finance.format_iban,
                           ref=finance.format_any_reference), SVG


@scenario_picture("bank/bill-electricity.svg")
def electricity_bill():
    return _draw("bill.svg", "electricity")


@scenario_picture("bank/bill-fields.svg")
def electricity_bill_fields():
    return _draw("lesson/bill-fields.svg", "electricity")


@scenario_picture("bank/barcode.svg")
def daycare_barcode():
    return _draw("lesson/barcode.svg", "daycare")

