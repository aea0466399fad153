"""Babel extractor for lesson files (entry point `askel_lessons`).

Registered in pyproject.toml, used by babel-lessons.cfg. Each text is yielded as a pgettext call
whose context is course/lesson/step/field, with a note for translators. A file that is not valid
is an error, so a broken lesson cannot be extracted silently.
"""
from __future__ import annotations

from pathlib import Path

from .loader import read_toml
from .model import Course, Glossary, Lesson, _Reader
from .scenarios import read_scenario


def extract_lessons(fileobj, keywords, comment_tags, options):
    path = Path(fileobj.name).resolve()
    if path.name == "glossary.toml":
        texts = Glossary.from_dict(read_toml(path, path.parent), str(path.name)).texts()
    elif path.parent.name == "scenarios":
        texts = read_scenario(path, path.parent.parent.parent).texts()
    elif path.name == "course.toml":
        r = _Reader(read_toml(path, path.parent.parent), path.name)
        course = Course(path.parent.name, r.text("title"), r.text("description"), "", 0, [], path.name)
        texts = course.texts()
    elif (path.parent / "course.toml").is_file():
        data = read_toml(path, path.parent.parent)
        texts = Lesson.from_dict(data, path.parent.name, path.stem, path.name).texts()
    else:
        return
    for context, message, note in texts:
        if message:
            yield 1, "pgettext", (context, message), [note]
