"""The one CSV formula guard (workshop.csvsafe), read as a spreadsheet with either separator reads it."""
from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest

from workshop.csvsafe import csv_text, safe_cell

FORMULA = tuple("=+-@\t\r\n")
WORKSHOP = Path(__file__).resolve().parents[2] / "workshop"


def test_a_formula_after_a_semicolon_or_line_break_inside_a_cell_is_text_too():
    assert safe_cell("Sahra;=1+1") == "Sahra;'=1+1"
    assert safe_cell('x; "@SUM(1)') == 'x; "\'@SUM(1)'
    assert safe_cell("line\n-2") == "line\n'-2"
    assert safe_cell("a, -2 and b") == "a, -2 and b"  # `,` is always inside quotes: left alone


@pytest.mark.parametrize("text", ["=1+1", "+358 40", "-2", "@SUM(A1)", "\tx", "\rx", "\nx", " =1+1",
                                  "\u00a0@x", "\uff1dcmd"])
def test_a_cell_starting_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value, expected", [("Itäkeskus", "Itäkeskus"), ("a=b", "a=b"), ("", ""), (None, ""),
                                             (5, 5), (-3, -3), (2.5, 2.5)])
def test_other_cells_are_kept(value, expected):
    assert safe_cell(value) == expected


def _cells(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def pieces_read_with_semicolons(text: str) -> list[str]:
    """What a spreadsheet that splits on `;` and line breaks, quotes or not, could make cells of."""
    return [piece.strip(" \t\"'\u00a0") and piece.lstrip(" \"\u00a0")
            for line in text.removeprefix("\ufeff").splitlines() for piece in line.split(";")]


def starts_formula(piece: str) -> bool:
    return piece.startswith(("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")) and not _number(piece)


@pytest.mark.parametrize("text", ["Sahra;=1+1", 'a;"@x', "line\n@x", "x; -2", "=a;+b", "a\t=1", "a\r\n+1"])
def test_no_piece_of_a_cell_cut_at_semicolons_or_lines_starts_a_formula(text):
    assert not any(starts_formula(piece) for piece in pieces_read_with_semicolons(csv_text([[text, 1]])))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_no_cell_is_a_formula_with_comma_or_semicolon_separators(delimiter):
    """Finnish spreadsheet settings split on `;`: a cell holding `;` stays one cell, quoted."""
    rows = [["Learner", "Lessons done"], ["Sahra;=HYPERLINK(\"http://evil\")", 3], ["x;@SUM(1)", -1],
            ["a,b;-2+3", 0], ["=cmd|' /C calc'!A0", 1], ["line\n=2", 2]]
    text = csv_text(rows)
    assert text.startswith("\ufeff") and "\r\n" in text
    assert '"Sahra;\'=HYPERLINK(""http://evil"")"' in text  # quoted, and what follows `;` is text
    parsed = _cells(text, delimiter)
    assert len(parsed) == len(rows)
    for row in parsed:
        assert len(row) == (2 if delimiter == "," else 1), row  # read with `;`: a row is one text cell
        # a number is a number (-1 stays a sum-able -1); text never starts a formula
        assert not any(cell.startswith(FORMULA) and not _number(cell) for cell in row), row
    assert not any(starts_formula(piece) for piece in pieces_read_with_semicolons(text))
    if delimiter == ",":
        assert parsed[1] == ["Sahra;'=HYPERLINK(\"http://evil\")", "3"]
        assert parsed[4][0] == "'=cmd|' /C calc'!A0" and parsed[2][1] == "-1"


def test_the_isolates_of_arabic_pages_stay_out_of_a_spreadsheet():
    """The reach report in Arabic wrote its course "Wilma" as "\u2066Wilma\u2069"; one before "=" hid a formula."""
    assert safe_cell("\u2066Wilma\u2069") == "Wilma"
    assert safe_cell("\u2066Suomi.fi\u2069 و\u2066Kela\u2069") == "Suomi.fi وKela"
    assert safe_cell("\u2068\u2066=1+1\u2069\u2069") == "'=1+1"


def test_there_is_one_guard_and_every_csv_export_uses_it():
    """No second copy of the guard can drift: only workshop/csvsafe.py writes CSV."""
    writers = []
    for path in WORKSHOP.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "writer" and getattr(node.value, "id", "") == "csv":
                writers.append(path.relative_to(WORKSHOP).as_posix())
            if isinstance(node, ast.FunctionDef) and node.name == "safe_cell":
                writers.append(f"{path.relative_to(WORKSHOP).as_posix()}:safe_cell")
    assert sorted(writers) == ["csvsafe.py", "csvsafe.py:safe_cell"]
