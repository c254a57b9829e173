"""`station journal verify` (recompute every station's hash chain) and `station evidence export|verify`
(some days of records bundled for a postmaster to check alone, on any machine)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from station.desks.evidence import EvidenceDesk, verify_file
from station.errors import ExitCode
from station.items import photos
from station.store.checkpoints import FILE_NAME as CHECKPOINTS
from station.store.checkpoints import read_checkpoints
from ui.cli.common import day_argument, group, open_station, printable


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `journal`."""
    p = sub.add_parser("journal", help="the scan journal")
    j = p.add_subparsers(dest="journal_command", required=True, metavar="ACTION")
    verify = j.add_parser("verify", help="check the whole hash chain; report the first broken link")
    verify.set_defaults(func=cmd_verify)
    e = group(sub, "evidence", "some days of records in one signed bundle a postmaster checks alone")
    ex = e.add_parser(
        "export", help="write the bundle: journal, signed checkpoints, meter log, till reports, keys"
    )
    ex.add_argument("file", type=Path, metavar="FILE.zip")
    ex.add_argument(
        "--from", dest="first", type=day_argument, required=True, help="the first day, YYYY-MM-DD"
    )
    ex.add_argument("--to", dest="last", type=day_argument, required=True, help="the last day, YYYY-MM-DD")
    ex.set_defaults(func=cmd_evidence_export)
    ev = e.add_parser("verify", help="check a bundle on any machine: exit 0 when every check agrees")
    ev.add_argument("file", type=Path, metavar="FILE.zip")
    ev.add_argument("--json", action="store_true", help="one JSON object")
    ev.set_defaults(func=cmd_evidence_verify)
    ve = e.add_parser(
        "verify-event", help="check one tracking event's evidence (from the tracking page) offline"
    )
    ve.add_argument("file", type=Path, metavar="FILE.json")
    ve.set_defaults(func=cmd_evidence_verify_event)


def cmd_evidence_export(args: argparse.Namespace) -> int:
    """Exit 0 with the bundle written, 1 when refused."""
    with open_station(args) as station:
        print(printable(EvidenceDesk(station).export(args.first, args.last, args.file)))
    return ExitCode.DONE


def cmd_evidence_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the bundle verifies (compare the fingerprints printed), 1 when it does not. No station
    is opened: the bundle is all it needs."""
    verdict = verify_file(args.file)
    if args.json:
        print(json.dumps(asdict(verdict) | {"ok": verdict.ok}, ensure_ascii=False))
    else:
        for line in verdict.lines():
            print(printable(line))
    return ExitCode.DONE if verdict.ok else ExitCode.REFUSED


def cmd_evidence_verify_event(args: argparse.Namespace) -> int:
    """Exit 0 when the event is under its station's signed checkpoint (compare the key's fingerprint),
    1 when it is not or the file is no evidence. No station is opened."""
    from station.office.event_evidence import EventEvidenceRefused
    from station.office.event_evidence import verify_file as verify_event

    try:
        verdict = verify_event(args.file)
    except EventEvidenceRefused as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return ExitCode.REFUSED
    for line in verdict.lines():
        print(printable(line))
    return ExitCode.DONE if verdict.ok else ExitCode.REFUSED


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the file is sound and every chain verifies, 1 otherwise (what failed first is named)."""
    with open_station(args, read_only=True) as station:
        damage = station.db.check_integrity()
        result = station.journal.verify()
        points, unreadable = read_checkpoints(station.paths.data / CHECKPOINTS, station.paths.keys)
        contradicted = station.journal.check_checkpoints(points)
        with station.db.reading() as conn:
            photos_checked, swapped = photos.check_all(conn, station.paths.photos)
    if damage:
        # A damaged index can hide events from look-ups while the chain still verifies: say so first.
        print(f"journal DAMAGED: SQLite's integrity check fails: {'; '.join(damage[:5])}")
        print("keep this file for the record and restore the last backup")
        return ExitCode.REFUSED
    for problem in unreadable:
        print(f"warning: checkpoint of {problem.station_id} seq {problem.seq}: {problem.problem}")
    if result.first_break is None and contradicted:  # the chain holds together, but not with what was signed
        for problem in contradicted:
            print(f"journal BROKEN at station {problem.station_id}: {problem.problem}")
        return ExitCode.REFUSED
    if result.first_break is None and swapped:  # the events hold, a photo they name does not
        for photo in swapped:
            print(f"journal BROKEN: door photo of {photo.item_id}: {photo.problem}")
        return ExitCode.REFUSED
    if result.first_break is None:
        print(
            f"journal OK: {result.events_checked} events in {result.stations} station chain(s) verified,"
            f" {len(points)} signed checkpoint(s) agree, {photos_checked} door photo(s) match their hashes"
        )
        return ExitCode.REFUSED if unreadable else ExitCode.DONE
    b = result.first_break
    print(f"journal BROKEN at station {b.station_id} seq {b.seq}: {b.problem}")
    print(f"({result.events_checked} events checked before the break)")
    return ExitCode.REFUSED
