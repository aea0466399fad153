"""Reading lesson TOML: typed fields, and errors that name the file, the step and the field."""
from __future__ import annotations

import re
from typing import Any

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

Text = tuple[str, str, str]  # (message context, English source, note for translators)


class ContentError(ValueError):
    """A lesson file that does not follow the format. The message names file, step and field."""

    def __init__(self, path: str, message: str, step: str | None = None, field: str | None = None):
        self.path, self.step, self.field = path, step, field
        where = path
        if step:
            where += f", step '{step}'"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")


class Reader:
    """Reads typed fields from a TOML table and raises ContentError naming where it went wrong."""

    def __init__(self, data: Any, path: str, step: str | None = None, prefix: str = ""):
        if not isinstance(data, dict):
            raise ContentError(path, "expected a table", step, prefix.rstrip(".") or None)
        self.data, self.path, self.step, self.prefix = data, path, step, prefix
        self.seen: set[str] = set()

    def error(self, name: str, message: str) -> ContentError:
        return ContentError(self.path, message, self.step, self.prefix + name)

    def get(self, name: str, kind: type | tuple, required: bool = True, default: Any = None) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required:
                raise self.error(name, "missing")
            return default
        value = self.data[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(name, f"should be {getattr(kind, '__name__', kind)}, not {type(value).__name__}")
        if isinstance(value, str) and required and not value.strip():
            raise self.error(name, "is empty")
        return value

    def text(self, name: str, required: bool = True) -> str:
        return (self.get(name, str, required, "") or "").strip()

    def ident(self, name: str) -> str:
        value = self.text(name)
        if not ID_RE.match(value):
            raise self.error(name, f"'{value}' is not a valid id (a-z, 0-9 and '-')")
        return value

    def str_list(self, name: str) -> list[str]:
        values = self.get(name, list, required=False, default=[])
        if not all(isinstance(v, str) for v in values):
            raise self.error(name, "should be a list of strings")
        return values

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown field")


_Reader = Reader  # the name the loader and the extractor have always used
