"""Headless `station` subcommands of the domain core, one module per desk (plus ids, journal, demo).

Each module's `register(subcommands)` adds its commands; each command only parses its arguments, calls
one desk method and prints the answer (`ui/cli/common.py`).
"""

from __future__ import annotations

from ui.cli import (
    carrier,
    cases,
    counter,
    demo,
    depot,
    estimates,
    fraud,
    history,
    ids,
    journal,
    operators,
    reports,
    scan,
    sms,
    till,
    track,
)
from ui.cli.common import Subcommands


def register(sub: Subcommands) -> None:
    """Add the core subcommands to the `station` parser."""
    for module in (
        ids,
        scan,
        track,
        depot,
        carrier,
        counter,
        operators,
        till,
        cases,
        fraud,
        estimates,
        history,
        reports,
        sms,
        journal,
        demo,
    ):
        module.register(sub)
