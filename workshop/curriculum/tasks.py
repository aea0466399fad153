"""Named task checks that `practice` steps refer to (e.g. `mail.replied_to_teacher`).

A sim registers its checks here; the curriculum only knows the names, so it can refuse a lesson
that refers to a check nobody provides. A check reads the sandbox state, never a browser flag.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Result:
    done: bool
    hint: str = ""  # already translated, in her language, when done is False


TaskCheck = Callable[[object], Result]
TASKS: dict[str, TaskCheck] = {}


def task(name: str) -> Callable[[TaskCheck], TaskCheck]:
    def register(fn: TaskCheck) -> TaskCheck:
        if name in TASKS and TASKS[name] is not fn:
            raise ValueError(f"task check '{name}' is registered twice")
        TASKS[name] = fn
        return fn

    return register
