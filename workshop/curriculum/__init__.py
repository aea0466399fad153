"""The lesson engine: lesson files as validated data, step types and the task registry.

Knows nothing of Flask views: blueprints import from here, never the other way round.
"""
from .loader import Catalogue, load_catalogue
from .model import (STEP_TYPES, Choose, ContentError, Course, Explain, Lesson, Option, Practice, Step, Summary, Tap,
                    Target, step_type)
from .steps import Answer, LessonText, Outcome
from .pictures import PICTURES, scenario_picture
from .tasks import TASKS, Result, task

__all__ = [
    "Catalogue", "load_catalogue", "STEP_TYPES", "Choose", "ContentError", "Course", "Explain",
    "Lesson", "Option", "Practice", "Step", "Summary", "Tap", "Target", "step_type", "Answer", "LessonText",
    "Outcome", "TASKS", "Result", "task",
    "PICTURES", "scenario_picture",
]
