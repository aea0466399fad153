"""Scenario files seed a sim's sandbox: lessons/<course>/scenarios/<name>.toml.

Plain TOML data. A string whose key ends in `_en` is English source text that the learner reads in
her own language: it is extracted into the `lessons` catalog with the context
`<course>/scenarios/<name>/<path>` (path: table keys, or the `id` of an item in an array of tables),
and `Scenario.t(path)` returns it translated. Keys ending in `_fi` hold what the Finnish service or
a Finnish writer shows, and are never translated. Everything else is data.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .loader import read_toml
from .model import ContentError


def walk(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, text) whose key ends in `_en`."""
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else key
            if key.endswith("_en") and isinstance(value, str):
                yield sub, value
            else:
                yield from walk(value, sub)
    elif isinstance(data, list):
        for n, item in enumerate(data):
            label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else str(n)
            yield from walk(item, f"{path}.{label}" if path else label)


@dataclass
class Text:
    """A text a Finnish service or writer shows (a `_fi` key) with its meaning in her language: what the
    sims' fi_short and fi_long macros show side by side."""

    fi: str
    mine: str


@dataclass
class Scenario:
    course: str
    name: str
    data: dict
    texts_by_path: dict[str, str]

    @property
    def prefix(self) -> str:
        return f"{self.course}/scenarios/{self.name}"

    def t(self, path: str, translate: Callable[[str, str], str] | None = None) -> str:
        """The text at `path` (e.g. 'messages.teacher.body_en') in the current locale."""
        if path not in self.texts_by_path:
            raise KeyError(f"{self.prefix}: no text at '{path}'")
        if translate is None:
            from ..i18n import lesson_text as translate
        return translate(f"{self.prefix}/{path}", self.texts_by_path[path])

    def texts(self) -> Iterator[tuple[str, str, str]]:
        for path, text in self.texts_by_path.items():
            yield f"{self.prefix}/{path}", text, "Practice scenario text, shown in her language (the original may be Finnish)."


_AMOUNT_THEN_EURO = re.compile(r"(\d) €")


def finnish_as_printed(data: Any, key: str = "") -> Any:
    """What a Finnish service shows (keys ending in `_fi`) keeps an amount and its euro sign on one line,
    as the services print them: "Maksa 1,99 € toimitusmaksu" broke between "1,99" and "€" on a phone."""
    if isinstance(data, dict):
        return {k: finnish_as_printed(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [finnish_as_printed(item, key) for item in data]
    if isinstance(data, str) and key.endswith("_fi"):
        return _AMOUNT_THEN_EURO.sub("\\1\u00a0€", data)
    return data


def read_scenario(path: Path, root: Path) -> Scenario:
    data = finnish_as_printed(read_toml(path, root))
    texts = dict(walk(data))
    for p, text in texts.items():
        if not text.strip():
            raise ContentError(str(path.relative_to(root.parent)), "is empty", None, p)
    return Scenario(path.parent.parent.name, path.stem, data, texts)


_cache: dict[tuple[str, str, str], Scenario] = {}


def load_scenario(root: str | Path, course: str, name: str) -> Scenario:
    """A scenario, read once per process."""
    key = (str(root), course, name)
    if key not in _cache:
        root = Path(root)
        path = root / course / "scenarios" / f"{name}.toml"
        if not path.is_file():
            raise ContentError(str(path), "scenario file not found")
        _cache[key] = read_scenario(path, root)
    return _cache[key]
