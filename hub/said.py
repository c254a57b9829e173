"""What PostgreSQL or libpq said, as one line an operator can read."""

from __future__ import annotations


def one_line(exc: BaseException) -> str:
    """The last non-blank line of the error: libpq puts its hint last, indented with a tab, and a
    terminal shows neither the tab nor the lines before it well."""
    text = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return text[-1] if text else type(exc).__name__
