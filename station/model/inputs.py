"""Reading what people type (weights, amounts, addresses) into exact values, with refusals they can read."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

GRAMS_PER = {"kg": Decimal(1000), "g": Decimal(1), "lb": Decimal("453.59237"), "oz": Decimal("28.349523125")}
MAX_GRAMS = 1_000_000  # a tonne: nothing a counter accepts weighs more


# Pounds and ounces as a US counter's scale shows them: `2lb 3oz`, `2 lbs 3.5 oz`.
_POUNDS_OUNCES = re.compile(r"(\d+(?:\.\d+)?)lbs?(\d+(?:\.\d+)?)oz")


def parse_weight_g(text: str) -> int:
    """'1.2kg' -> 1200, '2lb 3oz' -> 992 (grams, rounded half up); a bare number is grams."""
    raw = text.strip().lower().replace(" ", "")
    both = _POUNDS_OUNCES.fullmatch(raw)
    if both:
        value = Decimal(both[1]) * GRAMS_PER["lb"] + Decimal(both[2]) * GRAMS_PER["oz"]
    else:
        if raw.endswith("lbs"):
            raw = raw[:-1]
        unit = next((u for u in ("kg", "lb", "oz", "g") if raw.endswith(u)), "g")
        number = raw[: len(raw) - len(unit)] if raw.endswith(unit) else raw
        try:
            value = Decimal(number) * GRAMS_PER[unit]
        except InvalidOperation:
            raise ValueError(f"weight {text!r} is not a number with a unit (kg, g, lb, oz)") from None
    if not value.is_finite():
        raise ValueError(f"weight {text!r} is not a number with a unit (kg, g, lb, oz)")
    if value < 0:
        raise ValueError(f"weight {text!r} is negative")
    if value > MAX_GRAMS:
        raise ValueError(f"weight {text!r} is more than {MAX_GRAMS // 1000} kg")
    return int(value.to_integral_value(rounding="ROUND_HALF_UP"))


def parse_cents(text: str) -> int:
    """'100.00' or '$100' -> 10000; refuses fractions of a cent, NaN, infinities, absurd amounts and
    digits other than ASCII ones (a full-width '０20.00' is not what the clerk meant to key)."""
    if not text.isascii():
        raise ValueError(f"{text!r} is not an amount like 100.00 (type it with the keyboard's digits)")
    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount like 100.00") from None
    if not value.is_finite() or abs(value) > Decimal(10) ** 9:
        raise ValueError(f"{text!r} is not an amount like 100.00")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{text!r} has fractions of a cent")
    return int(value * 100)


def address_lines(text: str) -> tuple[str, ...]:
    """Split an address given on one line (| or newlines between lines; else commas)."""
    for sep in ("|", "\n"):
        if sep in text:
            return tuple(p.strip() for p in text.split(sep) if p.strip())
    return tuple(p.strip() for p in text.split(",") if p.strip())


_US_ZIP = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?\s*$")


def address_zip(lines: tuple[str, ...]) -> str | None:
    """The 5-digit ZIP a US address ends with (its last line that has one), or None."""
    for line in reversed(lines):
        found = _US_ZIP.search(line.strip())
        if found:
            return found.group(1)
    return None
