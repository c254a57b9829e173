"""`station report kpis|inventory|reconcile|staffing` and `station round`: operations insight."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.desks.factory import Desks
from station.desks.insights import InsightsError, read_coordinates
from station.errors import ExitCode, StationError
from station.model.localtime import shown
from ui.cli.common import (
    PeriodError,
    Subcommands,
    add_hub,
    add_json,
    add_period,
    day_argument,
    group,
    hub_of,
    open_station,
    period,
    printable,
)


def register(sub: Subcommands) -> None:
    """Add `report` and `round`."""
    r = group(sub, "report", "performance, inventory, reconciliation and staffing from history")
    k = r.add_parser("kpis", help="volume, on-time, dwell, attempts, scans per operator hour, sack fill")
    add_period(k)
    k.add_argument("--facility", help="one facility only")
    out = k.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="answer with one JSON object")
    out.add_argument("--csv", action="store_true", help="a long CSV table on standard output")
    out.add_argument("--pdf", type=Path, metavar="FILE", help="the report with its charts, as a PDF")
    add_hub(k)
    k.set_defaults(func=cmd_kpis)
    i = r.add_parser("inventory", help="items on hand now per facility, by age (over 24 h flagged)")
    i.add_argument("--facility", help="one facility only")
    add_json(i)
    add_hub(i)
    i.set_defaults(func=cmd_inventory)
    c = r.add_parser("reconcile", help="a facility's day at close: not dispatched, not closed out")
    c.add_argument("--day", type=day_argument, help="the day (YYYY-MM-DD, default today)")
    c.add_argument("--facility", help="the facility (default the station's)")
    add_json(c)
    add_hub(c)
    c.set_defaults(func=cmd_reconcile)
    s = r.add_parser("staffing", help="the next 7 days' scans per facility and the staff hours they need")
    s.add_argument("--facility", help="one facility only")
    add_json(s)
    add_hub(s)
    s.set_defaults(func=cmd_staffing)
    o = sub.add_parser("round", help="a carrier's loaded items in delivery order (learned from their days)")
    o.add_argument("carrier", metavar="CARRIER", help="the carrier's operator name")
    o.add_argument(
        "--coords", type=Path, metavar="FILE", help="address,zip,lat,lon rows: optimise with VROOM"
    )
    o.add_argument("--start", metavar="LAT,LON", help="where the round starts and ends (with --coords)")
    add_json(o)
    o.set_defaults(func=cmd_round)


def _fail(exc: StationError) -> int:
    print(printable(f"error: {exc}"), file=sys.stderr)
    return exc.exit_code


def cmd_kpis(args: argparse.Namespace) -> int:
    """Exit 0 with the report, 2 when the period or the file is wrong."""
    with open_station(args, read_only=True) as station:
        try:
            since, until = period(args, station)
            desk = Desks(station, hub_of(args, station)).insights
            report = desk.kpis(since, until, args.facility)
            if args.pdf:
                print(printable(desk.write_kpis(report, args.pdf)))
                return ExitCode.DONE
        except (PeriodError, InsightsError) as exc:
            return _fail(exc)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    elif args.csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(("section", "key", "measure", "value"))
        writer.writerows(report.csv_rows())
    else:
        print(printable("\n".join(report.lines())))
    return ExitCode.DONE


def cmd_inventory(args: argparse.Namespace) -> int:
    """Exit 0, or 1 when some item has been on hand for over 24 hours."""
    with open_station(args, read_only=True) as station:
        found = Desks(station, hub_of(args, station)).insights.inventory(args.facility)
        tz = station.config.time_zone
    old = [i for i in found.items if i.old]
    if args.json:
        print(json.dumps(found.to_json(), ensure_ascii=False))
        return ExitCode.REFUSED if old else ExitCode.DONE
    for facility, bands in found.by_facility().items():
        print(printable(f"{facility:<28} " + "  ".join(f"{band}: {n}" for band, n in bands.items())))
    for item in old[:50]:
        print(
            printable(
                f"  ! {item.item_id}  at {item.facility} since {shown(item.since, tz)} ({item.hours:.0f} h)"
            )
        )
    print(f"{len(found.items)} items on hand, {len(old)} over 24 h")
    return ExitCode.REFUSED if old else ExitCode.DONE


def cmd_reconcile(args: argparse.Namespace) -> int:
    """Exit 0 when the day is square, 1 when something did not move."""
    with open_station(args, read_only=True) as station:
        desk = Desks(station, hub_of(args, station)).insights
        day = args.day or station.clock().astimezone(desk.zone).date()
        found = desk.reconcile(day, args.facility or station.config.facility)
    if args.json:
        print(json.dumps(found.to_json(), ensure_ascii=False))
        return ExitCode.DONE if found.ok else ExitCode.REFUSED
    print(printable(f"{found.facility} on {day}:"))
    print(f"  accepted and not dispatched: {len(found.not_dispatched)}")
    print(printable("".join(f"    {i}\n" for i in found.not_dispatched[:100])), end="")
    print(f"  out for delivery, no delivered or attempted scan: {len(found.not_closed_out)}")
    print(printable("".join(f"    {i}\n" for i in found.not_closed_out[:100])), end="")
    return ExitCode.DONE if found.ok else ExitCode.REFUSED


def cmd_staffing(args: argparse.Namespace) -> int:
    """Exit 0."""
    with open_station(args, read_only=True) as station:
        plan = Desks(station, hub_of(args, station)).insights.staffing(args.facility)
    if args.json:
        print(json.dumps(plan.to_json(), ensure_ascii=False))
        return ExitCode.DONE
    for facility, days in plan.plans.items():
        print(printable(f"{facility} ({plan.rates[facility]:.0f} scans per operator hour):"))
        print("  " + "  ".join(f"{p.day:%a %d}: {p.scans:.0f} scans {p.hours:.1f} h" for p in days))
    if not plan.plans:
        print("no scans in the last weeks: nothing to forecast from")
    return ExitCode.DONE


def _start(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise InsightsError(f"--start {text[:40]!r} is not LAT,LON") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InsightsError(f"--start {text[:40]!r} is not a place on Earth")
    return lat, lon


def cmd_round(args: argparse.Namespace) -> int:
    """Exit 0 with the stops, 1 when the carrier has nothing loaded, 2 for a bad file."""
    with open_station(args, read_only=True) as station:
        try:
            coordinates = read_coordinates(args.coords) if args.coords else None
            found = Desks(station).insights.round(
                args.carrier, coordinates=coordinates, start=_start(args.start)
            )
        except InsightsError as exc:
            return _fail(exc)
    if args.json:
        print(json.dumps(found.to_json(), ensure_ascii=False))
        return ExitCode.DONE if found.stops else ExitCode.REFUSED
    how = "optimised" if found.optimised else f"learned from {found.days_learned} days"
    print(printable(f"{found.carrier}: {len(found.stops)} stops ({how})"))
    for n, stop in enumerate(found.stops, start=1):
        line, _, zip_code = stop.address.partition("|")
        print(printable(f"{n:4}  {stop.item_id:<24} {line}, {zip_code}  ({stop.basis})"))
    return ExitCode.DONE if found.stops else ExitCode.REFUSED
