"""Lesson pictures drawn from a sim's scenario (e.g. `bank/bill-electricity.svg`).

A picture that shows scenario data (a bill's due date, amount, reference, barcode) must show exactly
what the learner meets in her sandbox, so it is not a file: the sim that owns the data registers a
function that draws it from the same rows the sandbox shows. The curriculum only knows the names, so
a lesson may refer to such a picture as to any file in lessons/media.
"""
from __future__ import annotations

from typing import Callable

# name -> function drawing it for whoever asks now: (body, mimetype)
PictureDrawer = Callable[[], tuple[str, str]]
PICTURES: dict[str, PictureDrawer] = {}


def scenario_picture(name: str) -> Callable[[PictureDrawer], PictureDrawer]:
    def register(fn: PictureDrawer) -> PictureDrawer:
        if name in PICTURES and PICTURES[name] is not fn:
            raise ValueError(f"scenario picture '{name}' is registered twice")
        PICTURES[name] = fn
        return fn

    return register
