"""`explain`: text, a picture and Finnish terms; she reads it and presses Next."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Iterator

from .base import Reader, Step, Text, step_type


@step_type
@dataclass
class Explain(Step):
    type: ClassVar[str] = "explain"
    spoken_field: ClassVar[str] = "text"
    text: str = ""
    terms: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, r: Reader, base: dict) -> Explain:
        return cls(**base, text=r.text("text"), terms=r.str_list("terms"))

    def texts(self) -> Iterator[Text]:
        yield f"{self.context}/text", self.text, "Step text: short plain sentences; a blank line separates paragraphs."
        yield from super().texts()
