"""The `station` entry point: composes the command groups of every layer.

Each module named in COMMAND_GROUPS exposes `register(subparsers)`; it adds its subcommands and sets
`func` on each, a callable taking the parsed arguments and returning the exit code. Heavy imports
(Qt, OpenCV) happen inside the commands, so `station ids check` starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_GROUPS = [
    "station.cli",
    "hardware.cli",
    "station.labels.cli",
    "hardware.printers.cli",
    "station.postage.cli",
    "station.notify.cli",
    "ui.commands",
]


def build_parser() -> argparse.ArgumentParser:
    """The full `station` argument parser."""
    parser = argparse.ArgumentParser(
        prog="station", description="Parcel Station: post office and depot station."
    )
    parser.add_argument(
        "--db", help="journal database (SQLite file); default $STATION_DB or the platform data dir"
    )
    parser.add_argument("--home", help="folder for all station data and settings (overrides $STATION_HOME)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_GROUPS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `station` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:  # `station track X | head` must not print a traceback
        return 0
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
