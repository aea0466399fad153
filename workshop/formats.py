"""The one way money, dates and times are written, in every language.

Everything a learner reads inside a Finnish service (amounts, due dates, times of a message) is
written as that service writes it, in Finnish conventions, whatever the interface language:
`1 245,80 €`, `5.3.2026`, `13.00`. Dates in the interface itself (a group's dates, when a learner
was last seen) follow the reader's locale.

Each value is isolated in its own direction, so inside Arabic text an amount keeps its euro sign
after the number and a date keeps its order (a Finnish value left to right; a date written in the
reader's own locale, "27 نوفمبر 2026", in the reader's direction): in HTML as `<bdi dir="ltr">` (the `*_html` forms, the
Jinja filters), in plain text (an <option>, an alt text, a flashed message) between the Unicode
isolates LRI … PDI. Babel does the formatting; nothing here builds a number by hand.
"""
from __future__ import annotations

import re

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as _babel_date, format_datetime as _babel_datetime
from babel.numbers import format_currency, format_percent
from flask import has_request_context
from markupsafe import Markup

from . import i18n
from .clock import HELSINKI, helsinki  # noqa: F401  (the one clock's Helsinki time)

FINNISH = "fi_FI"
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"
# Marks Babel puts into some locales' dates (Arabic): the whole value is isolated instead.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"))


# ---- plain text, no isolation (form field values, pictures, the bank's own rules) ----------------

def fi_money_plain(cents: int, sign: bool = False) -> str:
    """1 245,80 € with no-break spaces; -23,45 €; +40,00 € when `sign` and positive."""
    text = format_currency(Decimal(cents) / 100, "EUR", locale=FINNISH)
    return "+" + text if sign and cents > 0 else text


def fi_number_plain(cents: int) -> str:
    """The amount as typed into a Finnish form: 1 245,80 (no euro sign, ordinary spaces)."""
    return fi_money_plain(abs(cents)).replace("\u00a0€", "").replace("\u00a0", " ")


def fi_date_plain(value: date | datetime | None) -> str:
    """5.3.2026 (a datetime is first taken to Helsinki time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = helsinki(value).date()
    return _babel_date(value, "d.M.yyyy", locale=FINNISH)


def fi_time_plain(moment: datetime) -> str:
    """13.00, Helsinki time."""
    return _babel_datetime(helsinki(moment), "H.mm", locale=FINNISH)


def fi_datetime_plain(moment: datetime, pattern: str = "d.M.yyyy H.mm") -> str:
    """5.3.2026 13.00, Helsinki time (or another Finnish pattern, e.g. webmail's "d.M.yyyy 'klo' H.mm")."""
    return _babel_datetime(helsinki(moment), pattern, locale=FINNISH)


# Interface dates as a reader in Finland reads them. Babel's English is American (12/2/26, 2:05 PM): English
# is written as in Finland, day first with the whole year and a 24-hour clock (02/12/2026, 14.05). Babel's
# short Somali date has a two-digit year (02/12/26): it gets the whole year, its clock kept.
_DATE_LOCALES = {"en": "en_FI"}
_SHORT_PATTERNS = {"so": {"date": "dd/MM/yyyy", "datetime": "dd/MM/yyyy h:mm a"}}


def _date_pattern(locale: str, pattern: str, kind: str) -> tuple[str, str]:
    """(Babel locale, pattern) for an interface date of `locale`."""
    if pattern == "short" and locale in _SHORT_PATTERNS:
        return locale, _SHORT_PATTERNS[locale][kind]
    return _DATE_LOCALES.get(locale, locale), pattern


def local_date_plain(value: date | datetime, locale: str, pattern: str = "short") -> str:
    if isinstance(value, datetime):
        value = helsinki(value).date()
    babel_locale, pattern = _date_pattern(locale, pattern, "date")
    return _babel_date(value, pattern, locale=babel_locale).translate(_MARKS)


def local_datetime_plain(moment: datetime, locale: str, pattern: str = "short") -> str:
    babel_locale, pattern = _date_pattern(locale, pattern, "datetime")
    return _babel_datetime(helsinki(moment), pattern, locale=babel_locale).translate(_MARKS)


def percent_plain(whole: int, locale: str) -> str:
    """A share already rounded to a whole per cent, in the reader's locale: 42 %, 42%."""
    return format_percent(Decimal(whole) / 100, locale=locale).translate(_MARKS)


# ---- isolated ------------------------------------------------------------------------------------

def isolate(text: str) -> str:
    """Plain text kept left to right inside right-to-left text (Unicode isolates). Left-to-right
    text needs none, so Somali, Finnish and English text stays free of invisible characters."""
    if not text:
        return ""
    return f"{LRI}{text}{PDI}" if _right_to_left() else text


def _right_to_left() -> bool:
    if not has_request_context():
        return False
    return _locale() in i18n.RTL


def ltr_html(text: str, cls: str = "ltr") -> Markup:
    return Markup('<bdi class="{}" dir="ltr">{}</bdi>').format(cls, text) if text else Markup("")


def money_text(cents: int, sign: bool = False) -> str:
    return isolate(fi_money_plain(cents, sign))


def money(cents: int, sign: bool = False) -> Markup:
    return ltr_html(fi_money_plain(cents, sign), "ltr money")


def fi_date_text(value) -> str:
    return isolate(fi_date_plain(value))


def fi_date(value) -> Markup:
    return ltr_html(fi_date_plain(value), "ltr date")


def fi_time(moment: datetime) -> Markup:
    return ltr_html(fi_time_plain(moment), "ltr time")


def fi_datetime(moment: datetime, pattern: str = "d.M.yyyy H.mm") -> Markup:
    return ltr_html(fi_datetime_plain(moment, pattern), "ltr time")


def _locale() -> str:
    return i18n.current_locale()


def _in_reader_direction(text: str, kind: str) -> Markup:
    """A value written in the reader's own locale, isolated in the reader's direction: Babel writes an
    Arabic date right to left ("27 نوفمبر 2026", "27/11/2026، 10:05 ص"), and forced left to right it read
    "2026 نوفمبر 27" on her plan. Numeric parts ("27/11/2026", "10:05") keep their order either way."""
    if not text:
        return Markup("")
    if i18n.direction(_locale()) == "rtl":
        return Markup('<bdi class="{}" dir="rtl">{}</bdi>').format(kind, text)
    return ltr_html(text, f"ltr {kind}")


def _isolate_in_reader_direction(text: str) -> str:
    """The plain-text form (a <title>, an <option>): right-to-left isolates (RLI … PDI) in Arabic."""
    if not text:
        return ""
    return f"{RLI}{text}{PDI}" if _right_to_left() else text


def local_date(value, pattern: str = "short") -> Markup:
    """A date in the interface, in the reader's locale, isolated in her direction."""
    return _in_reader_direction(local_date_plain(value, _locale(), pattern), "date") if value else Markup("")


def local_date_text(value, pattern: str = "short") -> str:
    return _isolate_in_reader_direction(local_date_plain(value, _locale(), pattern)) if value else ""


def local_datetime(moment, pattern: str = "short") -> Markup:
    return _in_reader_direction(local_datetime_plain(moment, _locale(), pattern), "time") if moment else Markup("")


def local_datetime_text(moment, pattern: str = "short") -> str:
    return _isolate_in_reader_direction(local_datetime_plain(moment, _locale(), pattern)) if moment else ""


def percent(whole: int | None) -> Markup:
    """A whole per cent in the interface, isolated; nothing for None (no one to take a share of)."""
    return ltr_html(percent_plain(whole, _locale()), "ltr num") if whole is not None else Markup("")


def percent_text(whole: int | None) -> str:
    return isolate(percent_plain(whole, _locale())) if whole is not None else ""


# The comma between the items of a list (names, languages) in the reader's language: Arabic has its own.
LIST_COMMA = {"ar": "\u060c "}


def comma() -> str:
    """The comma between list items in the reader's language."""
    return LIST_COMMA.get(_locale(), ", ")


FSI = "\u2068"  # first strong isolate: a name takes the direction of its own script


def listing(items) -> str:
    """Items one after another with the reader's comma: "Amina، Hibaaq" in Arabic, "Amina, Hibaaq"
    otherwise. In right-to-left text each is isolated in the direction of its own script, so a
    Latin name keeps its place and an Arabic one of two words keeps their order."""
    if not _right_to_left():
        return ", ".join(str(item) for item in items)
    return comma().join(f"{FSI}{item}{PDI}" for item in items)


FILTERS = {
    "money": money, "money_text": money_text, "fi_date": fi_date, "fi_date_text": fi_date_text,
    "fi_time": fi_time, "fi_datetime": fi_datetime, "local_date": local_date, "local_date_text": local_date_text,
    "local_datetime": local_datetime, "local_datetime_text": local_datetime_text, "isolate": isolate,
    "percent": percent, "percent_text": percent_text, "listing": listing,
    # for pictures (SVG) and form fields, where no markup may go
    "fi_money_plain": fi_money_plain, "fi_date_plain": fi_date_plain, "fi_number_plain": fi_number_plain,
}


def init_app(app) -> None:
    """Every helper as a Jinja filter and a global, so templates never format a value themselves."""
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(FILTERS)
    app.jinja_env.globals["comma"] = comma  # between the items of a list written out in a template


# ---- Finnish inside Arabic -------------------------------------------------------------------------

_LATIN = "A-Za-z\u00c0-\u024f"
# A run that must read left to right inside right-to-left text: Finnish words, an amount, a web
# address, a date; from its first letter or digit (or the sign before a digit) to its last letter,
# digit or euro sign, across the spaces and punctuation between them.
_LTR_RUN = re.compile(
    rf"(?:[+\-\u2212]?[0-9]|[{_LATIN}€])"
    rf"(?:[{_LATIN}0-9€%.,:;/'’()\-+\u2212@_&=?#\s\u00a0]*[{_LATIN}0-9€%])?"
)


_EURO_AFTER = re.compile(r"(\d) €")


def isolate_ltr_runs(text: str) -> str:
    """Each left-to-right run of a right-to-left text between Unicode isolates, so it reads left to
    right and cannot pull its neighbours with it: '"Lähikauppa Omena -23,45 €"' keeps its euro sign
    after the number, a Finnish label keeps its count beside its Arabic noun."""
    if not text or LRI in text:
        return text

    def one(match: re.Match) -> str:
        run = _balanced(match.group(0))
        whole = _EURO_AFTER.sub("\\1\u00a0€", run)  # an amount is never broken between its lines
        return f"{LRI}{whole}{PDI}" + match.group(0)[len(run):]

    return _LTR_RUN.sub(one, text)


def _balanced(run: str) -> str:
    """A run ends before a closing bracket it did not open (the bracket belongs to the sentence)."""
    if run.count(")") > run.count("("):
        run = run[: run.rfind(")")].rstrip()
    return run
