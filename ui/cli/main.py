"""The `station` entry point: composes the command groups of every layer.

Each module named in COMMAND_GROUPS exposes `register(subparsers)`; it adds its subcommands and sets
`func` on each, a callable taking the parsed arguments and returning the exit code. Heavy imports
(Qt, OpenCV) happen inside the commands, so `station ids check` starts in a fraction of a second.
The global options (--home, --db) are accepted before the command or after it (`station gui --home X`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sqlite3
import sys
from collections.abc import Sequence

from station.config import ConfigError
from station.logs import configure_logging
from station.migrations import SchemaError
from station.printing.profiles import ProfileError
from station.store.db import JournalDamaged
from ui.cli.common import printable, station_paths

COMMAND_GROUPS = [
    "ui.cli.core",
    "ui.cli.devices",
    "ui.cli.site",
    "ui.cli.labels",
    "ui.cli.printers",
    "ui.cli.sms_gateway",
    "ui.cli.hub",
    "ui.cli.window",
]
log = logging.getLogger("station")
# Faults that are about the world, not the code: one line for the operator, no traceback needed.
KNOWN_FAULTS: tuple[type[BaseException], ...] = (
    OSError,
    sqlite3.DatabaseError,
    JournalDamaged,
    SchemaError,
    ConfigError,
    ProfileError,
)


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db", default=default, help="journal database (SQLite file); default $STATION_DB or the data folder"
    )
    parser.add_argument(
        "--home", default=default, help="folder for all station data and settings (overrides $STATION_HOME)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The full `station` argument parser."""
    parser = argparse.ArgumentParser(
        prog="station", description="Parcel Station: post office and depot station."
    )
    _global_options(parser, None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_GROUPS:
        importlib.import_module(name).register(sub)
    _add_to_every_command(sub)
    return parser


def _add_to_every_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    # SUPPRESS: given after the command, the option is set; not given, the value before the command stands.
    for parser in sub.choices.values():
        nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            _add_to_every_command(nested[0])
        elif not any(a.dest == "home" for a in parser._actions):
            _global_options(parser, argparse.SUPPRESS)


def _not_utf8(args: argparse.Namespace) -> str | None:
    """The first option whose value is not UTF-8 text (the terminal or a script sent raw bytes, or a NUL,
    which no file name or field may hold)."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                    if "\x00" in text:
                        raise UnicodeEncodeError("utf-8", text, 0, 1, "NUL")
                except UnicodeEncodeError:
                    positional = name in ("id", "item", "items", "paths", "payload", "text", "sscc", "amount")
                    return name.upper() if positional else f"--{name.replace('_', '-')}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `station` command and return its exit code."""
    for stream in (sys.stdout, sys.stderr):  # text from arguments or files may not be encodable: never raise
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    from ui.cli import common
    from ui.cli.hub import connector

    common.HUB_CONNECTOR = connector  # the composition root: the commands reach a hub through this
    bad = _not_utf8(args)
    if bad is not None:  # bytes that are not UTF-8 reach Python as surrogates: refused before any work
        print(f"error: {bad} is not valid UTF-8 text", file=sys.stderr)
        return 2
    log_file = configure_logging(station_paths(args))
    log.debug("station %s", " ".join(sys.argv[1:]))
    try:
        code: int = args.func(args)
    except BrokenPipeError:  # `station track X | head` must not print a traceback
        return 0
    except KeyboardInterrupt:
        return 130
    except KNOWN_FAULTS as exc:  # a fault of the world (a file, the disk, the database), not of the code
        log.warning("station %s: %s: %s", args.command, type(exc).__name__, exc)
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1
    except Exception as exc:  # the operator gets one line; the maintainer gets the traceback in the log
        log.exception("station %s failed", args.command)
        where = f" (details in {log_file})" if log_file else ""
        print(printable(f"error: {type(exc).__name__}: {exc}{where}"), file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
