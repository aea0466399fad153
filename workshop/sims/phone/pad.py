"""What she practises with: the texts to type exactly, her own virtual barcode, the practice QR code.

The barcode is built here (a service never imports another): a Finnish virtual barcode, version 4,
of a practice bill with a valid IBAN and reference, 54 digits; tests/sims/test_phone.py reads it with
the practice bank's own parser, so it is a barcode the bank would take.
"""
from __future__ import annotations

import secrets
import unicodedata
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from ... import address, clock
from ...extensions import db
from .models import PhoneState

# Typed exactly, as a Finnish form wants them: ä and ö, capitals, numbers, @.
ADDRESS = "Männikkötie 5 B 12, 02230 Espoo"
EMAIL = "hodan.farah@esimerkki.fi"  # a mother's, in the practice family's name
EMAIL_MASCULINE = "abdi.farah@esimerkki.fi"  # a father types a man's address, not hers

# The practice bill whose barcode she copies: a made-up account and reference, her own due date.
BBAN = "15903000012345"  # the 14 digits after FIxx
AMOUNT_CENTS = 4890
DUE_IN_DAYS = 14
QR_CODE = "harjoitus"
# Three addresses of "Kela's page": only one is Kela's (kela.fi); the others only look like it.
ADDRESSES = {"tuki": "https://kela-tuki.com/asiointi", "real": "https://www.kela.fi/asiointi",
             "maksu": "https://www.kela.fi.maksu-palvelu.net/"}
REAL_ADDRESS = "real"  # the practice QR code opens /practice/phone/qr/harjoitus (no link leads there)


def targets(learner) -> dict[str, str]:
    """The texts she types exactly: the street address, and an e-mail address of her own kind (a father,
    whom the texts address as a man, gets a man's name in it)."""
    email = EMAIL_MASCULINE if getattr(learner, "address", None) == address.MASCULINE else EMAIL
    return {"address": ADDRESS, "email": email}


def iban(bban: str = BBAN) -> str:
    """A Finnish IBAN with its check digits (ISO 13616: mod 97 of the digits, FI = 1518)."""
    check = 98 - int(bban + "151800") % 97
    return f"FI{check:02d}{bban}"


def reference(base: str) -> str:
    """A Finnish bank reference: the base and its 7-3-1 check digit."""
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return base + str((10 - total % 10) % 10)


def barcode(account: str, cents: int, ref: str, due: date) -> str:
    """The 54 digits of a version 4 virtual barcode (Finance Finland's specification)."""
    euros, rest = divmod(cents, 100)
    return f"4{account[2:]}{euros:06d}{rest:02d}000{ref.zfill(20)}{due:%y%m%d}"


def seed(learner) -> None:
    day = clock.today()
    ref = reference(str(10_000 + secrets.randbelow(89_999)))
    db.session.add(PhoneState(learner_id=learner.id, seed_day=day,
                              barcode=barcode(iban(), AMOUNT_CENTS, ref, day + timedelta(days=DUE_IN_DAYS))))


def same(typed: str | None, target: str) -> bool:
    """Exactly the same text. Only what a keyboard adds unseen is forgiven: spaces at the ends and how
    ä and ö are encoded (one character, or a and two dots)."""
    return unicodedata.normalize("NFC", (typed or "").strip()) == target


def difference(typed: str | None, target: str):
    """What to look at again when `typed` is not `target`, in words she can act on."""
    text = unicodedata.normalize("NFC", (typed or "").strip())
    if not text:
        return _l("The box is empty. Tap it and type the text.")
    if text.casefold() == target.casefold():
        return _l("Almost. Look at the capital letters: a big letter where the text has one, small letters elsewhere.")
    plain = str.maketrans("äöÄÖ", "aoAO")
    if text.translate(plain) == target.translate(plain):
        return _l("Almost. Look at ä and ö: press and hold a or o on the keyboard, then choose ä or ö.")
    if "@" in target and "@" not in text:
        return _l("The @ sign is missing. Find it on the keyboard (it may be behind the ?123 key).")
    if " ".join(text.split()) == target:
        return _l("Almost. Look at the spaces: one space between words.")
    return _l("Not quite the same. Compare your text with the text above, letter by letter, and try again.")
