"""Cells a spreadsheet will not run: text that starts like a formula is written with a leading quote.

A CSV opened in a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or a
carriage return before one) as a formula: an addressee or a note typed as `=HYPERLINK(...)` would
run on the postmaster's machine. OWASP's advice is followed: such a cell is written with `'` first,
which spreadsheets show as text and do not store, and the station's own import takes it off again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, quoted when it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row made safe."""
    return [safe_cell(value) for value in row]


def unquoted(text: str) -> str:
    """A cell as it was before `safe_cell` (the station's import reads its own exports back)."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
