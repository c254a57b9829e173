"""The `station` entry point: every command of every layer, found in one table.

Each module of `ui/cli/` is one subject and exposes `register(subparsers)`: it adds its commands and sets
`func` on each, a callable taking the parsed arguments and returning an `ExitCode`. `COMMANDS` names the
modules that add each command, so a command imports only its own subject (and what that uses): `station
track ID` does not load the charts, the hub's driver or Qt. `station --help` (or an unknown command) loads
them all; `tests/ui/cli/test_cli_table.py` checks the table against what the modules register.
The global options (--home, --db) are accepted before the command or after it (`station gui --home X`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sqlite3
import sys
from collections.abc import Sequence

from station.config import holds_secret
from station.errors import EXIT_CODES_HELP, ExitCode, StationError
from station.logs import configure_logging
from ui.cli.common import printable, station_paths

# Every subject, in the order `station --help` lists their commands.
SUBJECTS = (
    "ids", "scan", "track", "depot", "carrier", "pickup", "lockers", "counter", "dropoff", "senders",
    "operators", "till", "cases", "fraud", "estimates", "history", "reports", "sms", "journal", "demo",
    "devices", "site", "labels", "printers", "sms_gateway", "hub", "web", "window",
)  # fmt: skip
# Which subjects add each top-level command (two subjects may add actions to one group, as `sms` has).
COMMANDS: dict[str, tuple[str, ...]] = {
    "ids": ("ids",),
    "scan": ("scan",),
    "track": ("track",),
    "search": ("track",),
    "note": ("track",),
    "dispute": ("track",),
    "sack": ("depot",),
    "load": ("carrier",),
    "deliver": ("carrier",),
    "attempt": ("carrier",),
    "delay": ("carrier",),
    "return": ("carrier",),
    "hold": ("pickup",),
    "pickup": ("pickup",),
    "return-to-sender": ("pickup",),
    "locker": ("lockers",),
    "postage": ("counter",),
    "meter": ("counter",),
    "indicia": ("counter",),
    "accept": ("counter",),
    "dropoff": ("dropoff",),
    "sender": ("senders",),
    "operator": ("operators",),
    "signin": ("operators",),
    "signout": ("operators",),
    "void": ("operators",),
    "reprint": ("operators",),
    "basket": ("till",),
    "till": ("till",),
    "suspense": ("till",),
    "recover": ("till",),
    "case": ("cases",),
    "fraud": ("fraud",),
    "eta": ("estimates",),
    "import": ("history",),
    "export": ("history",),
    "report": ("pickup", "reports"),
    "round": ("reports",),
    "sms": ("sms", "sms_gateway"),
    "journal": ("journal",),
    "evidence": ("journal",),
    "demo": ("demo",),
    "decode": ("devices",),
    "doctor": ("site",),
    "install-udev": ("site",),
    "install-services": ("site",),
    "label": ("labels",),
    "print": ("printers",),
    "printers": ("printers",),
    "hub": ("hub", "web"),
    "sync": ("hub",),
    "gui": ("window",),
    "install-desktop": ("window",),
}
log = logging.getLogger("station")
# Faults that are about the world, not the code: one line for the operator, no traceback needed.
KNOWN_FAULTS: tuple[type[BaseException], ...] = (OSError, sqlite3.DatabaseError)


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db", default=default, help="journal database (SQLite file); default $STATION_DB or the data folder"
    )
    parser.add_argument(
        "--home", default=default, help="folder for all station data and settings (overrides $STATION_HOME)"
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `station` argument parser: with `command`, only the subjects that add it (all for None or an
    unknown one, so that argparse can list every choice)."""
    parser = argparse.ArgumentParser(
        prog="station",
        description="Parcel Station: post office and depot station.",
        epilog=f"exit codes:\n{EXIT_CODES_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _global_options(parser, None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subjects = COMMANDS.get(command or "", SUBJECTS)
    for name in subjects:
        importlib.import_module(f"ui.cli.{name}").register(sub)
    _add_to_every_command(sub)
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The command named in `argv` (the first word that is not a global option or its value)."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--home"):
            next(words, None)
        elif not word.startswith("-"):
            return word
        elif not word.startswith(("--db=", "--home=")):
            return None  # -h, --help or an unknown option: the whole parser answers
    return None


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


# Options whose value may name a password or a token; in a command's arguments any user of the machine
# can read it (/proc/PID/cmdline, ps) while the command runs.
SECRET_BEARING = {"dsn": "--dsn", "hub": "--hub", "gateway": "--gateway", "regional": "--from"}


def _secret_in_arguments(args: argparse.Namespace) -> str | None:
    """The first option that carries a password or a token in the command line itself."""
    for name, option in SECRET_BEARING.items():
        value = getattr(args, name, None)
        if isinstance(value, str) and holds_secret(value):
            return option
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `station` command and return its exit code."""
    for stream in (sys.stdout, sys.stderr):  # text from arguments or files may not be encodable: never raise
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(command_word(words)).parse_args(words)
    bad = _not_utf8(args)
    if bad is not None:  # bytes that are not UTF-8 reach Python as surrogates: refused before any work
        print(f"error: {bad} is not valid UTF-8 text", file=sys.stderr)
        return ExitCode.USAGE
    exposed = _secret_in_arguments(args)
    if exposed is not None:
        print(
            f"error: {exposed} holds a password or a token, which any user of this machine can read in a"
            " running command's arguments: put a database password in a libpq password file"
            " (passfile=PATH, 0600) and a gateway's token in a file only you can read (?secret_file=PATH)",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    log_file = configure_logging(station_paths(args))
    log.debug("station %s", " ".join(sys.argv[1:]))
    try:
        code: int = args.func(args)
    except BrokenPipeError:  # `station track X | head` must not print a traceback
        return ExitCode.DONE
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except StationError as exc:  # refused, a fault of the world, or a service that did not answer
        log.warning("station %s: %s: %s", args.command, type(exc).__name__, exc)
        print(printable(f"error: {exc}"), file=sys.stderr)
        return exc.exit_code
    except KNOWN_FAULTS as exc:  # a fault of the world (a file, the disk, the database), not of the code
        log.warning("station %s: %s: %s", args.command, type(exc).__name__, exc)
        print(printable(f"error: {exc}"), file=sys.stderr)
        return ExitCode.REFUSED
    except Exception as exc:  # the operator gets one line; the maintainer gets the traceback in the log
        log.exception("station %s failed", args.command)
        where = f" (details in {log_file})" if log_file else ""
        print(printable(f"error: {type(exc).__name__}: {exc}{where}"), file=sys.stderr)
        return ExitCode.REFUSED
    return code


if __name__ == "__main__":
    sys.exit(main())
