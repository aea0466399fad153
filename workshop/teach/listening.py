"""What a group's learners can hear: the Listen button shows only where a step has a voice in her
language (a recorded narration, or a voice the phone or tablet itself has), so the instructor is
shown, per course, how many steps have one and how many stay silent (issue 15, item 13)."""
from __future__ import annotations

from dataclasses import dataclass

from ..review import state
from ..web import catalogue

# Languages the usual phones and tablets of a class (Android's and iOS's own speech) read aloud.
# Somali is not among them: without a recording a Somali learner hears nothing.
DEVICE_VOICE = frozenset({"ar", "fi", "en"})


@dataclass
class Hearing:
    course: object
    steps: int  # steps in the course
    recorded: int  # steps with a recorded narration in the language
    device_voice: bool  # the usual devices read the language aloud

    @property
    def audible(self) -> int:
        return self.steps if self.device_voice else self.recorded

    @property
    def silent(self) -> int:
        return self.steps - self.audible


def hearing(language: str) -> list[Hearing]:
    """Per course, the steps a learner reading `language` can listen to."""
    narrations = state.current().narrations
    found = []
    for course in catalogue().courses:
        steps = [step for lesson in course.lessons for step in lesson.steps]
        recorded = sum(1 for step in steps if (language, step.context) in narrations)
        found.append(Hearing(course, len(steps), recorded, language in DEVICE_VOICE))
    return found
