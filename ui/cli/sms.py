"""`station sms subscribe | inbound | outbox` (`sms worker` and `sms serve` talk to gateways: they are
in `ui/cli/sms_gateway.py`)."""

from __future__ import annotations

import argparse
import json
import sys

from station.errors import ExitCode
from station.notify.consent import handle_inbound, subscribe
from station.notify.outbox import listing
from station.notify.phone import InvalidPhone
from ui.cli.common import Subcommands, group, open_station, printable


def register(sub: Subcommands) -> None:
    """Add `sms subscribe|inbound|outbox`."""
    a = group(sub, "sms", "customer text messages")
    s = a.add_parser("subscribe", help="follow an item by SMS (asks the customer to reply YES)")
    s.add_argument("item")
    s.add_argument("--phone", required=True)
    s.set_defaults(func=cmd_subscribe)
    i = a.add_parser("inbound", help="an inbound text, through the same handler the gateways use")
    i.add_argument("--from", dest="phone", required=True)
    i.add_argument("--body", required=True)
    i.set_defaults(func=cmd_inbound)
    o = a.add_parser("outbox", help="every message with its state")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=cmd_outbox)


def cmd_subscribe(args: argparse.Namespace) -> int:
    """What the counter does when the customer gives a number."""
    with open_station(args) as station:
        try:
            state = subscribe(station, args.item.strip().upper(), args.phone)
        except InvalidPhone as exc:
            print(f"REFUSED: {exc}", file=sys.stderr)
            return ExitCode.REFUSED
    print(f"{args.item}: {state}" + (" (asked to reply YES)" if state == "pending" else ""))
    return ExitCode.DONE


def cmd_inbound(args: argparse.Namespace) -> int:
    """Handle one inbound text."""
    with open_station(args) as station:
        try:
            result = handle_inbound(station, args.phone, args.body, source="cli")
        except InvalidPhone as exc:
            print(f"REFUSED: {exc}", file=sys.stderr)
            return ExitCode.REFUSED
    print(f"{result.phone}: {result.action}" + (f", reply {result.reply}" if result.reply else ""))
    return ExitCode.DONE


def cmd_outbox(args: argparse.Namespace) -> int:
    """List the outbox."""
    with open_station(args, read_only=True) as station, station.db.reading() as conn:
        rows = listing(conn)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            head = f"{r['id']:>5} {r['state']:<9} {r['phone']:<14} {r['item_id']:<22} {r['template']:<16}"
            print(printable(f"{head} {r['body']}"))
    return ExitCode.DONE
