"""The one formula guard for every CSV the site hands out (the class progress, the reach report).

A spreadsheet runs a cell as a formula when its text starts with = + - or @ (and tab, CR or LF
let a cell start a new one in some programs). Finnish spreadsheet settings split a CSV on `;` rather
than `,`, so a cell holding `x;=HYPERLINK(...)` would become two cells, the second one a formula,
unless the cell is quoted. So:

- a text cell whose first non-blank character is one of those gets a leading apostrophe, which the
  spreadsheet shows as text and never runs;
- every text cell is written quoted, so neither `,` nor `;` nor a line break inside it starts a new
  cell when the file is read with `,`;
- a spreadsheet that reads our `,` file with `;` does not follow the quotes reliably, so inside a
  cell every `;`, tab or line break followed (after blanks or quotes) by a formula character gets the
  same apostrophe before that character: whatever piece the cell is cut into, none starts a formula;
- numbers stay numbers (unquoted), so sums still work;
- the invisible direction isolates the pages put around Latin words inside Arabic ("⁦Wilma⁩") are
  left out: in a spreadsheet they made "Wilma" a different value from Wilma (a filter or a lookup
  missed it), and they could stand before a formula character and hide it from the guard.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

# = + - @ and their full-width forms (some spreadsheets read those as the ASCII ones), tab, CR, LF.
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# A place where a spreadsheet reading with `;` may start a new cell or row, then a formula character.
_INNER = re.compile("([;\t\r\n][ \u00a0\u3000\"']*)(?=[=+\\-@\uff1d\uff0b\uff0d\uff20])")
_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))  # LRI RLI FSI PDI
BOM = "\ufeff"  # so spreadsheet programs read UTF-8 (ä, ö, Somali, Arabic) correctly


def safe_cell(value):
    """A cell a spreadsheet shows as written and never runs: numbers as they are, text guarded."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = _INNER.sub(r"\1'", str(value).translate(_ISOLATES))
    stripped = text.lstrip(" \u00a0\u3000")
    if stripped and (stripped[0] in FORMULA_START or text[0] in FORMULA_START):
        return "'" + text
    return text


def csv_text(rows: Iterable[Iterable]) -> str:
    """The rows as CSV text for a spreadsheet: a BOM, every text cell guarded and quoted, CRLF lines."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
