"""`station fraud scan|rules`: the batch fraud rules over the journal."""

from __future__ import annotations

import argparse
import json

from station.cli.common import Subcommands, add_json, add_where, group, open_station, printable, where
from station.desks.fraud import FraudDesk


def register(sub: Subcommands) -> None:
    """Add `fraud`."""
    f = group(sub, "fraud", "fraud rules over the journal")
    s = f.add_parser("scan", help="run every batch rule; new alerts are journalled once")
    add_where(s)
    add_json(s)
    s.set_defaults(func=cmd_scan)
    r = f.add_parser("rules", help="every rule, its severity and its thresholds")
    add_json(r)
    r.set_defaults(func=cmd_rules)


def cmd_scan(args: argparse.Namespace) -> int:
    """One line per alert and a count; exit 1 when there is any (a monitoring check can run it)."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        report = FraudDesk(station).scan(facility=facility, operator=operator)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        for f in report.findings:
            print(
                printable(
                    f"{f.time[:16]}  {f.rule:<36} {f.item_id:<22} {f.operator}@{f.facility}: {f.detail}"
                )
            )
        print(report.line)
    return 1 if report.findings else 0


def cmd_rules(args: argparse.Namespace) -> int:
    """The rules table."""
    with open_station(args, read_only=True) as station:
        found = FraudDesk(station).rules()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": rule.id,
                        "description": rule.description,
                        "severity": str(rule.severity),
                        "at_scan": rule.check is None,
                        "settings": values,
                    }
                    for rule, values in found
                ]
            )
        )
        return 0
    for rule, values in found:
        when = "at scan" if rule.check is None else "batch"
        shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
        print(
            printable(
                f"{rule.id:<36} {rule.severity:<7} {when:<8} {rule.description}"
                + (f" [{shown}]" if shown else "")
            )
        )
    return 0
