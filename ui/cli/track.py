"""`station track ID`, `station note ID TEXT`, `station dispute ID TEXT`: the track desk's use cases."""

from __future__ import annotations

import argparse
import json
import sys

from station.desks.factory import Desks
from station.errors import ExitCode
from station.items.tracking import TrackingReport
from station.model.events import REASON_CODES
from station.model.localtime import shown
from ui.cli.common import (
    Subcommands,
    add_hub,
    add_json,
    add_where,
    answer,
    hub_of,
    open_station,
    printable,
    where,
)


def register(sub: Subcommands) -> None:
    """Add `track`, `note` and `dispute`."""
    p = sub.add_parser("track", help="status and history of an item or sack")
    p.add_argument("id", metavar="ID", help="S10, IMpb or SSCC (as printed or as scanned)")
    add_json(p)
    add_hub(p)
    p.set_defaults(func=cmd_track)
    s = sub.add_parser("search", help="items by recipient name, phone, ZIP or acceptance day (YYYY-MM-DD)")
    s.add_argument("query", metavar="QUERY", help="e.g. 'Lee 94105 2026-12-01' or '+1 206 555 0100'")
    add_json(s)
    s.set_defaults(func=cmd_search)
    for kind, help in (
        ("note", "a customer-service note on an item"),
        ("dispute", "open a dispute on an item (not delivered, damaged, signature...)"),
    ):
        w = sub.add_parser(kind, help=help)
        w.add_argument("id", metavar="ID")
        w.add_argument("text", metavar="TEXT")
        add_where(w)
        add_json(w)
        w.set_defaults(func=cmd_write, kind=kind)


def cmd_write(args: argparse.Namespace) -> int:
    """A note or a dispute."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        desk = Desks(station).track
        write = desk.note if args.kind == "note" else desk.dispute
        done = write(args.id, args.text, facility=facility, operator=operator)
    return answer(done, args.json)


def cmd_search(args: argparse.Namespace) -> int:
    """Exit 0 with the items found, 1 when none."""
    with open_station(args, read_only=True) as station:
        found = Desks(station).track.search(args.query)
    if args.json:
        print(json.dumps([hit.to_json() for hit in found.hits], indent=2, ensure_ascii=False))
    else:
        print(printable(found.text))
        for hit in found.hits:
            when = (
                shown(hit.accepted_at, station.config.time_zone) if hit.accepted_at else "?"
            )  # local, zoned
            print(printable(f"  {hit.item_id}  {when}  {hit.status:<18}  {hit.address}"))
    return ExitCode.DONE if found.hits else ExitCode.REFUSED


def cmd_track(args: argparse.Namespace) -> int:
    """Exit 0 with the report, 1 for an id the journal has never seen."""
    with open_station(args, read_only=True) as station:
        found = Desks(station, hub_of(args, station)).track.look_up(args.id)
    if args.json:
        print(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
    if found.report is None:
        why = f" ({found.why_unknown})" if found.why_unknown else ""
        print(printable(f"unknown id {args.id!r}: no scans recorded{why}"), file=sys.stderr)
        return ExitCode.REFUSED
    if not args.json:
        eta = found.expected_text
        to = f"\n  to {found.addressee}" if found.addressee else ""
        print(
            printable(
                format_report(found.report, station.config.time_zone) + (f"\n  {eta}" if eta else "") + to
            )
        )
    return ExitCode.DONE


def format_report(report: TrackingReport, time_zone: str = "") -> str:
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
        when = shown(e.occurred_at, time_zone, seconds=True)
        code = e.upu_code or "---"
        parts = [f"    {when}  {code}  {e.kind:<16} {e.facility} ({e.station_id}/{e.operator})"]
        if h.via_container:
            parts.append(f"via sack {h.via_container}")
        elif e.container_id:
            parts.append(f"into sack {e.container_id}")
        if e.reason:
            parts.append(f"reason: {REASON_CODES.get(e.reason, e.reason)}")
        if e.weight_g is not None:
            parts.append(f"{e.weight_g} g")
        if e.signature_ref:
            parts.append(f"signature {e.signature_ref}")
        if e.extra.get("safe_place"):
            parts.append(f"safe place: {e.extra['safe_place']}")
        neighbour = e.extra.get("neighbour")
        if isinstance(neighbour, dict) and neighbour.get("name"):
            parts.append(f"neighbour: {neighbour['name']}, {neighbour.get('house', '')}")
        if e.extra.get("photo"):
            parts.append(f"photo {e.extra['photo']} (SHA-256 {str(e.extra.get('photo_sha256', ''))[:12]})")
        if e.note:
            parts.append(f"note: {e.note}")
        lines.append("  ".join(parts))
    return "\n".join(lines)
