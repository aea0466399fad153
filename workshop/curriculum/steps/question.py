"""What `choose` and `tap` share: one right answer among several, with feedback on each wrong one."""
from __future__ import annotations

from typing import Any, Callable, ClassVar

from flask_babel import lazy_gettext as _l

from .base import Answer, LessonText, Outcome, Step


class Question(Step):
    """A question with answers to pick (its `answer_field` lists them, each with an id, `correct`,
    `feedback` and a `context`). Not a type of its own: choose and tap are."""

    interactive: ClassVar[bool] = True
    spoken_field: ClassVar[str] = "question"
    answer_field: ClassVar[str] = ""  # the field listing the answers

    def answers(self) -> list:
        return getattr(self, self.answer_field)

    def option(self, answer_id: str) -> Any:
        return next((a for a in self.answers() if a.id == answer_id), None)

    def right_answer(self) -> Any:
        return next(a for a in self.answers() if a.correct)

    def grade(self, answer: Answer) -> Outcome:
        option = self.option(answer.value)
        if option is None:
            return Outcome(None, feedback=_l("Please choose one answer."))
        if not option.correct:
            return Outcome("answer", correct=False, answer=option.id,
                           feedback=LessonText(f"{option.context}/feedback", option.feedback))
        return Outcome("answer", correct=True, completes=True, answer=option.id, show=option.id)

    def answered(self, value: str | None, done: Callable[[], bool]) -> Any:
        """The right answer: the one she just gave (?answered=<id>), or, coming back, if she did the step."""
        if value:
            option = self.option(value)
            return option if option is not None and option.correct else None
        return self.right_answer() if done() else None
