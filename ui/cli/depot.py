"""`station sack new|open|close|dispatch|receive|remove`: the depot desk's use cases."""

from __future__ import annotations

import argparse

from station.desks.factory import Desks
from ui.cli.common import (
    Subcommands,
    add_hub,
    add_json,
    add_where,
    answer,
    group,
    hub_of,
    open_station,
    where,
)


def register(sub: Subcommands) -> None:
    """Add `sack`."""
    sack = group(sub, "sack", "sacks (receptacles): new, close, dispatch, receive, remove an item")
    new = sack.add_parser("new", help="a new sack: prints OK <SSCC> and its tag goes to the printer")
    new.add_argument("--destination", help="ZIP prefix the sack is for, e.g. 941: other items are refused")
    new.set_defaults(func=cmd_new)
    for name, verb, help in (
        ("open", "open_sack", "open a sack by its tag (a pre-printed tag is registered): OK when open"),
        ("close", "close", "close the sack; its tag shows the count and weight the journal holds"),
        ("dispatch", "dispatch", "the sack leaves this office"),
        ("receive", "receive", "the sack arrives at this office"),
    ):
        p = sack.add_parser(name, help=help)
        p.add_argument("sscc", metavar="SSCC", help="the sack's tag, as printed or scanned")
        p.set_defaults(func=cmd_sack_action, verb=verb)
        if name == "open":
            p.add_argument("--destination", help="for a new tag: the ZIP prefix the sack is for")
        if name == "receive":
            add_hub(p)  # a sack from another depot: its contents from the network
    remove = sack.add_parser("remove", help="take an item out of an open sack")
    remove.add_argument("sscc", metavar="SSCC")
    remove.add_argument("item", metavar="ITEM")
    remove.set_defaults(func=cmd_remove)
    for p in sack.choices.values():
        add_where(p)
        add_json(p)


def cmd_new(args: argparse.Namespace) -> int:
    """A new sack."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).depot.new_sack(
            facility=facility, operator=operator, destination=args.destination
        )
    return answer(done, args.json)


def cmd_sack_action(args: argparse.Namespace) -> int:
    """open / close / dispatch / receive."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        desk = Desks(station, hub_of(args, station)).depot
        if args.verb == "open_sack":
            done = desk.open_sack(
                args.sscc, facility=facility, operator=operator, destination=args.destination
            )
        else:
            done = getattr(desk, args.verb)(args.sscc, facility=facility, operator=operator)
    return answer(done, args.json)


def cmd_remove(args: argparse.Namespace) -> int:
    """An item out of its sack."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).depot.remove(args.sscc, args.item, facility=facility, operator=operator)
    return answer(done, args.json)
