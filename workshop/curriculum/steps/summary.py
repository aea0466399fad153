"""`summary`: "Well done. You learned: …", an explain step that closes the lesson, so it is the
lesson's last step (after any practice: she has done everything it sums up)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Step, step_type
from .explain import Explain


@step_type
@dataclass
class Summary(Explain):
    type: ClassVar[str] = "summary"

    def check_place(self, index: int, steps: list[Step]) -> str | None:
        if index != len(steps) - 1:
            return (f"a summary step comes last in its lesson, but '{steps[-1].id}' follows it "
                    f"(move the summary after it)")
        return None
