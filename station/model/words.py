"""Counts in words a person reads: "1 piece", "2 pieces" (never "1 pieces")."""

from __future__ import annotations


def number_of(count: int, singular: str, plural: str = "") -> str:
    """`count` and the noun in its number; `plural` where adding "s" is wrong ("1 try", "2 tries")."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
