"""Finnish payment data, as a real bank checks it: reference numbers, RF references, IBANs, the
virtual barcode, euro amounts. Pure Python, no Flask, so it is easy to test (tests/unit/test_bank_finance.py).

Facts: shared/domain-finland.md (Finance Finland's barcode guide).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from stdnum import iban as _iban
from stdnum import iso11649
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

from ... import clock, formats

from ..banking_days import bank_holidays, easter_sunday, is_banking_day, next_banking_day  # noqa: F401 (used here and by the bank's views)

WEIGHTS = (7, 3, 1)
MAX_EUROS = 999_999  # six digits in the barcode
BARCODE_LENGTH = 54


class FinanceError(ValueError):
    """Bad payment data. `code` says which rule failed, so the interface can explain it in her language."""

    def __init__(self, code: str, message: str = ""):
        self.code = code
        super().__init__(message or code)


def helsinki_today(now: datetime | None = None) -> date:
    """Today as the bank (and the learner) in Finland sees it. A naive datetime is taken as UTC."""
    return clock.helsinki(now).date()


def digits_only(raw: str) -> str:
    """What she typed without spaces (she may copy '12345 67890')."""
    return re.sub(r"[\s\u00a0\u202f-]", "", raw or "")


# --- Finnish national reference number (viitenumero) ----------------------------------------------

def reference_check_digit(base: str) -> int:
    """7-3-1 from the right; check = (10 - sum mod 10) mod 10."""
    if not base.isascii() or not base.isdigit():
        raise FinanceError("reference_format")
    total = sum(int(d) * WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return (10 - total % 10) % 10


def build_reference(base: str | int) -> str:
    """A full reference number from its base (3–19 digits, no leading zero): base + check digit."""
    base = str(base)
    if not base.isascii() or not base.isdigit() or base.startswith("0") or not 3 <= len(base) <= 19:
        raise FinanceError("reference_format")
    return base + str(reference_check_digit(base))


def validate_reference(raw: str) -> str:
    """The compact reference, or FinanceError: 'reference_format', 'reference_length' or 'reference_check'."""
    ref = digits_only(raw)
    if not ref.isascii() or not ref.isdigit():
        raise FinanceError("reference_format")
    ref = ref.lstrip("0")  # leading zeros are not part of the number (banks ignore them)
    if not 4 <= len(ref) <= 20:
        raise FinanceError("reference_length")
    if reference_check_digit(ref[:-1]) != int(ref[-1]):
        raise FinanceError("reference_check")
    return ref


def is_valid_reference(raw: str) -> bool:
    try:
        validate_reference(raw)
        return True
    except FinanceError:
        return False


def format_reference(ref: str) -> str:
    """Printed in groups of five from the right: 12345 67890 12."""
    ref = digits_only(ref)
    head = len(ref) % 5
    groups = ([ref[:head]] if head else []) + [ref[i:i + 5] for i in range(head, len(ref), 5)]
    return " ".join(groups)


# --- RF creditor reference (ISO 11649) -----------------------------------------------------------

def build_rf(national: str) -> str:
    """RF + check digits + the national reference, e.g. 11112 -> RF9811112."""
    body = validate_reference(national)
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def validate_rf(raw: str) -> str:
    """The compact RF reference, or FinanceError('rf_check' / 'rf_format')."""
    compact = digits_only(raw).upper()
    if not compact.startswith("RF"):
        raise FinanceError("rf_format")
    try:
        return iso11649.validate(compact)
    except ValidationError:
        raise FinanceError("rf_check") from None


def format_rf(ref: str) -> str:
    return iso11649.format(ref)


def validate_any_reference(raw: str) -> str:
    """A national or an RF reference, compact."""
    compact = digits_only(raw).upper()
    return validate_rf(compact) if compact.startswith("RF") else validate_reference(compact)


def format_any_reference(ref: str) -> str:
    if not ref:
        return ""
    return format_rf(ref) if ref.upper().startswith("RF") else format_reference(ref)


# --- IBAN -----------------------------------------------------------------------------------------

def validate_iban(raw: str) -> str:
    """The compact IBAN (python-stdnum, ISO 13616 mod 97), or FinanceError('iban')."""
    try:
        return _iban.validate(digits_only(raw).upper())
    except ValidationError:
        raise FinanceError("iban") from None


def format_iban(value: str) -> str:
    """In groups of four: FI37 1590 3000 0007 76."""
    return _iban.format(value)


# --- Money ----------------------------------------------------------------------------------------

AMOUNT_RE = re.compile(r"^(\d{1,7})(?:[,.](\d{1,2}))?$")


def parse_amount(raw: str) -> int:
    """Euros as she types them ('1 234,56', '12.25', '40 €') -> cents; FinanceError('amount')."""
    text = re.sub(r"[\s\u00a0\u202f]", "", (raw or "").replace("€", ""))
    match = AMOUNT_RE.match(text)
    if not match:
        raise FinanceError("amount")
    euros, cents = match.group(1), (match.group(2) or "0").ljust(2, "0")
    value = int(euros) * 100 + int(cents)
    if value <= 0 or value > MAX_EUROS * 100 + 99:
        raise FinanceError("amount")
    return value


def format_amount(cents: int, sign: bool = False) -> str:
    """Finnish style, with no-break spaces: 1 234,56 € (or -1 234,56 € / +40,00 €)."""
    return formats.fi_money_plain(cents, sign)


def parse_date(raw: str) -> date:
    """d.m.yyyy (as Finnish services write it) or yyyy-mm-dd; FinanceError('date')."""
    text = (raw or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            y, m, d = (int(p) for p in text.split("-"))
        elif re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
            d, m, y = (int(p) for p in text.split("."))
        else:
            raise ValueError
        return date(y, m, d)
    except ValueError:
        raise FinanceError("date") from None


def format_date(value: date | None) -> str:
    return formats.fi_date_plain(value)


# --- Virtual barcode (virtuaaliviivakoodi) --------------------------------------------------------

@dataclass(frozen=True)
class Barcode:
    version: int           # 4: national reference, 5: RF reference
    iban: str              # compact, e.g. FI3715903000000776
    amount_cents: int      # 0 means: no amount on the bill
    reference: str         # compact national (11112) or RF (RF9811112)
    due: date | None       # None when the bill has no due date


def build_barcode(iban: str, amount_cents: int, reference: str, due: date | None) -> str:
    """The 54 digits; version 4 for a national reference, version 5 for an RF reference."""
    compact = validate_iban(iban)
    if not compact.startswith("FI"):
        raise FinanceError("barcode_iban")
    if not 0 <= amount_cents <= MAX_EUROS * 100 + 99:
        raise FinanceError("amount")
    euros, cents = divmod(amount_cents, 100)
    ref = digits_only(reference).upper()
    if ref.startswith("RF"):
        ref = validate_rf(ref)
        body = ref[4:]
        if not body.isdigit() or len(body) > 21:
            raise FinanceError("barcode_reference")
        version, ref_part = 5, ref[2:4] + body.zfill(21)
    else:
        ref = validate_reference(ref)
        version, ref_part = 4, "000" + ref.zfill(20)
    due_part = due.strftime("%y%m%d") if due else "000000"
    code = f"{version}{compact[2:]}{euros:06d}{cents:02d}{ref_part}{due_part}"
    assert len(code) == BARCODE_LENGTH
    return code


def parse_barcode(raw: str) -> Barcode:
    """The fields of a virtual barcode, or FinanceError: 'barcode_length', 'barcode_version',
    'barcode_format' (not digits), 'barcode_iban', 'barcode_reference', 'barcode_date'."""
    code = digits_only(raw)
    if not code.isascii() or not code.isdigit():
        raise FinanceError("barcode_format")
    if len(code) != BARCODE_LENGTH:
        raise FinanceError("barcode_length")
    version = int(code[0])
    if version not in (4, 5):
        raise FinanceError("barcode_version")
    try:
        account = validate_iban("FI" + code[1:17])
    except FinanceError:
        raise FinanceError("barcode_iban") from None
    amount = int(code[17:23]) * 100 + int(code[23:25])
    try:
        if version == 4:
            if code[25:28] != "000":
                raise FinanceError("barcode_reference")
            reference = validate_reference(code[28:48])
        else:
            reference = validate_rf("RF" + code[25:27] + code[27:48].lstrip("0"))
    except FinanceError:
        raise FinanceError("barcode_reference") from None
    due_part = code[48:54]
    due = None
    if due_part != "000000":
        try:
            due = date(2000 + int(due_part[:2]), int(due_part[2:4]), int(due_part[4:6]))
        except ValueError:
            raise FinanceError("barcode_date") from None
    return Barcode(version, account, amount, reference, due)



# --- Verification of payee (maksunsaajan tarkistus) -----------------------------------------------
# Since 9 October 2025 the payer's bank asks the payee's bank whether the name she wrote belongs to
# the account: it matches, it nearly matches (then the bank shows the registered name), it does not
# match, or it could not be checked. Paying after a warning moves the risk to the payer.

MATCH, CLOSE, NO_MATCH, UNAVAILABLE = "match", "close", "none", "unavailable"
_COMPANY_FORMS = {"oy", "oyj", "ab", "ry", "ky", "tmi", "ltd"}


def _name_words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return [w for w in text.split() if w]


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (names are short)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def verify_payee(typed: str, registered: str | None) -> str:
    """What the payee's bank answers. `registered` is None when the account cannot be checked."""
    if registered is None:
        return UNAVAILABLE
    typed_words, registered_words = _name_words(typed), _name_words(registered)
    if typed_words == registered_words:
        return MATCH
    core_typed = [w for w in typed_words if w not in _COMPANY_FORMS]
    core_registered = [w for w in registered_words if w not in _COMPANY_FORMS]
    if not core_typed:
        return NO_MATCH
    a, b = " ".join(core_typed), " ".join(core_registered)
    if a == b or _edits(a, b) <= max(1, len(b) // 8):
        return CLOSE
    if (core_typed[0] == core_registered[0] and set(core_typed) <= set(core_registered)
            and len(core_typed) * 2 >= len(core_registered)):
        return CLOSE
    return NO_MATCH
