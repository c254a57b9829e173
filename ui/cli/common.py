"""What every subcommand needs: the station opened from the arguments, and one way to answer.

A desk's answer is printed as one line, `OK ...` (exit 0) or `REJECT reason` (exit 1), or with
`--json` as one JSON object; the operator's terminal never gets control characters from stored text.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias
from urllib.parse import parse_qs, urlsplit

from station.app import Station
from station.config import load_config
from station.errors import ExitCode, Refused, StationError
from station.model import localtime
from station.network.port import HubPort

if TYPE_CHECKING:
    from hub.admin import Enrolment
from station.paths import StationPaths, write_new_private

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class Answer(Protocol):
    """What a desk returns: `Outcome`, `Acceptance`, ..."""

    @property
    def ok(self) -> bool: ...

    @property
    def line(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (a usage error names the range otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


RECORD_NUMBER = whole_number(1, 2**62)  # a basket's or a case's number: never past SQLite's integers


def seconds(high: float) -> Callable[[str], float]:
    """An argparse type: a number of seconds from 0 to `high` (NaN and infinities refused)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
        if not 0 <= value <= high:  # NaN fails this too
            raise argparse.ArgumentTypeError(f"{text} is not between 0 and {high:g} seconds")
        return value

    return parse


def station_paths(args: argparse.Namespace) -> StationPaths:
    """The paths named by --home / --db (or the environment, or the platform folders)."""
    return StationPaths.resolve(getattr(args, "home", None), getattr(args, "db", None))


def open_station(args: argparse.Namespace, *, read_only: bool = False) -> Station:
    """The station for this command, with its settings file and database (`read_only` for look-ups)."""
    paths = station_paths(args)
    station = Station.at(paths, load_config(paths.config_file), read_only=read_only)
    # The hub is found here, once, at the command line (--hub, $STATION_HUB, the settings) and handed
    # down: every command of a station with a hub then agrees that the hub texts its customers.
    station.config = replace(station.config, hub=hub_dsn(args, station))
    return station


SESSION_FILE = "signin.token"  # in the data folder, 0600: the token of `station signin`'s session


class NotSignedIn(Refused):
    """A staffed station's command with no proven operator (or one naming someone else)."""


def session_file(station: Station) -> Path:
    """Where this home keeps its command-line session's token."""
    return station.paths.data / SESSION_FILE


def acting_operator(args: argparse.Namespace, station: Station) -> str:
    """Who a command acts as. A station without operators: --operator, else its setting. Once it has
    operators: whoever signed in (`station signin`), and a --operator naming anyone else is refused."""
    from station.desks.operators import OperatorDesk

    named = getattr(args, "operator", None)
    desk = OperatorDesk(station)
    if not desk.staffed():
        return str(named or station.config.operator)
    path = session_file(station)
    token = path.read_text(encoding="ascii", errors="replace").strip() if path.exists() else ""
    who = desk.session_operator(token) if token else None
    if who is None:
        raise NotSignedIn(
            "this station has operators: sign in first (station signin NAME; the PIN at the prompt or on"
            " standard input), and the command acts as you"
        )
    if named and named != who:
        raise NotSignedIn(
            f"signed in as {who}: --operator {named} would act for someone else (station signin {named})"
        )
    return who


def where(args: argparse.Namespace, station: Station) -> tuple[str, str]:
    """(facility, operator): the command's --facility, else the station's; the operator who acts
    (`acting_operator`)."""
    return getattr(args, "facility", None) or station.config.facility, acting_operator(args, station)


def add_where(p: argparse.ArgumentParser) -> None:
    """--facility and --operator, defaulting to the station's settings."""
    p.add_argument("--facility", help="where this happens (default: the station's facility)")
    p.add_argument("--operator", help="who does it (default: the station's operator)")


def add_json(p: argparse.ArgumentParser) -> None:
    """--json."""
    p.add_argument("--json", action="store_true", help="answer with one JSON object")


def answer(result: Answer, as_json: bool) -> int:
    """Print the answer; 0 when done, 1 when refused."""
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(printable(result.line), flush=True)
        details = getattr(result, "details", None) or {}
        if not result.ok and details.get("needs_supervisor"):  # the desk says what; this is how, here
            print(
                "  give --supervisor NAME --pin - (the PIN typed at the prompt or sent on standard input)",
                file=sys.stderr,
                flush=True,
            )
    warning = getattr(result, "warning", None)
    if warning:
        print(f"warning: {printable(warning)}", file=sys.stderr, flush=True)
    return ExitCode.DONE if result.ok else ExitCode.REFUSED


class SecretOnCommandLine(StationError):
    """A PIN written in a command's arguments: refused, since any user of the machine can read them."""

    exit_code = ExitCode.USAGE


def secret(text: str | None, what: str = "PIN") -> str | None:
    """A PIN (or passphrase) from its option, which must be '-': it is then read from standard input
    (prompting, without echo, at a terminal). A PIN written on the command line itself is refused: any
    user of this machine can read a running command's arguments (/proc/PID/cmdline, ps)."""
    if text is None:
        return None
    if text != "-":
        raise SecretOnCommandLine(
            f"a {what} on the command line can be read by any user of this machine: give '-' and type it"
            " at the prompt, or send it on standard input (nothing was done)"
        )
    if sys.stdin.isatty():
        return getpass.getpass(f"{what}: ")
    return sys.stdin.readline().rstrip("\r\n")


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (escape sequences) shown as \\xNN."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text)


def group(sub: Subcommands, name: str, help: str) -> Subcommands:
    """The subcommands of `station NAME` (made on first use, so two layers can add actions to one group)."""
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, help=help)
        parser.add_subparsers(dest=f"{name}_command", required=True, metavar="ACTION")
    assert parser._subparsers is not None
    actions = parser._subparsers._group_actions[0]
    assert isinstance(actions, argparse._SubParsersAction)
    return actions


def hub_dsn(args: argparse.Namespace, station: Station) -> str:
    """The hub's DSN: --hub, else $STATION_HUB, else `[station] hub`; empty for a station without one."""
    return str(getattr(args, "hub", None) or os.environ.get("STATION_HUB") or station.config.hub or "")


def hub_of(args: argparse.Namespace, station: Station) -> HubPort | None:
    """The station's hub, or None when it has none (it then works exactly as without a network)."""
    dsn = hub_dsn(args, station)
    if not dsn:
        return None
    from hub.client import PostgresHub  # psycopg loads only for a station that has a hub

    return PostgresHub(dsn)


def add_hub(p: argparse.ArgumentParser) -> None:
    """--hub DSN."""
    p.add_argument("--hub", metavar="DSN", help="the hub (default $STATION_HUB or [station] hub)")


def add_period(p: argparse.ArgumentParser) -> None:
    """--from and --to: a local day (YYYY-MM-DD) or an ISO 8601 time with its offset."""
    p.add_argument("--from", dest="since", metavar="WHEN", help="from this day or time (inclusive)")
    p.add_argument("--to", dest="until", metavar="WHEN", help="to this day (inclusive) or time (exclusive)")


# The days a post office's records can name: a day outside them is a typing error (and 9999-12-31 has
# no next day to end it).
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2199, 12, 31)
RECORDS = f"{FIRST_DAY} to {LAST_DAY}"


def day_argument(text: str) -> date:
    """A YYYY-MM-DD day between FIRST_DAY and LAST_DAY (argparse's usage error names a bad one)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a day like 2026-12-01") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{text} is not a day of the station's records ({FIRST_DAY} to {LAST_DAY})"
        )
    return day


class PeriodError(Refused):
    """A --from/--to that is not a day or a time (the command line is wrong: a usage error)."""

    exit_code = ExitCode.USAGE


def period(args: argparse.Namespace, station: Station) -> tuple[datetime | None, datetime | None]:
    """(since, until) in UTC from --from/--to; a day means the station's local day, whole."""
    zone = station.config.time_zone

    def moment(text: str | None, *, end: bool) -> datetime | None:
        if not text:
            return None
        try:
            value = datetime.fromisoformat(text) if len(text) != 10 else None
            day = date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            raise PeriodError(
                f"{text[:40]!r} is not a day (2026-12-01) or a time (2026-12-01T09:00+01:00)"
            ) from None
        if value is not None and value.tzinfo is None:
            raise PeriodError(f"{text[:40]!r} has no UTC offset (add Z or +01:00)")
        named = day if day is not None else value.date() if value is not None else None
        if named is None or not FIRST_DAY <= named <= LAST_DAY:
            raise PeriodError(f"{text[:40]} is not in the station's records ({RECORDS})")
        if day is not None:
            start = datetime.combine(day + timedelta(days=1) if end else day, time(0), localtime.zone(zone))
            return start.astimezone(UTC)
        assert value is not None
        return value.astimezone(UTC)

    since, until = moment(args.since, end=False), moment(args.until, end=True)
    if since is not None and until is not None and until <= since:
        raise PeriodError("--to is before --from")
    return since, until


def print_login(done: Enrolment, admin_dsn: str, pgpass: Path | None, use: Callable[[str], str]) -> int:
    """A new login's password: written to a new 0600 password file (and the DSN that names it shown as
    `use(dsn)`), or its password-file line shown to be kept at 0600. The exit code."""
    parts = urlsplit(admin_dsn)
    host = parse_qs(parts.query).get("host", [parts.hostname or "localhost"])[0]
    line = done.pgpass_line(host, str(parts.port or 5432), parts.path.lstrip("/") or "*")
    if pgpass:
        try:
            write_new_private(pgpass, (line + "\n").encode())
        except FileExistsError:
            print(printable(f"REJECT {pgpass} exists: not overwritten"), file=sys.stderr)
            return ExitCode.REFUSED
        sep = "&" if urlsplit(done.dsn).query else "?"
        print(use(f"{done.dsn}{sep}passfile={pgpass}"))
    else:
        print(use(done.dsn))
        print(f"password file line (keep it at 0600): {line}")
    return ExitCode.DONE
