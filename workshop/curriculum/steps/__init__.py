"""Step types: one module each (explain, choose, tap, practice, summary), found by discover().

A step type owns its reading and validation (`read`, `check_place`), its grading (`grade(answer)
-> Outcome`, no HTTP needed), its template (templates/learn/steps/<type>.html) and its translatable
texts (`texts`, which the lessons catalog extractor yields). See base.py.
"""
from __future__ import annotations

import importlib
import pkgutil

from .base import STEP_TYPES, Answer, LessonText, Outcome, Step, read_answers, step_type

__all__ = ["STEP_TYPES", "Answer", "LessonText", "Outcome", "Step", "discover", "read_answers", "step_type"]


def discover() -> dict[str, type[Step]]:
    """Import every module of this package, so each registers its step type."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return STEP_TYPES


discover()
