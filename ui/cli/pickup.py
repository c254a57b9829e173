"""`station hold|pickup|return-to-sender` and `station report held`: the office's pickup shelf."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from station.desks.factory import Desks
from station.desks.outcome import Outcome
from station.desks.pickup import ID_KINDS
from station.errors import ExitCode
from station.items.delivery import SignatureRefused, load_signature
from ui.cli.common import (
    Subcommands,
    add_json,
    add_where,
    answer,
    day_argument,
    group,
    open_station,
    printable,
    where,
)


def register(sub: Subcommands) -> None:
    """Add the pickup shelf's commands."""
    hold = sub.add_parser("hold", help="put an item on the office's pickup shelf (and make its pickup code)")
    hold.add_argument("item", metavar="ITEM")
    hold.add_argument("--shelf", required=True, help="where on the shelf, e.g. A3")
    hold.set_defaults(func=cmd_hold)
    pickup = sub.add_parser(
        "pickup",
        help="hand a held item to its addressee: ID checked, and the pickup code or a signature",
        epilog=f"ID kinds: {', '.join(ID_KINDS)}; only the last 4 characters of the number are kept",
    )
    pickup.add_argument("item", metavar="ITEM|CARD", help="the item's or the notice card's barcode")
    pickup.add_argument(
        "--id", dest="id_document", required=True, metavar="KIND:LAST4", help="e.g. passport:1234"
    )
    pickup.add_argument("--code", help="the pickup code on the card or in the text")
    pickup.add_argument("--signature", type=Path, help="the pad's .png, or .json strokes")
    pickup.add_argument("--name", default="", help="who collects it, as they print it (with --signature)")
    pickup.set_defaults(func=cmd_pickup)
    back = sub.add_parser("return-to-sender", help="not collected: back to its sender, with a label")
    back.add_argument("item", metavar="ITEM")
    back.add_argument("--to", default="", help="the sender's address, for an item accepted elsewhere")
    back.set_defaults(func=cmd_return_to_sender)
    for p in (hold, pickup, back):
        add_where(p)
        add_json(p)
    reports = group(sub, "report", "performance, inventory, reconciliation and staffing from history")
    held = reports.add_parser(
        "held", help="items waiting for pickup here, with their age; overdue ones first"
    )
    held.add_argument(
        "--find", default="", metavar="NAME", help="only those whose addressee's name holds NAME"
    )
    held.add_argument(
        "--on",
        type=day_argument,
        metavar="YYYY-MM-DD",
        help="ages and what is due as of that day (default: today)",
    )
    add_where(held)
    add_json(held)
    held.set_defaults(func=cmd_report_held)


def cmd_hold(args: argparse.Namespace) -> int:
    """On the shelf."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).pickup.hold(args.item, args.shelf, facility=facility, operator=operator)
    return answer(done, args.json)


def cmd_pickup(args: argparse.Namespace) -> int:
    """Handed over, or refused (a wrong code counts)."""
    signature = None
    if args.signature is not None:
        try:
            signature = load_signature(args.signature)
        except SignatureRefused as exc:
            return answer(Outcome.refused(str(exc), args.item), args.json)
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).pickup.release(
            args.item,
            id_document=args.id_document,
            code=args.code,
            signature=signature,
            name=args.name,
            facility=facility,
            operator=operator,
        )
    return answer(done, args.json)


def cmd_return_to_sender(args: argparse.Namespace) -> int:
    """Returned, with its label printed."""
    to = tuple(part.strip() for part in args.to.split(",") if part.strip())
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).pickup.return_to_sender(args.item, facility=facility, operator=operator, to=to)
    return answer(done, args.json)


def cmd_report_held(args: argparse.Namespace) -> int:
    """One line per held item: shelf, item, since, age, until, and RETURN DUE when overdue."""
    with open_station(args) as station:
        facility, _ = where(args, station)
        desk = Desks(station).pickup
        held = desk.find(args.find, facility) if args.find else desk.held(facility)
        today = args.on or station.today()
    held.sort(key=lambda h: (not h.overdue(today), h.since))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "item": h.item_id,
                        "shelf": h.shelf,
                        "since": h.since.isoformat(),
                        "age_days": h.age_days(today),
                        "until": h.until.isoformat(),
                        "return_due": h.overdue(today),
                    }
                    for h in held
                ]
            )
        )
        return ExitCode.DONE
    if not held:
        print(f"nothing waits for pickup at {facility}" + (f" for {args.find!r}" if args.find else ""))
        return ExitCode.DONE
    for h in held:
        due = "  RETURN DUE: station return-to-sender" if h.overdue(today) else ""
        print(
            printable(
                f"{h.shelf:<6} {h.item_id:<22} since {h.since:%d %b} ({h.age_days(today)} d)"
                f"  until {h.until:%d %b}{due}"
            )
        )
    overdue = sum(h.overdue(today) for h in held)
    print(f"{len(held)} held, {overdue} to return to their senders")
    return ExitCode.DONE
