"""`station import events FILE`, `station export events FILE` and `station export customs FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.desks.customs import CustomsExportError
from station.desks.factory import Desks
from station.desks.history import HistoryFileError, ImportRefused
from station.errors import ExitCode
from ui.cli.common import (
    PeriodError,
    Subcommands,
    acting_operator,
    add_json,
    add_period,
    day_argument,
    group,
    open_station,
    period,
    printable,
    secret,
)


def register(sub: Subcommands) -> None:
    """Add `import events` and `export events`."""
    i = group(sub, "import", "load history from another system")
    e = i.add_parser("events", help="journal a CSV (or Parquet) of events: item_id,event,time,facility,...")
    e.add_argument("file", type=Path, metavar="FILE")
    e.add_argument("--skip-bad", action="store_true", help="import the good rows even when some are bad")
    e.add_argument("--supervisor", metavar="NAME", help="who authorises it (once there are operators)")
    e.add_argument("--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)")
    e.add_argument("--operator", help="who runs it (default: the station's operator)")
    add_json(e)
    e.set_defaults(func=cmd_import)
    o = group(sub, "export", "write history for another system")
    x = o.add_parser("events", help="every item's events, in the import's shape (FILE.csv or FILE.parquet)")
    x.add_argument("file", type=Path, metavar="FILE")
    add_period(x)
    x.set_defaults(func=cmd_export)
    c = o.add_parser(
        "customs", help="the day's customs declarations of items abroad (ITMATT data), FILE.json or FILE.csv"
    )
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--date", type=day_argument, help="the local day, YYYY-MM-DD (default: today)")
    c.set_defaults(func=cmd_export_customs)


def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0 when every row was good, 1 when some were bad, 2 when the file cannot be read."""
    with open_station(args) as station:
        try:
            report = Desks(station).history.import_file(
                args.file,
                skip_bad=args.skip_bad,
                supervisor=args.supervisor,
                pin=secret(args.pin),
                operator=acting_operator(args, station),
            )
        except (HistoryFileError, ImportRefused) as exc:
            print(printable(f"error: {exc}"), file=sys.stderr)
            return exc.exit_code
    if args.json:
        print(
            json.dumps(
                {
                    "rows": report.rows,
                    "added": report.added,
                    "known": report.known,
                    "bad": report.error_count,
                    "applied": report.applied,
                    "errors": [{"row": e.line, "problem": e.problem} for e in report.errors],
                },
                ensure_ascii=False,
            )
        )
        return ExitCode.DONE if report.ok else ExitCode.REFUSED
    for error in report.errors:
        print(printable(str(error)), file=sys.stderr)
    if report.error_count > len(report.errors):
        print(f"... and {report.error_count - len(report.errors)} more bad rows", file=sys.stderr)
    print(printable(report.line))
    return ExitCode.DONE if report.ok else ExitCode.REFUSED


def cmd_export(args: argparse.Namespace) -> int:
    """Exit 0 with the file written, 1 when it cannot be."""
    with open_station(args, read_only=True) as station:
        try:
            since, until = period(args, station)
            report = Desks(station).history.export_file(args.file, since, until)
        except (HistoryFileError, PeriodError) as exc:
            print(printable(f"error: {exc}"), file=sys.stderr)
            return exc.exit_code
    print(printable(report.line))
    return ExitCode.DONE


def cmd_export_customs(args: argparse.Namespace) -> int:
    """Exit 0 with the file written, 1 when it cannot be."""
    with open_station(args, read_only=True) as station:
        try:
            report = Desks(station).customs.export(args.file, args.date)
        except CustomsExportError as exc:
            print(printable(f"error: {exc}"), file=sys.stderr)
            return exc.exit_code
    print(printable(report.line))
    return ExitCode.DONE
