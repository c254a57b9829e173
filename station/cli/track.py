"""`station track ID`: current status and full history, sack-level events included."""

from __future__ import annotations

import argparse
import json
import sys

from station.cli.common import open_station
from station.eta import expected_delivery
from station.scanning import Identified, classify
from station.tracking import TrackingReport, track


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `track`."""
    p = sub.add_parser("track", help="status and history of an item or sack")
    p.add_argument("id", metavar="ID", help="S10, IMpb or SSCC (as printed or as scanned)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_track)


def cmd_track(args: argparse.Namespace) -> int:
    """Exit 0 with the report, 1 for an id the journal has never seen."""
    found = classify(args.id)
    key = found.id if isinstance(found, Identified) else args.id.strip()
    with open_station(args) as station:
        report = track(station.db, key)
    if report is None:
        why = "" if isinstance(found, Identified) else f" ({found.reason})"
        print(f"unknown id {args.id!r}: no scans recorded{why}", file=sys.stderr)
        if args.json:
            print(json.dumps({"id": key, "status": None, "error": "unknown id"}))
        return 1
    eta = expected_delivery(report)
    if args.json:
        print(json.dumps({**report.to_json(), "expected_delivery": eta.isoformat() if eta else None},
                         indent=2, ensure_ascii=False))  # fmt: skip
    else:
        print(format_report(report) + (f"\n  expected delivery: {eta:%a %Y-%m-%d}" if eta else ""))
    return 0


def format_report(report: TrackingReport) -> str:
    """The report as a customer-service agent reads it."""
    lines = [f"{report.item_id}: {report.status.label if report.status else 'no movement scans'}"]
    if report.is_sack:
        lines.append(f"  sack {report.sack_state}, {len(report.sack_contents)} item(s) inside")
    if report.current_sack:
        lines.append(f"  now in sack {report.current_sack}")
    for flag in report.flags:
        lines.append(f"  ! {flag}")
    lines.append("  history:")
    for h in report.history:
        e = h.event
        when = e.occurred_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        code = e.upu_code or "---"
        parts = [f"    {when}  {code}  {e.kind:<16} {e.facility} ({e.station_id}/{e.operator})"]
        if h.via_container:
            parts.append(f"via sack {h.via_container}")
        elif e.container_id:
            parts.append(f"into sack {e.container_id}")
        if e.reason:
            parts.append(f"reason {e.reason}")
        if e.weight_g is not None:
            parts.append(f"{e.weight_g} g")
        if e.signature_ref:
            parts.append(f"signature {e.signature_ref}")
        if e.note:
            parts.append(f"note: {e.note}")
        lines.append("  ".join(parts))
    return "\n".join(lines)
