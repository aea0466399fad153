"""Loads lessons/ into a validated Catalogue: schema, unique ids, pictures, glossary terms, tasks."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .model import ID_RE, ContentError, Course, Glossary, Lesson, _Reader
from .pictures import PICTURES
from .tasks import TASKS


@dataclass
class Catalogue:
    root: Path
    courses: list[Course]
    glossary: Glossary

    def course(self, course_id: str) -> Course | None:
        return next((c for c in self.courses if c.id == course_id), None)

    def lesson(self, course_id: str, lesson_id: str) -> Lesson | None:
        course = self.course(course_id)
        return course.lesson(lesson_id) if course else None

    def lessons(self):
        for course in self.courses:
            yield from course.lessons

    def texts(self):
        yield from self.glossary.texts()
        for course in self.courses:
            yield from course.texts()
            for lesson in course.lessons:
                yield from lesson.texts()


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_toml(path: Path, root: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(_rel(path, root), f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ContentError(_rel(path, root), f"cannot be read: {exc.strerror}") from None


def read_course(course_dir: Path, root: Path) -> Course:
    path = course_dir / "course.toml"
    rel = _rel(path, root)
    r = _Reader(read_toml(path, root), rel)
    course_id = course_dir.name
    if not ID_RE.match(course_id):
        raise ContentError(rel, f"course folder '{course_id}' is not a valid id")
    title, description = r.text("title"), r.text("description")
    icon, order = r.text("icon"), r.get("order", int)
    lesson_ids = r.str_list("lessons")
    r.finish()
    if not lesson_ids:
        raise r.error("lessons", "a course needs at least one lesson")
    lessons = []
    for n, lesson_id in enumerate(lesson_ids):
        if lesson_ids.index(lesson_id) != n:
            raise r.error("lessons", f"lesson '{lesson_id}' is listed twice")
        lesson_path = course_dir / f"{lesson_id}.toml"
        if not lesson_path.exists():
            raise r.error("lessons", f"lists '{lesson_id}', but {_rel(lesson_path, root)} does not exist")
        data = read_toml(lesson_path, root)
        lessons.append(Lesson.from_dict(data, course_id, lesson_id, _rel(lesson_path, root)))
    return Course(course_id, title, description, icon, order, lessons, rel)


def load_catalogue(root: str | Path) -> Catalogue:
    from .scenarios import read_scenario

    """Read and validate every course; raise ContentError on the first problem found."""
    root = Path(root)
    glossary = Glossary({}, {})
    # The project glossary, plus any lessons/<course>/glossary.toml a course adds.
    for glossary_path in [root / "glossary.toml", *sorted(root.glob("*/glossary.toml"))]:
        if not glossary_path.is_file():
            continue
        part = Glossary.from_dict(read_toml(glossary_path, root), _rel(glossary_path, root))
        for key, term in part.terms.items():
            if key in glossary.terms:
                raise ContentError(_rel(glossary_path, root), "defined twice", None, f"terms.{key}")
            if term.fi in glossary.by_finnish:  # one Finnish label, one translation everywhere
                other = glossary.by_finnish[term.fi].key
                raise ContentError(_rel(glossary_path, root), f"'{term.fi}' is already the term '{other}'", None, f"terms.{key}")
        glossary.terms.update(part.terms)
        glossary.by_finnish.update(part.by_finnish)
    courses = [read_course(d, root) for d in sorted(root.iterdir()) if (d / "course.toml").is_file()]
    for scenario_path in sorted(root.glob("*/scenarios/*.toml")):
        read_scenario(scenario_path, root)  # validated at start-up like the lessons
    courses.sort(key=lambda c: (c.order, c.id))
    media = root / "media"
    for course in courses:
        if not (media / course.icon).is_file():
            raise ContentError(course.path, f"picture '{course.icon}' not found in {_rel(media, root)}", None, "icon")
        for lesson in course.lessons:
            for step in lesson.steps:
                if step.picture not in PICTURES and not (media / step.picture).is_file():
                    raise ContentError(
                        lesson.path, f"picture '{step.picture}' not found in {_rel(media, root)}", step.id, "picture"
                    )
                for term in getattr(step, "terms", []):
                    if term not in glossary.terms:
                        raise ContentError(lesson.path, f"'{term}' is not in glossary.toml", step.id, "terms")
                for name in step.tasks():
                    if name not in TASKS:
                        raise ContentError(lesson.path, f"no task check named '{name}'", step.id, "task")
    return Catalogue(root, courses, glossary)
