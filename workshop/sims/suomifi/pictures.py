"""Lesson pictures drawn from her own sandbox: the city's letter with the first day in daycare, and
OmaKela's coming payments, so the lesson's picture and the practice always agree."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ... import formats
from ...curriculum import scenario_picture
from ...extensions import db
from ...models import Role
from . import service

SVG = "image/svg+xml"


def _seed_day():
    """Her sandbox's first day (a learner's own sandbox, made the first time), else today (staff
    previewing a lesson: nothing is stored)."""
    if current_user.is_authenticated and current_user.role == Role.LEARNER:
        return service.ensure(current_user).seed_day
    return service.today()


@scenario_picture("kela/daycare-letter.svg")
def daycare_letter():
    family = service.Family()
    seed_day = _seed_day()
    start = service.daycare_start(family, seed_day)
    letter = family.text("letters", "daycare", "subject")
    return render_template("suomifi/lesson/daycare-letter.svg", family=family, subject=letter.fi,
                           child=service.daycare_child(family), start=formats.fi_date_plain(start)), SVG


@scenario_picture("kela/payments.svg")
def coming_payments():
    family = service.Family()
    seed_day = _seed_day()
    rows = [p for p in service.payment_rows(family, seed_day) if p["day"] >= seed_day]
    rows.sort(key=lambda p: p["day"])
    return render_template("suomifi/lesson/payments.svg", rows=rows, day=formats.fi_date_plain,
                           money=formats.fi_money_plain, names={"lapsilisa": "Lapsilisä",
                                                                 "kotihoidon-tuki": "Lasten kotihoidon tuki"}), SVG
