"""Lessons as plain dataclasses, built from TOML with from_dict() that names file, step and field.

Each step is read by its type's class (steps/, one module a type); this module knows the lesson,
the course and the glossary.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from .reading import ID_RE, ContentError, Reader, Text, _Reader
from .steps import STEP_TYPES, Step, step_type
from .steps.choose import Choose, Option
from .steps.explain import Explain
from .steps.practice import Practice
from .steps.summary import Summary
from .steps.tap import Tap, Target

__all__ = ["ID_RE", "ContentError", "Reader", "Text", "_Reader", "STEP_TYPES", "Step", "step_type", "Choose",
           "Option", "Explain", "Practice", "Summary", "Tap", "Target", "Lesson", "Course", "Term", "Glossary"]


@dataclass
class Lesson:
    course: str
    id: str
    title: str
    summary: str
    steps: list[Step]
    path: str

    @property
    def key(self) -> str:
        return f"{self.course}/{self.id}"

    @classmethod
    def from_dict(cls, data: dict, course: str, lesson_id: str, path: str) -> Lesson:
        r = _Reader(data, path)
        title, summary = r.text("title"), r.text("summary")
        raw_steps = r.get("steps", list)
        r.finish()
        if not raw_steps:
            raise r.error("steps", "a lesson needs at least one step")
        steps: list[Step] = []
        for n, item in enumerate(raw_steps):
            label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else f"#{n + 1}"
            s = _Reader(item, path, label)
            sid = s.ident("id")
            if any(p.id == sid for p in steps):
                raise s.error("id", f"duplicate step id '{sid}'")
            kind = s.text("type")
            if kind not in STEP_TYPES:
                raise s.error("type", f"unknown step type '{kind}' (known: {', '.join(sorted(STEP_TYPES))})")
            base = {
                "id": sid,
                "picture": s.text("picture"),
                "alt": s.text("alt"),
                "context": f"{course}/{lesson_id}/{sid}",
            }
            s.seen.add("type")
            step = STEP_TYPES[kind].read(s, base)
            s.finish()
            steps.append(step)
        for n, step in enumerate(steps):  # a type may say where in a lesson it belongs
            problem = step.check_place(n, steps)
            if problem:
                raise ContentError(path, problem, step.id, "type")
        return cls(course, lesson_id, title, summary, steps, path)

    def texts(self) -> Iterator[Text]:
        yield f"{self.key}/title", self.title, "Lesson title (short)."
        yield f"{self.key}/summary", self.summary, "One sentence: what she learns in this lesson."
        for step in self.steps:
            yield from step.texts()

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)


@dataclass
class Course:
    id: str
    title: str
    description: str
    icon: str
    order: int
    lessons: list[Lesson]
    path: str

    def texts(self) -> Iterator[Text]:
        yield f"{self.id}/title", self.title, "Course title (one or two words)."
        yield f"{self.id}/description", self.description, "One sentence about the course."

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


@dataclass
class Term:
    key: str
    fi: str
    en: str
    note: str
    # Where the label was checked: a public guide by the service or a bank/city using it (a URL), so
    # the next person can check it again (tests/content/test_glossary_sources.py).
    source: str = ""

    @property
    def context(self) -> str:
        return f"glossary/{self.key}"


@dataclass
class Glossary:
    terms: dict[str, Term]
    by_finnish: dict[str, Term]

    @classmethod
    def from_dict(cls, data: dict, path: str) -> Glossary:
        r = _Reader(data, path)
        raw = r.get("terms", dict)
        r.finish()
        terms: dict[str, Term] = {}
        for key, item in raw.items():
            t = _Reader(item, path, None, f"terms.{key}.")
            if not ID_RE.match(key):
                raise t.error("", f"'{key}' is not a valid key")
            terms[key] = Term(key, t.text("fi"), t.text("en"), t.text("note", required=False),
                              t.text("source", required=False))
            t.finish()
        return cls(terms, {t.fi: t for t in terms.values()})

    def texts(self) -> Iterator[Text]:
        for t in self.terms.values():
            note = f"Glossary: the meaning of the Finnish label “{t.fi}”. Use this same translation everywhere."
            if t.note:
                note += f" {t.note}"
            yield t.context, t.en, note
