"""The bank course and its scenario agree: every lesson ends with a practice, the scenario's bills
carry valid Finnish payment data, and the lessons' bill pictures are drawn from the scenario."""
from __future__ import annotations

from pathlib import Path

from workshop.config import ROOT
from workshop.sims.bank import finance
from workshop.sims.bank.accounts import cents, scenario


def test_every_bank_lesson_ends_with_practice(app):
    """The practice is the lesson's last task; only its summary ("Well done. You learned: …") follows it."""
    course = app.extensions["askel_catalogue"].course("bank")
    assert len(course.lessons) >= 6
    for lesson in course.lessons:
        steps = lesson.steps[:-1] if lesson.steps[-1].type == "summary" else lesson.steps
        assert steps[-1].type == "practice", lesson.id
        assert steps[-1].task.startswith("bank."), lesson.id
    first = course.lesson("01-what-is-online-banking")
    # ids stay stable (progress is keyed by them); "codes" was split in three (issue 14, item 13)
    assert [s.id for s in first.steps] == ["what", "what-you-do", "codes", "codes-app", "codes-mobile", "never-asks",
                                           "quiz-call", "no-links", "quiz-link", "own-codes", "practice-sign-in", "done"]


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
    assert {m["channel"] for m in data["messages"] if m["scam"]} == {"sms", "email", "call"}


def test_lesson_pictures_of_bills_are_drawn_from_the_scenario(app):
    """No lesson picture of a practice bill is a file that could drift from the scenario: each is
    drawn by the bank from the bill rows (tests/sims/test_bank_realism.py compares the values)."""
    from workshop.curriculum import PICTURES

    for name in ("bank/bill-electricity.svg", "bank/bill-fields.svg", "bank/barcode.svg"):
        assert name in PICTURES, name
        assert not (ROOT / "lessons" / "media" / name).exists(), name


def test_bank_pictures_are_small_scalable_svgs():
    for path in sorted(Path(ROOT / "lessons" / "media" / "bank").glob("*.svg")):
        head = path.read_text()[:200]
        assert "viewBox" in head and " width=" not in head.split(">")[0], path.name
        assert path.stat().st_size < 8000, path.name


def test_the_lesson_does_not_promise_a_duplicate_warning_from_a_real_bank(app):
    """The practice bank warns about the same payment twice, but no Finnish bank's guide shows such a
    warning (searched 2026-12-01; bank/templates/bank/review.html says what): the lesson teaches her
    to look in Tilitapahtumat and Erääntyvät maksut herself, and says a real bank may not warn."""
    step = next(s for s in app.extensions["askel_catalogue"].course("bank").lesson("03-pay-a-bill").steps
                if s.id == "twice")
    assert "The bank warns you" not in step.text
    assert "A real bank may not warn you" in step.text
    assert '"Tilitapahtumat"' in step.text and '"Erääntyvät maksut"' in step.text
