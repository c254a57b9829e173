"""`station sender add|list|find`: known senders and business customers, offered at the counter."""

from __future__ import annotations

import argparse
import json

from station.desks.senders import SendersDesk
from station.errors import ExitCode
from station.model.inputs import address_lines
from ui.cli.common import Subcommands, add_json, answer, group, open_station, printable


def register(sub: Subcommands) -> None:
    """Add `sender`."""
    s = group(sub, "sender", "known senders: kept at the station, offered at the counter as the clerk types")
    add = s.add_parser("add", help="keep a sender: 'Name|street|town ZIP'")
    add.add_argument(
        "address", metavar="ADDRESS", help="their name, then the lines of their address, | between"
    )
    add.add_argument("--account", help="a business customer's account, e.g. ACME-0042")
    add.add_argument("--business", action="store_true", help="a business customer")
    add.set_defaults(func=cmd_add)
    ls = s.add_parser("list", help="every known sender, the most used first")
    ls.set_defaults(func=cmd_find, text="")
    find = s.add_parser("find", help="senders whose name holds TEXT, or whose account it is")
    find.add_argument("text", metavar="TEXT")
    find.set_defaults(func=cmd_find)
    for p in (add, ls, find):
        add_json(p)


def cmd_add(args: argparse.Namespace) -> int:
    """Kept, or refused in one line."""
    with open_station(args) as station:
        done = SendersDesk(station).add(
            address_lines(args.address), account=args.account, business=args.business
        )
    return answer(done, args.json)


def cmd_find(args: argparse.Namespace) -> int:
    """One line each; exit 1 when none matched."""
    with open_station(args, read_only=True) as station:
        found = SendersDesk(station).find(args.text)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "lines": list(s.lines),
                        "account": s.account,
                        "business": s.business,
                        "uses": s.uses,
                    }
                    for s in found
                ],
                ensure_ascii=False,
            )
        )
    else:
        for s in found:
            account = f"  [{s.account}]" if s.account else ""
            print(printable(f"{s.id:>4}  {s.one_line}{account}  ({s.uses} sent)"))
        if not found:
            print("no known sender" + (f" for {args.text!r}" if args.text else ""))
    return ExitCode.DONE if found else ExitCode.REFUSED
