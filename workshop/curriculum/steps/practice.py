"""`practice`: open a sim scenario with a goal; the step is done when the sim's task check says so."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterator

from flask_babel import lazy_gettext as _l

from ..reading import ID_RE
from ..tasks import TASKS
from .base import Answer, Outcome, Reader, Step, Text, step_type


@step_type
@dataclass
class Practice(Step):
    type: ClassVar[str] = "practice"
    interactive: ClassVar[bool] = True
    spoken_field: ClassVar[str] = "goal"
    goal: str = ""
    task: str = ""
    sim: str = ""
    start: str = ""
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: Reader, base: dict) -> Practice:
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

    def grade(self, answer: Answer) -> Outcome:
        """The sim's check reads her sandbox; a flag from the browser is never trusted."""
        result = TASKS[self.task](answer.learner)
        if result.done:
            return Outcome("task", correct=True, completes=True, answer=self.task, show="task")
        return Outcome("task", correct=False, answer=self.task,
                       feedback=result.hint or _l("Not yet. Open the practice and try the task again."))

    def answered(self, value: str | None, done: Callable[[], bool]) -> Any:
        if value and value != "task":
            return None
        return True if done() else None
