"""The bank course and its scenario agree: every lesson ends with a practice, the scenario's bills
carry valid Finnish payment data, and the lesson's bill picture shows the same data as the sim."""
from __future__ import annotations

from pathlib import Path

from workshop.config import ROOT
from workshop.sims.bank import cents, finance, scenario


def test_every_bank_lesson_ends_with_practice(app):
    course = app.extensions["askel_catalogue"].course("bank")
    assert len(course.lessons) >= 6
    for lesson in course.lessons:
        assert lesson.steps[-1].type == "practice", lesson.id
        assert lesson.steps[-1].task.startswith("bank."), lesson.id
    first = course.lesson("01-what-is-online-banking")
    assert [s.id for s in first.steps[:9]] == ["what", "what-you-do", "codes", "never-asks", "quiz-call", "no-links",
                                               "quiz-link", "own-codes", "done"]  # ids stay stable


def test_scenario_bills_are_valid_payment_data(app):
    with app.app_context():
        data = scenario().data
    for account in data["accounts"]:
        assert finance.validate_iban(account["iban"]) == account["iban"]
    kinds = set()
    for bill in data["bills"]:
        assert finance.validate_iban(bill["iban"]) == bill["iban"], bill["id"]
        assert finance.validate_any_reference(bill["reference"]) == bill["reference"], bill["id"]
        code = finance.build_barcode(bill["iban"], cents(bill["amount"]), bill["reference"], None)
        kinds.add(code[0])
    assert kinds == {"4", "5"}  # both barcode versions appear in the practice
    assert {m["channel"] for m in data["messages"] if m["scam"]} == {"sms", "email"}


def test_lesson_bill_picture_shows_the_scenario_bill(app):
    with app.app_context():
        bill = next(b for b in scenario().data["bills"] if b["id"] == "electricity")
    svg = (ROOT / "lessons" / "media" / "bank" / "bill-electricity.svg").read_text()
    fields = (ROOT / "lessons" / "media" / "bank" / "bill-fields.svg").read_text()
    for text in (finance.format_iban(bill["iban"]), finance.format_reference(bill["reference"]), bill["recipient"]):
        assert text in svg and text in fields
    assert finance.format_amount(cents(bill["amount"])).replace("\u00a0€", "") in fields
    # The barcode line on the picture parses back to the bill's data.
    line = next(part for part in svg.split(">") if part[:54].isdigit() and len(part.split("<")[0]) == 54).split("<")[0]
    parsed = finance.parse_barcode(line)
    assert (parsed.iban, parsed.reference, parsed.amount_cents) == (bill["iban"], bill["reference"], cents(bill["amount"]))


def test_bank_pictures_are_small_scalable_svgs():
    for path in sorted(Path(ROOT / "lessons" / "media" / "bank").glob("*.svg")):
        head = path.read_text()[:200]
        assert "viewBox" in head and " width=" not in head.split(">")[0], path.name
        assert path.stat().st_size < 8000, path.name
