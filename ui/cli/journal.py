"""`station journal verify`: recompute every station's hash chain."""

from __future__ import annotations

import argparse

from station.errors import ExitCode
from station.store.checkpoints import FILE_NAME as CHECKPOINTS
from station.store.checkpoints import read_checkpoints
from ui.cli.common import open_station


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `journal`."""
    p = sub.add_parser("journal", help="the scan journal")
    j = p.add_subparsers(dest="journal_command", required=True, metavar="ACTION")
    verify = j.add_parser("verify", help="check the whole hash chain; report the first broken link")
    verify.set_defaults(func=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the file is sound and every chain verifies, 1 otherwise (what failed first is named)."""
    with open_station(args, read_only=True) as station:
        damage = station.db.check_integrity()
        result = station.journal.verify()
        points, unreadable = read_checkpoints(station.paths.data / CHECKPOINTS, station.paths.keys)
        contradicted = station.journal.check_checkpoints(points)
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
    if result.first_break is None:
        print(
            f"journal OK: {result.events_checked} events in {result.stations} station chain(s) verified,"
            f" {len(points)} signed checkpoint(s) agree"
        )
        return ExitCode.REFUSED if unreadable else ExitCode.DONE
    b = result.first_break
    print(f"journal BROKEN at station {b.station_id} seq {b.seq}: {b.problem}")
    print(f"({result.events_checked} events checked before the break)")
    return ExitCode.REFUSED
