"""The reach report: learners per language, location and period; lessons completed per course.

Each figure is one GROUP BY query, so the report costs the same few queries for 3 groups or 300.
The bar chart is computed here and drawn as SVG by the template (no JavaScript); the table beside it
is its text alternative. The CSV is safe to open in a spreadsheet (workshop.csvsafe, the one formula guard).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Response

from .. import formats
from ..csvsafe import csv_text
from ..extensions import db
from ..models import Enrollment, Workshop
from .summary import ReachDaily


def _in_period(query, start: date | None, end: date | None):
    """Groups that run at some time within the period."""
    if start:
        query = query.where(Workshop.ends_on >= start)
    if end:
        query = query.where(Workshop.starts_on <= end)
    return query


@dataclass
class LearnerRow:
    language: str
    location: str
    starts_on: date
    ends_on: date
    groups: int
    learners: int


def learners(start: date | None = None, end: date | None = None) -> list[LearnerRow]:
    query = (
        db.select(Workshop.language, Workshop.location, Workshop.starts_on, Workshop.ends_on,
                  db.func.count(db.distinct(Workshop.id)), db.func.count(db.distinct(Enrollment.learner_id)))
        .outerjoin(Enrollment, Enrollment.workshop_id == Workshop.id)
        .group_by(Workshop.language, Workshop.location, Workshop.starts_on, Workshop.ends_on)
        .order_by(Workshop.language, Workshop.location, Workshop.starts_on, Workshop.ends_on)
    )
    return [LearnerRow(*row) for row in db.session.execute(_in_period(query, start, end)).all()]


def learners_by_language(start: date | None = None, end: date | None = None) -> list[tuple[str, int]]:
    """Distinct learners per language (one who is in two groups of a language counts once)."""
    query = (
        db.select(Workshop.language, db.func.count(db.distinct(Enrollment.learner_id)))
        .join(Enrollment, Enrollment.workshop_id == Workshop.id)
        .group_by(Workshop.language).order_by(Workshop.language)
    )
    return [tuple(row) for row in db.session.execute(_in_period(query, start, end)).all()]


def total_learners(start: date | None = None, end: date | None = None) -> int:
    query = db.select(db.func.count(db.distinct(Enrollment.learner_id))).join(
        Workshop, Workshop.id == Enrollment.workshop_id
    )
    return db.session.scalar(_in_period(query, start, end)) or 0


@dataclass
class LessonRow:
    course: str
    title: str
    completed: int
    learners: int


def lessons(start: date | None, end: date | None, titles: dict[str, str]) -> list[LessonRow]:
    """Lessons completed per course within the period by learners of the groups in the period, and
    the learners reached in each course then (her first completed lesson of the course fell in the
    period). Read from the summary kept as lessons are completed (admin/summary.py), so the cost
    follows groups and days, not progress rows or events."""
    query = (
        db.select(ReachDaily.course, db.func.sum(ReachDaily.completed), db.func.sum(ReachDaily.learners_first))
        .join(Workshop, Workshop.id == ReachDaily.workshop_id)
        .group_by(ReachDaily.course)
    )
    if start:
        query = query.where(ReachDaily.day >= start)
    if end:
        query = query.where(ReachDaily.day <= end)
    counts = {course: (int(n or 0), int(people or 0)) for course, n, people in db.session.execute(_in_period(query, start, end))}
    # every course of the catalogue, in its order, then any course no longer in it
    order = list(titles) + sorted(set(counts) - set(titles))
    return [
        LessonRow(course, titles.get(course, course), *counts.get(course, (0, 0)))
        for course in order
    ]


# --- the bar chart -------------------------------------------------------------------------------

WIDTH, ROW, LABEL, GAP, VALUE = 520, 40, 170, 10, 50


def bar_chart(items: list[tuple[str, int]], rtl: bool = False) -> dict:
    """Geometry of a horizontal bar chart; in Arabic the labels stand on the right and bars grow left."""
    top = max((value for _label, value in items), default=0) or 1
    span = WIDTH - LABEL - GAP - VALUE
    bars = []
    for n, (label, value) in enumerate(items):
        length = round(span * value / top) if value else 0
        y = n * ROW + 6
        short = label if len(label) <= 24 else label[:23] + "…"
        if rtl:
            edge = WIDTH - LABEL - GAP
            bars.append({"label": short, "value": value, "y": y, "text_y": y + 20,
                         "label_x": WIDTH - LABEL, "label_anchor": "start",
                         "bar_x": edge - length, "bar_w": length, "value_x": edge - length - 6, "value_anchor": "end"})
        else:
            bars.append({"label": short, "value": value, "y": y, "text_y": y + 20,
                         "label_x": LABEL, "label_anchor": "end",
                         "bar_x": LABEL + GAP, "bar_w": length, "value_x": LABEL + GAP + length + 6,
                         "value_anchor": "start"})
    return {"width": WIDTH, "height": max(len(items), 1) * ROW + 8, "bars": bars,
            "summary": formats.comma().join(f"{label}: {value}" for label, value in items)}


# --- CSV ---------------------------------------------------------------------------------------

def csv_response(rows: list[list], filename: str) -> Response:
    response = Response(csv_text(rows), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
