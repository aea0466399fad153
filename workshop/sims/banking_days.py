"""Finnish banking days, shared by the practice services that date a payment: the bank (a payment
dated on a closed day is paid on the next banking day) and OmaKela (Kela pays on banking days)."""
from __future__ import annotations

from datetime import date, timedelta

# A payment dated on a Saturday, Sunday or a bank holiday is paid on the next banking day, and
# paid then it counts as on time. Finnish banks are closed on these days (OP's list of closed days:
# New Year's Day, Epiphany, Good Friday, Easter Monday, May Day, Ascension Day, Midsummer Eve,
# Independence Day, Christmas Eve, Christmas Day, Boxing Day).

def easter_sunday(year: int) -> date:
    """The Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def bank_holidays(year: int) -> set[date]:
    easter = easter_sunday(year)
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    return {date(year, 1, 1), date(year, 1, 6), easter - timedelta(days=2), easter + timedelta(days=1),
            date(year, 5, 1), easter + timedelta(days=39), midsummer_eve, date(year, 12, 6),
            date(year, 12, 24), date(year, 12, 25), date(year, 12, 26)}


def is_banking_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_banking_day(day: date) -> date:
    """This day if the bank works on it, else the next day it does."""
    while not is_banking_day(day):
        day += timedelta(days=1)
    return day


def previous_banking_day(day: date) -> date:
    """This day if the bank works on it, else the last day before it that it does."""
    while not is_banking_day(day):
        day -= timedelta(days=1)
    return day
