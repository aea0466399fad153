"""What a group's learners can hear: the Listen button shows only where a step has a voice in her
language (a recorded narration, or a voice the phone or tablet itself has), so the instructor is
shown, per course, how many steps have one and how many stay silent (issue 15, item 13)."""
from __future__ import annotations

from dataclasses import dataclass

from ..review import state
from ..review.narration import DEFAULT
from ..web import catalogue

# Languages the usual phones and tablets of a class read aloud with a voice of their own (Android's
# "Speech Services by Google", iOS's and iPadOS's spoken content, Windows), as the Readium project's
# list of the voices each system ships documents them (github.com/readium/speech, read 2026-12-01):
# - Arabic: json/ar.json lists Google's Arabic voices on Android and ChromeOS (ar-xa-x-arc, -ard ...),
#   Apple's Majed, Mariam, Laila and Tarik on iOS, iPadOS and macOS, and Hoda and Naayf on Windows;
# - Finnish: json/fi.json lists Google's fi-fi-x-afi on Android and ChromeOS, Apple's Satu and Onni on
#   iOS, iPadOS and macOS, and Heidi on Windows;
# - English: json/en.json, on every one of them;
# - Somali: no list. Its docs/VoicesAndFiltering.md names the 43 languages Windows and Apple's systems
#   have voices for, and the project's issue 52 (HadrienGardeur/web-speech-recommended-voices) the
#   24 more that only Android has: Somali is in neither. Without a recording a Somali learner hears
#   nothing, so every Somali step needs one (docs/translating.md, "Listen").
DEVICE_VOICE = frozenset({"ar", "fi", "en"})


@dataclass
class Hearing:
    course: object
    steps: int  # steps in the course
    recorded: int  # steps whose main text (the one Listen reads) has a recording in the language
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
        # the recording every learner hears (a father's own, where his wording differs, is counted on
        # the review pages' coverage)
        recorded = sum(1 for step in steps if (language, step.spoken().context, DEFAULT) in narrations)
        found.append(Hearing(course, len(steps), recorded, language in DEVICE_VOICE))
    return found
