"""Headless `station` subcommands of the domain core: ids, scan, track, journal, demo."""

from __future__ import annotations

import argparse

from station.cli import demo, ids, journal, scan, track


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the core subcommands to the `station` parser."""
    for module in (ids, scan, track, journal, demo):
        module.register(sub)
