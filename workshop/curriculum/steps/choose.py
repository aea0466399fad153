"""`choose`: a question and 2 to 5 answers as buttons; each wrong answer says why."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Iterator

from .base import LessonText, Reader, Text, read_answers, step_type
from .question import Question


@dataclass
class Option:
    id: str
    text: str
    correct: bool
    feedback: str
    context: str


@step_type
@dataclass
class Choose(Question):
    type: ClassVar[str] = "choose"
    answer_field: ClassVar[str] = "options"
    question: str = ""
    options: list[Option] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: Reader, base: dict) -> Choose:
        def option(o: Reader, oid: str, correct: bool) -> Option:
            return Option(oid, o.text("text"), correct, o.text("feedback", required=not correct),
                          f"{base['context']}/option/{oid}")

        options = read_answers(r, "options", (2, 5), option)
        return cls(**base, question=r.text("question"), options=options, terms=r.str_list("terms"))

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/question", self.question, "A question with several answers to choose from."
        for o in self.options:
            yield f"{o.context}/text", o.text, "One answer to choose (a button)."
            if o.feedback:
                yield f"{o.context}/feedback", o.feedback, "Shown when she picks this wrong answer: kind, says why and what is right."
        yield from super().texts()

    def voiced(self) -> list[LessonText]:
        """The question, then each answer: a learner who cannot read hears every button she can press."""
        return [self.spoken(), *(LessonText(f"{o.context}/text", o.text) for o in self.options)]
