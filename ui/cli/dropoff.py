"""`station dropoff`: prepaid pieces taken in, nothing charged, one drop-off receipt for the visit."""

from __future__ import annotations

import argparse

from station.desks.dropoff import TakenIn
from station.desks.factory import Desks
from station.errors import ExitCode
from station.model.inputs import parse_weight_g
from ui.cli.common import Subcommands, add_json, add_where, answer, open_station, where


def register(sub: Subcommands) -> None:
    """Add `dropoff`."""
    d = sub.add_parser(
        "dropoff",
        help="take in prepaid pieces (another provider's label, or this network's indicia): nothing charged",
        epilog="one drop-off receipt lists the pieces taken in and the time",
    )
    d.add_argument("items", nargs="+", metavar="ITEM|INDICIA", help="tracking barcodes or indicia codes")
    d.add_argument("--weight", help="the piece's weight (one piece), e.g. 1.2kg or 2lb 3oz")
    d.add_argument(
        "--indicia", metavar="PAYLOAD", help="this network's indicia beside the item's barcode (one piece)"
    )
    d.add_argument("--no-receipt", action="store_true", help="no drop-off receipt")
    add_where(d)
    add_json(d)
    d.set_defaults(func=cmd_dropoff)


def cmd_dropoff(args: argparse.Namespace) -> int:
    """Each piece taken in or refused; exit 1 when any was refused."""
    if (args.weight or args.indicia) and len(args.items) > 1:
        print("error: --weight and --indicia describe one piece: give one ITEM with them")
        return ExitCode.USAGE
    try:
        weight = parse_weight_g(args.weight) if args.weight else None
    except ValueError as exc:
        print(f"error: {exc}")
        return ExitCode.USAGE
    refused = 0
    taken: list[TakenIn] = []
    with open_station(args) as station:
        facility, operator = where(args, station)
        desk = Desks(station).dropoff
        for item in args.items:
            done = desk.take_in(
                item, facility=facility, operator=operator, weight_g=weight, indicia=args.indicia
            )
            refused += answer(done, args.json)
            if done.ok and done.id:
                taken.append(TakenIn(done.id, str(done.details["postage"]), weight))
        if taken and not args.no_receipt:
            answer(desk.receipt(taken, clerk=operator), args.json)
    return ExitCode.REFUSED if refused else ExitCode.DONE
