"""Lessons as plain dataclasses, built from TOML with from_dict() that names file, step and field."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class ContentError(ValueError):
    """A lesson file that does not follow the format. The message names file, step and field."""

    def __init__(self, path: str, message: str, step: str | None = None, field: str | None = None):
        self.path, self.step, self.field = path, step, field
        where = path
        if step:
            where += f", step '{step}'"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")


class _Reader:
    """Reads typed fields from a TOML table and raises ContentError naming where it went wrong."""

    def __init__(self, data: Any, path: str, step: str | None = None, prefix: str = ""):
        if not isinstance(data, dict):
            raise ContentError(path, "expected a table", step, prefix.rstrip(".") or None)
        self.data, self.path, self.step, self.prefix = data, path, step, prefix
        self.seen: set[str] = set()

    def error(self, name: str, message: str) -> ContentError:
        return ContentError(self.path, message, self.step, self.prefix + name)

    def get(self, name: str, kind: type | tuple, required: bool = True, default: Any = None) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required:
                raise self.error(name, "missing")
            return default
        value = self.data[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(name, f"should be {getattr(kind, '__name__', kind)}, not {type(value).__name__}")
        if isinstance(value, str) and required and not value.strip():
            raise self.error(name, "is empty")
        return value

    def text(self, name: str, required: bool = True) -> str:
        return (self.get(name, str, required, "") or "").strip()

    def ident(self, name: str) -> str:
        value = self.text(name)
        if not ID_RE.match(value):
            raise self.error(name, f"'{value}' is not a valid id (a-z, 0-9 and '-')")
        return value

    def str_list(self, name: str) -> list[str]:
        values = self.get(name, list, required=False, default=[])
        if not all(isinstance(v, str) for v in values):
            raise self.error(name, "should be a list of strings")
        return values

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown field")


Text = tuple[str, str, str]  # (message context, English source, note for translators)


@dataclass
class Step:
    """Every step: a stable id, a picture with its description, and its own fields."""

    type: ClassVar[str] = ""
    interactive: ClassVar[bool] = False
    id: str
    picture: str
    alt: str
    context: str  # course/lesson/step

    @classmethod
    def read(cls, r: _Reader, base: dict) -> Step:
        raise NotImplementedError

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/alt", self.alt, "Description of the step's picture, read by screen readers."

    def tasks(self) -> Iterator[str]:
        return iter(())


STEP_TYPES: dict[str, type[Step]] = {}


def step_type(cls: type[Step]) -> type[Step]:
    """Register a step type; the sims add theirs (`tap`, `practice`) through this registry."""
    STEP_TYPES[cls.type] = cls
    return cls


@step_type
@dataclass
class Explain(Step):
    type: ClassVar[str] = "explain"
    text: str = ""
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: _Reader, base: dict) -> Explain:
        return cls(**base, text=r.text("text"), terms=r.str_list("terms"))

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/text", self.text, "Step text: short plain sentences; a blank line separates paragraphs."
        yield from super().texts()


@dataclass
class Option:
    id: str
    text: str
    correct: bool
    feedback: str
    context: str


def _answers(r: _Reader, key: str, count: tuple[int, int], read_one) -> list:
    """The answers of a choose or tap step: `count` of them, unique ids, exactly one correct, and
    feedback on every wrong one (read_one(reader, id, correct) reads the rest of each)."""
    raw = r.get(key, list)
    low, high = count
    if not low <= len(raw) <= high:
        raise r.error(key, f"needs {low} to {high} {key}")
    answers: list = []
    for n, item in enumerate(raw):
        a = _Reader(item, r.path, r.step, f"{key}[{n}].")
        aid = a.ident("id")
        answer = read_one(a, aid, a.get("correct", bool, required=False, default=False))
        a.finish()
        if any(p.id == aid for p in answers):
            raise r.error(f"{key}[{n}].id", f"duplicate {key[:-1]} id '{aid}'")
        answers.append(answer)
    if sum(a.correct for a in answers) != 1:
        raise r.error(key, "exactly one " + key[:-1] + " must have correct = true")
    return answers


@step_type
@dataclass
class Choose(Step):
    type: ClassVar[str] = "choose"
    interactive: ClassVar[bool] = True
    question: str = ""
    options: list[Option] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: _Reader, base: dict) -> Choose:
        def option(o: _Reader, oid: str, correct: bool) -> Option:
            return Option(oid, o.text("text"), correct, o.text("feedback", required=not correct),
                          f"{base['context']}/option/{oid}")

        options = _answers(r, "options", (2, 5), option)
        return cls(**base, question=r.text("question"), options=options, terms=r.str_list("terms"))

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/question", self.question, "A question with several answers to choose from."
        for o in self.options:
            yield f"{o.context}/text", o.text, "One answer to choose (a button)."
            if o.feedback:
                yield f"{o.context}/feedback", o.feedback, "Shown when she picks this wrong answer: kind, says why and what is right."
        yield from super().texts()

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass
class Target:
    """A spot on a screen picture, in a 12 x 12 grid laid over it: column, row, width, height."""

    id: str
    label: str
    area: tuple[int, int, int, int]
    correct: bool
    feedback: str
    context: str


@step_type
@dataclass
class Tap(Step):
    """Tap the right spot on a picture of a screen. The spots are real buttons (no JavaScript needed)."""

    type: ClassVar[str] = "tap"
    interactive: ClassVar[bool] = True
    question: str = ""
    targets: list[Target] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: _Reader, base: dict) -> Tap:
        def target(t: _Reader, tid: str, correct: bool) -> Target:
            area = t.get("area", list)
            if len(area) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in area):
                raise t.error("area", "should be [column, row, width, height], whole numbers")
            col, row, width, height = area
            if not (1 <= col <= 12 and 1 <= row <= 12 and width >= 1 and height >= 1
                    and col + width <= 13 and row + height <= 13):
                raise t.error("area", "must lie inside the 12 x 12 grid (columns and rows 1 to 12)")
            return Target(tid, t.text("label"), (col, row, width, height), correct,
                          t.text("feedback", required=not correct), f"{base['context']}/target/{tid}")

        targets = _answers(r, "targets", (2, 8), target)
        return cls(**base, question=r.text("question"), targets=targets, terms=r.str_list("terms"))

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/question", self.question, "What she should find and tap on the picture of a screen."
        for t in self.targets:
            yield f"{t.context}/label", t.label, "Name of a spot on the screen picture, read by screen readers."
            if t.feedback:
                yield f"{t.context}/feedback", t.feedback, "Shown when she taps this wrong spot: kind, says why and where to look."
        yield from super().texts()

    def option(self, target_id: str) -> Target | None:
        return next((t for t in self.targets if t.id == target_id), None)


@step_type
@dataclass
class Practice(Step):
    """Open a sim scenario with a goal; the step is done when the sim's task check says so."""

    type: ClassVar[str] = "practice"
    interactive: ClassVar[bool] = True
    goal: str = ""
    task: str = ""
    sim: str = ""
    start: str = ""
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: _Reader, base: dict) -> Practice:
        task = r.text("task")
        sim, _dot, check = task.partition(".")
        if not (ID_RE.match(sim) and check):
            raise r.error("task", f"'{task}' should be <sim>.<check>, e.g. mail.replied_to_teacher")
        start = r.text("start", required=False)
        if start.startswith("/") or ".." in start or "//" in start:
            raise r.error("start", "should be a path inside the sim, e.g. 'inbox' or 'message/teacher'")
        return cls(**base, goal=r.text("goal"), task=task, sim=sim, start=start, terms=r.str_list("terms"))

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/goal", self.goal, "What she should do in the practice service (short, one task)."
        yield from super().texts()

    def tasks(self) -> Iterator[str]:
        yield self.task


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
