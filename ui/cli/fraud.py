"""`station fraud scan|rules`: the batch fraud rules over the journal."""

from __future__ import annotations

import argparse
import json

from station.desks.factory import Desks
from station.errors import ExitCode
from ui.cli.common import (
    Subcommands,
    add_hub,
    add_json,
    add_where,
    answer,
    group,
    hub_of,
    open_station,
    printable,
    secret,
    where,
)


def register(sub: Subcommands) -> None:
    """Add `fraud`."""
    f = group(sub, "fraud", "fraud rules over the journal")
    s = f.add_parser("scan", help="run every batch rule; new alerts are journalled once")
    add_where(s)
    add_json(s)
    add_hub(s)
    s.set_defaults(func=cmd_scan)
    r = f.add_parser("rules", help="every rule, its severity and its thresholds")
    add_json(r)
    r.set_defaults(func=cmd_rules)
    a = f.add_parser("alerts", help="the alerts a supervisor has to look at, worst first")
    a.add_argument("--all", action="store_true", help="resolved ones too")
    add_json(a)
    a.set_defaults(func=cmd_alerts)
    for action, help in (
        ("ack", "acknowledge an alert (being looked into)"),
        ("resolve", "resolve an alert"),
    ):
        v = f.add_parser(action, help=help)
        v.add_argument("alert", metavar="ALERT", help="the alert's id (6 or more of its first characters)")
        if action == "resolve":
            v.add_argument("note", metavar="NOTE", help="what was found")
        add_where(v)
        v.add_argument("--pin", help="the supervisor's PIN (--operator names them), once there are operators")
        add_json(v)
        v.set_defaults(func=cmd_review, action=action)


def cmd_scan(args: argparse.Namespace) -> int:
    """One line per alert and a count; exit 1 when there is any (a monitoring check can run it)."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        report = Desks(station, hub_of(args, station)).fraud.scan(facility=facility, operator=operator)
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
    return ExitCode.REFUSED if report.findings else ExitCode.DONE


def cmd_rules(args: argparse.Namespace) -> int:
    """The rules table."""
    with open_station(args, read_only=True) as station:
        found = Desks(station).fraud.rules()
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
        return ExitCode.DONE
    for rule, values in found:
        when = "at scan" if rule.check is None else "batch"
        shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
        print(
            printable(
                f"{rule.id:<36} {rule.severity:<7} {when:<8} {rule.description}"
                + (f" [{shown}]" if shown else "")
            )
        )
    return ExitCode.DONE


def cmd_alerts(args: argparse.Namespace) -> int:
    """One line per alert; exit 1 when any is open (a monitoring check can run it)."""
    with open_station(args, read_only=True) as station:
        found = Desks(station).fraud.alerts(include_resolved=args.all)
    if args.json:
        print(json.dumps([a.to_json() for a in found], ensure_ascii=False))
    else:
        for a in found:
            print(
                printable(
                    f"{a.event_id[:8]}  {a.severity:<6} {a.state:<12} {a.time[:16]}  {a.rule:<24}"
                    f" {a.item_id:<22} {a.suspect}@{a.facility}: {a.detail}"
                )
            )
        print(f"{sum(a.state != 'resolved' for a in found)} open alerts")
    return ExitCode.REFUSED if any(a.state != "resolved" for a in found) else ExitCode.DONE


def cmd_review(args: argparse.Namespace) -> int:
    """Exit 0 when recorded, 1 when refused."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        desk = Desks(station).fraud
        if args.action == "ack":
            done = desk.acknowledge(args.alert, by=operator, pin=secret(args.pin), facility=facility)
        else:
            done = desk.resolve(args.alert, args.note, by=operator, pin=secret(args.pin), facility=facility)
    return answer(done, args.json)
