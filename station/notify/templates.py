"""SMS templates from assets/sms, rendered in GSM-7 where possible, with the segment count.

GSM 03.38: a single SMS holds 160 GSM-7 septets (characters of the extension table such as `{ } [ ] ~ ^ |
\\ €` take two), or 70 UCS-2 characters when any character is outside GSM-7.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from station.resources import asset

ASSETS = asset("sms", "templates.toml")

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Encoded:
    """A rendered message and what it costs."""

    text: str
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def encode(text: str) -> Encoded:
    """Which alphabet the text needs and how many segments it takes."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        segments = 1 if units <= 160 else -(-units // 153)
        return Encoded(text, "GSM-7", units, segments)
    units = len(text.encode("utf-16-le")) // 2
    segments = 1 if units <= 70 else -(-units // 67)
    return Encoded(text, "UCS-2", units, segments)


@cache
def _load(path: Path = ASSETS) -> tuple[str, dict[str, str]]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return data["brand"], data["messages"]


def names() -> list[str]:
    """Every template's name."""
    return list(_load()[1])


def short_item(item_id: str) -> str:
    """The tracking number shortened to its last 6 characters (enough to tell items apart, not to track)."""
    return item_id[-6:]


def render(name: str, *, item_id: str = "", date: str = "", code: str = "") -> Encoded:
    """Fill a template; only the tracking number's tail, a date and a delivery code go into a message."""
    brand, messages = _load()
    if name not in messages:
        raise KeyError(f"no SMS template {name!r}")
    return encode(messages[name].format(brand=brand, item=short_item(item_id), date=date, code=code))
