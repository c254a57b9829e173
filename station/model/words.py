"""Counts in words a person reads: "1 piece", "2 pieces" (never "1 pieces")."""

from __future__ import annotations


def number_of(count: int, singular: str, plural: str = "") -> str:
    """`count` and the noun in its number; `plural` where adding "s" is wrong ("1 try", "2 tries")."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def weight_in_words(grams: int) -> str:
    """A weight as a person reads it, never rounded away: "850 g", "1.25 kg", "12 kg" ("1.2 kg" once hid
    the 50 g that decide a price step)."""
    if grams < 1000:
        return f"{grams} g"
    kilos = f"{grams / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{kilos} kg"
