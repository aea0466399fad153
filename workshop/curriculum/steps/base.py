"""What every step type is: a class that reads its part of a lesson file, grades an answer, names
its template and yields its translatable texts. The player, its template and the review pages ask
the step; none of them branches on the type's name.

A new type is one module in this package (a subclass of Step, registered with @step_type) and one
template, templates/learn/steps/<type>.html, that extends learn/steps/_base.html.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterator

from ..reading import ContentError, Reader, Text

__all__ = ["STEP_TYPES", "Answer", "ContentError", "LessonText", "Outcome", "Reader", "Step", "Text",
           "read_answers", "step_type"]


@dataclass(frozen=True)
class LessonText:
    """A text of the `lessons` catalog, translated where it is shown (in her language, reviewed wording first)."""

    context: str
    english: str


@dataclass(frozen=True)
class Answer:
    """What she sent: `value` is the answer's id (an option, a spot on the screen) or empty;
    `learner` is who answers, whose practice sandbox a task check reads."""

    value: str = ""
    learner: Any = None


@dataclass(frozen=True)
class Outcome:
    """What an answer means, decided by the step without HTTP.

    `kind` is the StepEvent to record ("next", "answer", "task"), or None when there was nothing to
    record (no answer chosen). `feedback` is shown with the step again: a LessonText, a translated
    string, or None. A completed step either moves on to the next step (`show` None) or shows the
    step again with her answer and a Next button (`show` is the answer's id, as ?answered=<show>).
    """

    kind: str | None
    correct: bool | None = None
    completes: bool = False
    answer: str | None = None
    feedback: Any = None
    show: str | None = None


@dataclass
class Step:
    """Every step: a stable id, a picture with its description, and its own fields."""

    type: ClassVar[str] = ""
    # Has an answer to give (a question, a task) rather than a Next to press.
    interactive: ClassVar[bool] = False
    # The field "Listen" reads aloud and a narrator records.
    spoken_field: ClassVar[str] = "alt"
    id: str
    picture: str
    alt: str
    context: str  # course/lesson/step

    @classmethod
    def read(cls, r: Reader, base: dict) -> Step:
        """The step from its TOML table (r), given the fields every step has (base)."""
        raise NotImplementedError

    def check_place(self, index: int, steps: list[Step]) -> str | None:
        """Why this step may not stand at this place in its lesson, or None."""
        return None

    @property
    def template(self) -> str:
        return f"learn/steps/{self.type}.html"

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/alt", self.alt, "Description of the step's picture, read by screen readers."

    def spoken(self) -> LessonText:
        return LessonText(f"{self.context}/{self.spoken_field}", getattr(self, self.spoken_field))

    def voiced(self) -> list[LessonText]:
        """The texts "Listen" plays through on this step, in order: by default the one text it
        reads; a question adds each answer she can choose."""
        return [self.spoken()]

    # Texts of `texts()` no narrator records: the picture's description is never shown, only read
    # by a screen reader (in its own voice, which a recording cannot replace).
    unrecorded_fields: ClassVar[tuple[str, ...]] = ("alt",)

    def narrated(self) -> list[LessonText]:
        """Every text of this step a learner reads and a narrator records: the play-through's texts
        (`voiced`) first, then the others in the order `texts()` declares them (a wrong answer's
        feedback, a spot's label). Derived from `texts()`, so a new field of a step type is
        recorded too unless its type lists it in `unrecorded_fields`."""
        first = self.voiced()
        seen = {text.context for text in first}
        return first + [LessonText(context, english) for context, english, _note in self.texts()
                        if context not in seen and english and context.rsplit("/", 1)[-1] not in self.unrecorded_fields]

    def tasks(self) -> Iterator[str]:
        """The practice task checks this step names (validated when the catalogue loads)."""
        return iter(())

    @property
    def practises(self) -> bool:
        """Done in a practice service (she is away from the lesson while she does it)."""
        return next(self.tasks(), None) is not None

    def grade(self, answer: Answer) -> Outcome:
        """By default a step is done by reading it and pressing Next."""
        return Outcome("next", completes=True)

    def answered(self, value: str | None, done: Callable[[], bool]) -> Any:
        """What the step shows as her answer when she sees it again: after a right answer
        (?answered=<value>) or, with no value, when done() says she did the step before. None: no
        answer to show. done() costs a query, so a step that never shows an answer never calls it."""
        return None


STEP_TYPES: dict[str, type[Step]] = {}


def step_type(cls: type[Step]) -> type[Step]:
    """Register a step type under its `type` name (a lesson file says `type = "<name>"`)."""
    if not cls.type:
        raise TypeError(f"{cls.__name__} has no type name")
    known = STEP_TYPES.get(cls.type)
    if known is not None and known.__qualname__ != cls.__qualname__:
        raise TypeError(f"step type '{cls.type}' is registered twice ({known.__qualname__}, {cls.__qualname__})")
    STEP_TYPES[cls.type] = cls
    return cls


def read_answers(r: Reader, key: str, count: tuple[int, int], read_one) -> list:
    """A list of answers to choose from: `count` of them, unique ids, exactly one correct, and
    feedback on every wrong one (read_one(reader, id, correct) reads the rest of each)."""
    raw = r.get(key, list)
    low, high = count
    if not low <= len(raw) <= high:
        raise r.error(key, f"needs {low} to {high} {key}")
    answers: list = []
    for n, item in enumerate(raw):
        a = Reader(item, r.path, r.step, f"{key}[{n}].")
        aid = a.ident("id")
        answer = read_one(a, aid, a.get("correct", bool, required=False, default=False))
        a.finish()
        if any(p.id == aid for p in answers):
            raise r.error(f"{key}[{n}].id", f"duplicate {key[:-1]} id '{aid}'")
        answers.append(answer)
    if sum(a.correct for a in answers) != 1:
        raise r.error(key, "exactly one " + key[:-1] + " must have correct = true")
    return answers
