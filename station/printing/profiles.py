"""Printer profiles (assets/printers.toml): the language, resolution and abilities of a printer model.

The label format and dpi of every job come from the configured printer's profile, not from code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from station.errors import Fault
from station.resources import asset

LANGUAGES = ("zpl", "zpl-raster", "escpos", "pdf", "png")


class ProfileError(Fault, ValueError):
    """An unknown profile, or a profile file that is wrong; the message names which."""


@dataclass(frozen=True)
class PrinterProfile:
    """One printer model."""

    name: str
    description: str
    language: str
    dpi: int
    host_status: bool
    kind: str


@cache
def profiles() -> dict[str, PrinterProfile]:
    """Every profile, by name."""
    raw = tomllib.loads(asset("printers.toml").read_text(encoding="utf-8"))
    out: dict[str, PrinterProfile] = {}
    for name, entry in raw.items():
        profile = PrinterProfile(
            name,
            entry["description"],
            entry["language"],
            int(entry["dpi"]),
            bool(entry["host_status"]),
            entry["kind"],
        )
        known = profile.language in LANGUAGES and profile.kind in ("label", "receipt")
        if not known or profile.dpi not in (203, 300):
            raise ProfileError(f"printers.toml: profile {name!r} has an unknown language, dpi or kind")
        out[name] = profile
    return out


def profile(name: str) -> PrinterProfile:
    """The named profile."""
    found = profiles().get(name)
    if found is None:
        raise ProfileError(f"unknown printer profile {name!r}; known: {', '.join(sorted(profiles()))}")
    return found
