"""`tap`: tap the right spot on a picture of a screen. The spots are real buttons on a 12 x 12 grid
laid over the picture, so the step works without JavaScript and under a strict CSP."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Iterator

from .base import Reader, Text, read_answers, step_type
from .question import Question


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
class Tap(Question):
    type: ClassVar[str] = "tap"
    answer_field: ClassVar[str] = "targets"
    question: str = ""
    targets: list[Target] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: Reader, base: dict) -> Tap:
        def target(t: Reader, tid: str, correct: bool) -> Target:
            area = t.get("area", list)
            if len(area) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in area):
                raise t.error("area", "should be [column, row, width, height], whole numbers")
            col, row, width, height = area
            if not (1 <= col <= 12 and 1 <= row <= 12 and width >= 1 and height >= 1
                    and col + width <= 13 and row + height <= 13):
                raise t.error("area", "must lie inside the 12 x 12 grid (columns and rows 1 to 12)")
            return Target(tid, t.text("label"), (col, row, width, height), correct,
                          t.text("feedback", required=not correct), f"{base['context']}/target/{tid}")

        targets = read_answers(r, "targets", (2, 8), target)
        return cls(**base, question=r.text("question"), targets=targets, terms=r.str_list("terms"))

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/question", self.question, "What she should find and tap on the picture of a screen."
        for t in self.targets:
            yield f"{t.context}/label", t.label, "Name of a spot on the screen picture, read by screen readers."
            if t.feedback:
                yield f"{t.context}/feedback", t.feedback, "Shown when she taps this wrong spot: kind, says why and where to look."
        yield from super().texts()
