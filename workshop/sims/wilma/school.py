"""The family's school, read from lessons/wilma/scenarios/school.toml, and her sandbox seeded from it."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from ... import formats
from ...curriculum.scenarios import Scenario, Text, load_scenario
from ...extensions import db
from ...models import utcnow
from ..contract import owned, sandbox
from . import rules
from .models import WilmaApplication, WilmaFormAnswer, WilmaMark, WilmaMessage, WilmaState, WilmaThread

SCENARIO = ("wilma", "school")
WEEKDAYS = ["maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai"]  # glossary keys
DAY_KEYS = ["mon", "tue", "wed", "thu", "fri"]
# The reasons offered (value -> glossary key), as the national absence classification shows them in
# Wilma: a doctor's or dentist's visit is "Terveydelliset syyt" too, so it is no longer its own choice
# (source in lessons/wilma/glossary.toml, sairaus). Marks stored with "doctor" still show.
REASONS = {"illness": "sairaus", "other": "muu-syy"}
REASON_TERMS = {**REASONS, "doctor": "sairaus"}


def scenario() -> Scenario:
    return load_scenario(current_app.extensions["askel_catalogue"].root, *SCENARIO)


def _find(data: Any, parts: list[str]) -> Any:
    """The item at a scenario path: table keys, or the `id` of an item in an array of tables."""
    for part in parts:
        if isinstance(data, list):
            data = next((item for item in data if isinstance(item, dict) and item.get("id") == part), None)
        elif isinstance(data, dict):
            data = data.get(part)
        if data is None:
            raise KeyError("/".join(parts))
    return data


class School:
    """What templates and views ask of the scenario, with texts in her language."""

    def __init__(self, sc: Scenario | None = None):
        self.sc = sc or scenario()
        self.data = self.sc.data

    def text(self, path: str) -> Text:
        """`messages.trip-question.body` -> the Finnish `body_fi` and the translated `body_en`."""
        *where, name = path.split(".")
        item = _find(self.data, where)
        return Text(item[f"{name}_fi"], self.sc.t(f"{path}_en"))

    @property
    def name(self) -> str:
        return self.data["school_fi"]

    @property
    def children(self) -> dict[str, dict]:
        return self.data["children"]

    def child(self, key: str) -> dict | None:
        return self.children.get(key)

    def person(self, key: str) -> dict:
        return self.data["people"][key]

    def people_for(self, child: str) -> list[tuple[str, dict]]:
        return [(k, p) for k, p in self.data["people"].items() if child in p["children"]]

    def subject(self, key: str) -> Text:
        return self.text(f"subjects.{key}.name")

    def item(self, kind: str, key: str) -> dict | None:
        return next((i for i in self.data.get(kind, []) if i["id"] == key), None)

    def exams(self, today: date) -> list[tuple[date, dict]]:
        found = [(rules.week_day(today, e["weeks_ahead"], e["weekday"]), e) for e in self.data["exams"]]
        return sorted((d, e) for d, e in found if d >= today) if found else []

    def timetable(self, child: str) -> list[tuple[int, list[tuple[str, str]]]]:
        periods = self.data["periods"]
        table = self.data["timetable"][child]
        return [(n, list(zip(periods, table.get(day, [])))) for n, day in enumerate(DAY_KEYS)]


# ---- her sandbox ------------------------------------------------------------------------------

def ensure(learner) -> WilmaState:
    """Her sandbox, seeded from the scenario the first time she opens the practice."""
    return sandbox(WilmaState, seed, learner)


def seed(learner) -> None:
    """Her fresh sandbox from the scenario, added to the session (contract.sandbox commits it once)."""
    school = School()
    today = rules.now().date()
    now = utcnow()
    state = WilmaState(learner_id=learner.id, seed_day=today, seeded_at=now)
    db.session.add(state)
    db.session.flush()
    for n, m in enumerate(school.data["messages"]):
        sent = now - timedelta(days=m["days_ago"], hours=1 + n)
        thread = WilmaThread(learner_id=learner.id, child=m["child"], person=m["from"], scenario_key=m["id"],
                             created_at=sent, updated_at=sent)
        thread.messages.append(WilmaMessage(
            learner_id=learner.id, from_guardian=False, text_ref=f"messages.{m['id']}.body",
            sent_at=sent, deliver_at=sent, read_at=sent if m.get("read") else None,
        ))
        db.session.add(thread)
    for mark in school.data["marks"]:
        db.session.add(WilmaMark(
            learner_id=learner.id, child=mark["child"], kind=mark["kind"], scenario_key=mark["id"],
            day=rules.school_days_before(today, mark["school_days_ago"]),
        ))


def visible(query):
    """Only messages that have arrived (a teacher's answer comes a moment after hers)."""
    return query.where(WilmaMessage.deliver_at <= utcnow())


def unread_count(learner) -> int:
    return db.session.scalar(visible(
        owned(WilmaMessage, learner, db.func.count(WilmaMessage.id)).where(
            WilmaMessage.from_guardian.is_(False),
            WilmaMessage.read_at.is_(None),
        )
    )) or 0


def unexplained_count(learner) -> int:
    return db.session.scalar(owned(WilmaMark, learner, db.func.count(WilmaMark.id)).where(
        WilmaMark.kind == "absence", WilmaMark.reason.is_(None),
    )) or 0


def forms_to_fill(learner, school: School) -> int:
    sent = set(db.session.scalars(owned(WilmaFormAnswer, learner, WilmaFormAnswer.form)))
    return sum(1 for f in school.data["forms"] if f["id"] not in sent)


# ---- how Finnish services write dates ---------------------------------------------------------

def fi_date(day: date) -> Markup:
    return formats.fi_date(day)


def fi_time(moment: datetime) -> Markup:
    """5.3.2026 13.00, Helsinki time, as Wilma writes it."""
    return formats.fi_datetime(moment)


def weekday_key(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def plain(text: str) -> list[str]:
    """Paragraphs of plain text (hers or the school's), never HTML."""
    return [escape(p.strip()) for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
