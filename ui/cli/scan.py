"""`station scan`: raw scanner lines in, one journal event per valid line, `OK id` / `REJECT reason` out."""

from __future__ import annotations

import argparse
import sys
from typing import BinaryIO

from station.desks.factory import Desks
from station.desks.outcome import Outcome
from station.desks.scan import ScanDesk
from station.errors import ExitCode
from station.ids.scanning import classify
from station.model.events import REASON_CODES, EventKind
from station.model.inputs import MAX_GRAMS
from ui.cli.common import Subcommands, acting_operator, add_hub, answer, hub_of, open_station, whole_number

SCAN_KINDS = [k.value for k in EventKind if not k.is_internal]
MAX_LINE = 4096  # a scanner line longer than this is noise (as the serial framing caps a frame)


def register(sub: Subcommands) -> None:
    """Add `scan`."""
    p = sub.add_parser("scan", help="record scans from raw scanner lines (stdin or --input)")
    p.add_argument("--event", required=True, choices=SCAN_KINDS, help="what happened to each scanned item")
    p.add_argument("--facility", required=True)
    p.add_argument("--operator", help="who scans (a station with operators: whoever signed in)")
    p.add_argument("--sack", help="the sack (SSCC) the items go into, for sort-in (its destination applies)")
    p.add_argument(
        "--reason", choices=sorted(REASON_CODES), help="reason code for attempted/delayed/returned"
    )
    p.add_argument(
        "--weight-g", type=whole_number(0, MAX_GRAMS), help="weight in grams for every scanned item"
    )
    p.add_argument("--signature-ref", help="signature reference for delivered")
    p.add_argument("--input", help="file of raw scans, one per line (default: stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_hub(p)
    p.set_defaults(func=cmd_scan)


def cmd_scan(args: argparse.Namespace) -> int:
    """Record each line; exit 0 when every line was recorded, 1 when any was refused."""
    kind = EventKind(args.event)
    if kind.needs_reason and not args.reason:
        # Recorded as such rather than guessed: customer service sees that no reason was given.
        args.reason = "UNSPECIFIED"
        print(f"note: no --reason given; {kind} scans are recorded with reason UNSPECIFIED", file=sys.stderr)
    with open_station(args) as station:
        desk = Desks(station, hub_of(args, station)).scan
        args.operator = acting_operator(args, station)  # once: a batch of scans is one operator's
        if args.input:
            with open(args.input, "rb") as stream:
                refused = _run(desk, stream, kind, args)
        else:
            refused = _run(desk, sys.stdin.buffer, kind, args)
    return ExitCode.REFUSED if refused else ExitCode.DONE


def _run(desk: ScanDesk, stream: BinaryIO, kind: EventKind, args: argparse.Namespace) -> int:
    refused = 0
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return refused
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            dropped = len(line)
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                dropped += len(rest)  # the rest of an endless line is read and dropped, never held in memory
            shown = classify(line[:60]).raw if line[:60].strip() else ""
            reason = (
                f"scanner line of {dropped + len(rest):,} bytes without a line end"
                " (binary data or a stuck scanner)"
            )
            refused += answer(Outcome.refused(f"{reason}: {shown}..." if shown else reason), args.json)
            continue
        if not line.strip(b"\r\n"):
            continue  # a blank line between batches is not a scan
        outcome = desk.record(
            line,
            kind,
            facility=args.facility,
            operator=args.operator,
            container_id=args.sack,
            weight_g=args.weight_g,
            reason=args.reason,
            signature_ref=args.signature_ref,
        )
        # Printed (and flushed) only after the commit: a reader of this stream may rely on it.
        refused += answer(outcome, args.json)
