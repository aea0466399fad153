"""What there is to record, and what has been: the units of narration.

A unit is one lesson text a narrator reads aloud in one language: a step's text, a question, each
answer of a choose step, a practice goal (the step's `voiced()`, in the order a learner's
play-through plays them), then the step's other texts a learner reads: a wrong answer's feedback,
a spot's label on a tap step (the step's `narrated()`: every text of `texts()` but the picture's
description). In Arabic, a text whose wording to a man (the masculine overlay catalog, see
workshop.address) differs from the catalogs' is a second unit right after it, variant
"masculine": a father hears its recording, never the one read to a mother. Its context is the text's context in the lessons catalog
(course/lesson/step/field), and a recording (`Narration`) belongs to exactly one. A recording keeps
the hash of the wording it was read from (`text_hash`): when the wording in that language changes
afterwards (a reviewer's edit, a new catalog translation, a new English source), the unit is
"stale": record again. Learners still hear a stale recording (see `listen_url`).

`units(locale, course)` is the list the recording session walks and the coverage counts; it reads
the catalogue and this process's snapshot of narrations and reviewed wording (workshop.review.state),
so it runs no query per text (at most the snapshot's one version check).
"""
from __future__ import annotations

import hashlib
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from flask import current_app, has_request_context
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from flask_babel import force_locale

from .. import address, i18n, storage
from ..extensions import db
from ..models import utcnow
from ..web import catalogue
from . import audio, state
from .models import Narration

MISSING, CURRENT, STALE = "missing", "current", "stale"
# A recording's variant: the catalogs' wording (everyone's), or an Arabic man's where it differs.
DEFAULT, MASCULINE = "", address.MASCULINE
VARIANTS = (DEFAULT, MASCULINE)
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def text_hash(text: str) -> str:
    """Identifies a wording as it is read aloud: Unicode isolates (added for display in Arabic) and
    the layout of spaces and lines do not count, every word and mark does."""
    return hashlib.sha256(" ".join(text.translate(ISOLATES).split()).encode()).hexdigest()


@contextmanager
def _a_reader():
    """How a text addresses its reader is known in a request (workshop.i18n.force_address): a
    command or a test without one reads in a request of its own."""
    if has_request_context():
        yield
    else:
        with current_app.test_request_context():
            yield


def wording(locale: str, context: str, english: str, variant: str = DEFAULT) -> str:
    """The text a narrator reads in `locale`: the reviewed wording if it matches today's English,
    else the catalog's translation; addressed as the catalogs address (the default), or for
    `variant` MASCULINE as a learner addressed as a man reads it (the reviewed wording unless it
    addresses a woman, else the masculine overlay's, as workshop.i18n.lesson_text shows it). Never
    isolated. Works in a request, a command or a test alike."""
    entry = state.current().wording.get((locale, context))
    reviewed = entry[1] if entry is not None and entry[0] == state.source_hash(english) else None
    if reviewed is not None and not (variant == MASCULINE and address.addresses_a_woman(reviewed)):
        return reviewed
    with _a_reader(), force_locale(locale), i18n.force_address(variant or None):
        return i18n.lessons_domain.pgettext(context, english)


def masculine_wording(locale: str, context: str, english: str, text: str) -> str | None:
    """The wording a learner addressed as a man reads of a text whose catalogs' wording is `text`,
    if it is another text to read aloud (Arabic, where the overlay or the reviewed wording differs);
    else None."""
    if locale not in address.OVERLAY_LOCALES:
        return None
    theirs = wording(locale, context, english, MASCULINE)
    return theirs if text_hash(theirs) != text_hash(text) else None


@dataclass(frozen=True)
class Unit:
    """One text to record in one language, with what is recorded of it."""

    locale: str
    context: str  # course/lesson/step/field, as in the lessons catalog
    course: str
    lesson: str
    step: object  # the curriculum Step it belongs to
    english: str
    text: str  # the wording to read aloud (see `wording`)
    filename: str | None  # the recording's file, if there is one
    status: str  # MISSING, CURRENT or STALE
    variant: str = DEFAULT  # MASCULINE: the wording an Arabic learner addressed as a man reads

    @property
    def masculine(self) -> bool:
        return self.variant == MASCULINE

    @property
    def picture(self) -> str:
        return self.step.picture

    @property
    def key(self) -> tuple[str, str]:
        """Which recording this is: its text and its variant."""
        return self.context, self.variant

    @property
    def field(self) -> str:
        """What the text is within its step: "text", "question", "goal", "option/<id>/text",
        "option/<id>/feedback", "target/<id>/label", "target/<id>/feedback"."""
        return self.context[len(self.step.context) + 1:]

    @property
    def recorded(self) -> bool:
        return self.filename is not None

    @property
    def stale(self) -> bool:
        return self.status == STALE

    @property
    def shown(self) -> str:
        """The text as a page shows it (isolated in Arabic)."""
        return i18n.isolated(self.text, self.locale)


def _unit(locale: str, lesson, step, lesson_text, narrations, text: str, variant: str = DEFAULT) -> Unit:
    entry = narrations.get((locale, lesson_text.context, variant))
    if entry is None:
        filename, status = None, MISSING
    else:
        filename, recorded_hash = entry
        status = CURRENT if recorded_hash == text_hash(text) else STALE
    return Unit(locale, lesson_text.context, lesson.course, lesson.id, step, lesson_text.english, text, filename,
                status, variant)


def _units(locale: str, lesson, step, lesson_text, narrations) -> list[Unit]:
    """The units of one text: its catalogs' wording, then a man's if it is another text."""
    text = wording(locale, lesson_text.context, lesson_text.english)
    found = [_unit(locale, lesson, step, lesson_text, narrations, text)]
    his = masculine_wording(locale, lesson_text.context, lesson_text.english, text)
    if his is not None:
        found.append(_unit(locale, lesson, step, lesson_text, narrations, his, MASCULINE))
    return found


def voiced(course=None) -> Iterator[tuple]:
    """(lesson, step, LessonText) of every text to record, in course, lesson and step order (each
    step's `narrated()` texts)."""
    courses = catalogue().courses if course is None else [course]
    for course_ in courses:
        for lesson in course_.lessons:
            for step in lesson.steps:
                for lesson_text in step.narrated():
                    yield lesson, step, lesson_text


def units(locale: str, course: str | None = None, lesson: str | None = None) -> list[Unit]:
    """Every text to record in `locale` (of one course, or one lesson of it), in the order a
    recording session walks them, each with its recording's status."""
    chosen = None
    if course is not None:
        chosen = catalogue().course(course)
        if chosen is None:
            return []
    narrations = state.current().narrations
    with _a_reader():
        return [unit for lesson_, step, lesson_text in voiced(chosen) if lesson is None or lesson_.id == lesson
                for unit in _units(locale, lesson_, step, lesson_text, narrations)]


def find(locale: str, context: str, variant: str = DEFAULT) -> Unit | None:
    """The unit of one text context (and variant), or None if no step has such a text to record
    (or, for MASCULINE, its wording to a man is the catalogs' one)."""
    parts = context.split("/")
    if len(parts) < 4 or variant not in VARIANTS:
        return None
    lesson = catalogue().lesson(parts[0], parts[1])
    step = lesson.step(parts[2]) if lesson is not None else None
    if step is None:
        return None
    for lesson_text in step.narrated():
        if lesson_text.context == context:
            with _a_reader():
                found = _units(locale, lesson, step, lesson_text, state.current().narrations)
            return next((unit for unit in found if unit.variant == variant), None)
    return None


def contexts() -> set[str]:
    """The context of every text there is to record (whatever the language)."""
    return {lesson_text.context for _lesson, _step, lesson_text in voiced()}


def masculine_contexts(locale: str) -> set[str]:
    """The contexts of the texts whose wording to a man is another text to record in `locale`."""
    if locale not in address.OVERLAY_LOCALES:
        return set()
    with _a_reader():
        return {unit.context for unit in units(locale) if unit.masculine}


def listen_url(context: str, english: str) -> str | None:
    """The recording a reader hears for a lesson text, or None (the device's voice reads it).

    A stale recording still plays: it is "record again" for the narrator, and nearly always better
    than silence for a learner whose device has no voice in her language. A reader hears only a
    recording of the words addressed to her (or him): an Arabic reader addressed in the masculine
    hears the masculine recording where his wording differs from the catalogs', and without one the
    device's voice reading his own words, never the recording read to a woman."""
    if not i18n.masculine():
        return state.narration_url(context)
    locale = i18n.current_locale()
    if masculine_wording(locale, context, english, wording(locale, context, english)) is None:
        return state.narration_url(context)
    return state.narration_url(context, variant=MASCULINE)


def stored_name(locale: str, filename: str) -> str:
    """A narration's name in the site's store of files (workshop.storage)."""
    return f"narrations/{locale}/{filename}"


def recording(locale: str, context: str, variant: str = DEFAULT) -> Narration | None:
    return db.session.scalar(db.select(Narration).where(
        Narration.locale == locale, Narration.context == context, Narration.variant == variant))


def keep(unit: Unit, data: bytes, sound: audio.Audio, recorded_by: int | None, read_hash: str | None = None) -> Narration:
    """Save a take as the recording of `unit`, replacing the one before: the sound, its row and the
    old sound's removal in one transaction (all of it, or none). `read_hash` is the hash of the
    wording the narrator was shown (the page carries it): if the wording changed while she read,
    the recording is of the old wording and is stale at once; without it, today's wording."""
    if read_hash is None or read_hash == text_hash(unit.text):
        read_hash, text = text_hash(unit.text), unit.text
    else:
        text = None
    for attempt in (1, 2, 3):
        try:
            return _keep_once(unit, data, sound, recorded_by, read_hash, text)
        except (IntegrityError, _Replaced):
            # another take of this text was kept at the same moment (its first recording, or a new one over
            # the one this take read): this take replaces it, as it would a moment later (the sound is put
            # again: the rollback took it)
            db.session.rollback()
            if attempt == 3:
                raise
    raise AssertionError("unreachable")


class _Replaced(Exception):
    """The recording this take read was replaced by another take before this one was kept."""


def _keep_once(unit: Unit, data: bytes, sound: audio.Audio, recorded_by: int | None, read_hash: str,
               text: str | None) -> Narration:
    # read for update: a take of the same text kept at the same moment waits for this one (PostgreSQL)
    existing = db.session.scalar(db.select(Narration).where(
        Narration.locale == unit.locale, Narration.context == unit.context, Narration.variant == unit.variant)
        .with_for_update())
    filename = f"{secrets.token_urlsafe(12)}.{sound.extension}"
    if existing is not None:
        # claimed by the sound it names: SQLite has no row lock, so a take kept meanwhile over the same
        # recording shows as no row claimed (the write waits for that one's commit), and this one starts
        # again from the recording that now stands, instead of leaving that one's sound named by nothing
        claimed = db.session.execute(
            sa.update(Narration).where(Narration.id == existing.id, Narration.filename == existing.filename)
            .values(filename=filename).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            raise _Replaced
        storage.files().delete(stored_name(unit.locale, existing.filename))
    storage.files().put(stored_name(unit.locale, filename), data)
    row = existing or Narration(locale=unit.locale, context=unit.context, variant=unit.variant)
    row.filename, row.mimetype, row.size = filename, sound.mimetype, len(data)
    row.duration_ms = int(sound.seconds * 1000)
    row.digest = hashlib.sha256(data).hexdigest()
    row.text_hash, row.text = read_hash, text
    row.recorded_by_id, row.created_at = recorded_by, utcnow()
    db.session.add(row)
    state.bump()
    db.session.commit()
    return row


def forget(locale: str, context: str, variant: str = DEFAULT) -> bool:
    """Delete the recording of one text (and variant) and its sound; False if there was none."""
    for _attempt in range(3):
        existing = recording(locale, context, variant)
        if existing is None:
            return False
        # deleted by the sound it names, as a take claims it (see _keep_once): a take kept meanwhile is
        # deleted with its own sound on the next attempt, not left as a sound named by nothing
        gone = db.session.execute(sa.delete(Narration).where(
            Narration.id == existing.id, Narration.filename == existing.filename)).rowcount
        if gone == 1:
            storage.files().delete(stored_name(locale, existing.filename))
            state.bump()
            db.session.commit()
            return True
        db.session.rollback()
    raise _Replaced


def of_step(locale: str, lesson, step) -> list[Unit]:
    """The units of one step, in the order a session records them."""
    narrations = state.current().narrations
    with _a_reader():
        return [unit for lesson_text in step.narrated()
                for unit in _units(locale, lesson, step, lesson_text, narrations)]


def following(unit: Unit) -> Unit | None:
    """The next text to record after `unit` in its lesson, or None after the lesson's last."""
    lesson = units(unit.locale, unit.course, unit.lesson)
    index = next(i for i, u in enumerate(lesson) if u.key == unit.key)
    return lesson[index + 1] if index + 1 < len(lesson) else None


@dataclass
class Count:
    """How many texts there are to record, and how many have a recording (current or stale)."""

    total: int = 0
    current: int = 0
    stale: int = 0  # recorded, but its wording changed since: record again

    @property
    def recorded(self) -> int:
        return self.current + self.stale

    @property
    def missing(self) -> int:
        return self.total - self.recorded

    def add(self, unit: Unit) -> None:
        self.total += 1
        self.current += unit.status == CURRENT
        self.stale += unit.status == STALE


def coverage(locale: str, course: str | None = None) -> dict[tuple[str, ...], Count]:
    """Counts per language: () for all courses, (course,) for one, (course, lesson) for one lesson.
    Reads the catalogue and the snapshot only: the same cost whatever is recorded."""
    counts: dict[tuple[str, ...], Count] = {(): Count()}
    for course_ in catalogue().courses:
        if course is None or course_.id == course:
            counts[(course_.id,)] = Count()
            counts.update({(course_.id, lesson.id): Count() for lesson in course_.lessons})
    for unit in units(locale, course):
        for key in ((), (unit.course,), (unit.course, unit.lesson)):
            counts[key].add(unit)
    return counts


def orphans() -> tuple[list[Narration], list[str]]:
    """Recordings whose text no longer exists (a step, an answer or a lesson removed, a step id
    changed; or a language Askel no longer has; a masculine recording of a text whose wording to a
    man is now the catalogs' one), and stored sounds no recording names."""
    wanted = contexts()
    his = {locale: masculine_contexts(locale) for locale in address.OVERLAY_LOCALES}
    rows = db.session.scalars(db.select(Narration).order_by(Narration.locale, Narration.context)).all()
    gone = [row for row in rows if row.context not in wanted or row.locale not in i18n.LOCALES
            or (row.variant == MASCULINE and row.context not in his.get(row.locale, ()))
            or row.variant not in VARIANTS]
    named = {stored_name(row.locale, row.filename) for row in rows}
    return gone, [name for name in storage.files().names("narrations/") if name not in named]


def prune() -> tuple[list[Narration], list[str]]:
    """Delete the recordings of texts that are gone, with their sounds, and sounds no recording
    names, in one transaction. Returns what was deleted."""
    gone, loose = orphans()
    for row in gone:
        storage.files().delete(stored_name(row.locale, row.filename))
        db.session.delete(row)
    for name in loose:
        storage.files().delete(name)
    if gone or loose:
        state.bump()
    db.session.commit()
    return gone, loose
