"""The family's Kela and Suomi.fi, read from lessons/kela/scenarios/kela.toml, her sandbox seeded
from it, and the rules the real services apply (as pure functions, so tests can call them).

Rules, from Kela's current guidance (sources in lessons/kela/glossary.toml):
- a decision can be appealed ("Hae muutosta") within 37 days of its posting date: Kela takes it that
  the decision reached her on the 7th day after posting, and the time is 30 days from then;
- the child home care allowance is for a child under 3 who is not in municipal early childhood
  education; it can be paid back at most 6 months before the application;
- a change is reported at once: a child starting municipal daycare, a move to another municipality;
- child benefit is paid on the 26th of each month, on the banking day before when the 26th is a
  Saturday, Sunday, Monday or holiday (https://www.kela.fi/maksupaivat); the child home care allowance
  on the month's last banking day (https://www.kela.fi/lasten-kotihoidon-tuki).
"""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from markupsafe import escape

from ... import clock
from ...curriculum.scenarios import Scenario, Text, load_scenario
from ...extensions import db
from ...models import utcnow
from ..banking_days import is_banking_day, previous_banking_day
from ..contract import owned, sandbox
from .models import SuomifiLetter, SuomifiPhoneMessage, SuomifiState

SCENARIO = ("kela", "kela")
APPEAL_DAYS = 37  # 30 days from the 7th day after the posting date
BACKDATE_MONTHS = 6
# The code shown on the page and on the phone during a Mobiilivarmenne identification, to compare: a
# string of five letters ("reference code", https://developer.signicat.com/enterprise/identity-methods/mobiilivarmenne.html).
# Without I and O, which read like 1 and 0 on a small screen.
PRACTICE_CODE_LENGTH = 5
PRACTICE_CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def scenario() -> Scenario:
    return load_scenario(current_app.extensions["askel_catalogue"].root, *SCENARIO)


def today() -> date:
    return clock.today()


class Family:
    """What templates and views ask of the scenario, with texts in her language."""

    def __init__(self, sc: Scenario | None = None):
        self.sc = sc or scenario()
        self.data = self.sc.data

    def _item(self, kind: str, key: str) -> dict | None:
        return next((i for i in self.data.get(kind, []) if i.get("id") == key), None)

    def text(self, kind: str, key: str, name: str, **values: str) -> Text:
        item = self._item(kind, key)
        if item is None:
            raise KeyError(f"{kind}.{key}")
        fi, mine = item[f"{name}_fi"], self.sc.t(f"{kind}.{key}.{name}_en")
        for k, v in values.items():
            fi, mine = fi.replace("{" + k + "}", v), mine.replace("{" + k + "}", v)
        return Text(fi, mine)

    def mine(self, kind: str, key: str, name: str) -> str:
        return self.sc.t(f"{kind}.{key}.{name}_en")

    @property
    def person(self) -> dict:
        return self.data["person"]

    @property
    def banks(self) -> list[dict]:
        return self.data["banks"]

    def bank(self, key: str) -> dict | None:
        return self._item("banks", key)

    @property
    def children(self) -> list[dict]:
        return self.data["children"]

    def child(self, key: str | None) -> dict | None:
        return self._item("children", key) if key else None

    def letter(self, key: str) -> dict | None:
        return self._item("letters", key)

    def decision(self, key: str) -> dict | None:
        return self._item("decisions", key)

    def phone(self, key: str) -> dict | None:
        return self._item("phone", key)

    @property
    def payments(self) -> list[dict]:
        return self.data["payments"]


# ---- dates in her sandbox -----------------------------------------------------------------------

def born(child: dict, seed_day: date) -> date:
    return seed_day - timedelta(days=child["born_days_ago"])


def age_years(birthday: date, on: date) -> int:
    return on.year - birthday.year - ((on.month, on.day) < (birthday.month, birthday.day))


def daycare_start(family: Family, seed_day: date) -> date:
    """The first day in daycare the city's letter gives: a weekday."""
    child = next(c for c in family.children if "daycare_in_days" in c)
    day = seed_day + timedelta(days=child["daycare_in_days"])
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def daycare_child(family: Family) -> dict:
    return next(c for c in family.children if "daycare_in_days" in c)


def posted(decision: dict, seed_day: date) -> date:
    return seed_day - timedelta(days=decision["posted_days_ago"])


def appeal_deadline(posted_on: date) -> date:
    """The last day to send a request to change a decision posted on `posted_on`."""
    return posted_on + timedelta(days=APPEAL_DAYS)


def months_back(day: date, months: int) -> date:
    """The same day `months` months earlier (the 28th when that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    try:
        return date(year, month + 1, day.day)
    except ValueError:
        return date(year, month + 1, 28)


def euros(text: str) -> int:
    return int(Decimal(text) * 100)


# ---- validating what she types, as the real forms do ------------------------------------------

IBAN_RE = re.compile(r"FI\d{16}")
POSTCODE_RE = re.compile(r"\d{5}")


def clean_iban(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def iban_ok(value: str) -> bool:
    """A Finnish IBAN: FI, two check digits, 14 digits, and the ISO 13616 mod-97 check."""
    iban = clean_iban(value)
    if not IBAN_RE.fullmatch(iban):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def parse_day(value: str) -> date | None:
    """A date as a date field sends it (2026-12-24) or as a Finn writes it (24.12.2026)."""
    value = (value or "").strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None


def plain(text: str) -> list[str]:
    """Paragraphs of plain text, never HTML."""
    return [escape(p.strip()) for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


# ---- her sandbox ------------------------------------------------------------------------------

def ensure(learner) -> SuomifiState:
    """Her sandbox, seeded from the scenario the first time she opens the practice."""
    return sandbox(SuomifiState, seed, learner)


def seed(learner) -> None:
    """Her fresh sandbox, added to the session (contract.sandbox commits it once)."""
    family = Family()
    now = utcnow()
    db.session.add(SuomifiState(learner_id=learner.id, seed_day=today(), seeded_at=now))
    db.session.flush()
    for n, letter in enumerate(family.data["letters"]):
        arrived = now - timedelta(days=letter["days_ago"], minutes=n)
        db.session.add(SuomifiLetter(learner_id=learner.id, box="viestit", key=letter["id"], arrived_at=arrived,
                                     read_at=arrived if letter.get("read") else None))
    for n, decision in enumerate(family.data["decisions"]):
        arrived = now - timedelta(days=decision["posted_days_ago"], minutes=n)
        db.session.add(SuomifiLetter(learner_id=learner.id, box="omakela", key=decision["id"], arrived_at=arrived,
                                     read_at=arrived if decision["posted_days_ago"] > 30 else None))
    for n, message in enumerate(family.data["phone"]):
        db.session.add(SuomifiPhoneMessage(learner_id=learner.id, key=message["id"], position=n))


def unread(learner, box: str) -> int:
    return db.session.scalar(owned(SuomifiLetter, learner, db.func.count(SuomifiLetter.id)).where(
        SuomifiLetter.box == box, SuomifiLetter.read_at.is_(None))) or 0


def unread_phone(learner) -> int:
    return db.session.scalar(owned(SuomifiPhoneMessage, learner, db.func.count(SuomifiPhoneMessage.id)).where(
        SuomifiPhoneMessage.read_at.is_(None), SuomifiPhoneMessage.deleted_at.is_(None))) or 0


def identified(state: SuomifiState) -> bool:
    return state.identified_at is not None


def pay_day(benefit: str, year: int, month: int) -> date:
    """The day Kela pays `benefit` in a month: child benefit on the 26th, or the banking day before when
    the 26th is a Saturday, Sunday, Monday or holiday; the home care allowance on the last banking day."""
    if benefit == "lapsilisa":
        day = date(year, month, 26)
        if day.weekday() == 0 or not is_banking_day(day):
            return previous_banking_day(day - timedelta(days=1))
        return day
    if benefit == "kotihoidon-tuki":
        return previous_banking_day(date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
    raise ValueError(f"no payment day for {benefit}")


def _month_step(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


def payment_day(benefit: str, seed_day: date, month: int) -> date:
    """`month` 0: the next payment from `seed_day` on; -1: the one before it; -2: the one before that."""
    year, mon = seed_day.year, seed_day.month
    if pay_day(benefit, year, mon) < seed_day:
        year, mon = _month_step(year, mon, 1)
    return pay_day(benefit, *_month_step(year, mon, month))


def payment_rows(family: Family, seed_day: date) -> list[dict[str, Any]]:
    """Her payments with their days, each on its benefit's real payment day: paid (before today) and coming."""
    rows = [{**p, "day": payment_day(p["benefit"], seed_day, p["month"]), "cents": euros(p["amount"])}
            for p in family.payments]
    return sorted(rows, key=lambda r: r["day"], reverse=True)


def holder_name(learner, family: Family) -> str:
    """The name her practice Suomi.fi and OmaKela show at the top: her own, as the real ones show the
    person who identified (a father sees his), with the practice family's surname when she is known by
    a first name only (the letters and pictures are about that family's children)."""
    own = " ".join((getattr(learner, "display_name", None) or "").split())
    if not own:
        return family.person["name"]
    return own if " " in own else f"{own} {family.person['name'].split()[-1]}"


def new_code() -> str:
    """The practice code shown in the service and in the practice app, to compare (five letters)."""
    return "".join(secrets.choice(PRACTICE_CODE_LETTERS) for _ in range(PRACTICE_CODE_LENGTH))


def moment(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())
