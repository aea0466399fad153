"""Every lesson picture stays small: at most 30 KB as stored (design.md's budget), so a step page
with its picture stays within the 60 KB cold-load budget on a small data plan."""
from __future__ import annotations

from pathlib import Path

import pytest

from workshop.config import ROOT

MEDIA = ROOT / "lessons" / "media"
PICTURE_BUDGET = 30 * 1024
PICTURE_TYPES = {".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"}


def pictures(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in PICTURE_TYPES)


def oversized(root: Path) -> list[str]:
    return [f"{p.relative_to(root)}: {p.stat().st_size} bytes" for p in pictures(root) if p.stat().st_size > PICTURE_BUDGET]


def test_there_are_lesson_pictures():
    assert len(pictures(MEDIA)) > 20


def test_no_lesson_picture_is_over_30_kb():
    assert oversized(MEDIA) == [], f"lesson pictures over {PICTURE_BUDGET} bytes"


def test_the_check_catches_a_large_picture(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "small.svg").write_bytes(b"<svg/>")
    (tmp_path / "course" / "big.png").write_bytes(b"\0" * (PICTURE_BUDGET + 1))
    assert oversized(tmp_path) == [f"course/big.png: {PICTURE_BUDGET + 1} bytes"]


@pytest.mark.parametrize("kind", ["step pictures", "course icons"])
def test_every_picture_the_lessons_name_exists_and_is_counted(kind):
    from workshop.curriculum import PICTURES, load_catalogue
    from workshop.sims import discover

    discover()
    catalogue = load_catalogue(ROOT / "lessons")
    if kind == "step pictures":
        # (pictures a sim draws from her own sandbox are not files: their weight is the page's, counted
        # by the browser budgets)
        names = {s.picture for lesson in catalogue.lessons() for s in lesson.steps if s.picture not in PICTURES}
    else:
        names = {c.icon for c in catalogue.courses}
    counted = {str(p.relative_to(MEDIA)) for p in pictures(MEDIA)}
    assert names and names <= counted, sorted(names - counted)
