"""`station case open|list|show|note|resolve`: customer service's inquiries and disputes."""

from __future__ import annotations

import argparse
import json

from station.desks.factory import Desks
from station.desks.outcome import Outcome
from station.errors import ExitCode
from station.model.localtime import shown_text
from station.office.cases import CaseKind
from ui.cli.common import (
    RECORD_NUMBER,
    Subcommands,
    add_hub,
    add_json,
    add_where,
    answer,
    group,
    hub_of,
    open_station,
    printable,
    where,
)


def register(sub: Subcommands) -> None:
    """Add `case`."""
    c = group(sub, "case", "customer service: an inquiry or a dispute about one item")
    o = c.add_parser("open", help="a new case about an item")
    o.add_argument("item", metavar="ITEM")
    o.add_argument("--kind", required=True, choices=[k.value for k in CaseKind])
    o.add_argument("--note", required=True, help="what the customer reports")
    add_where(o)
    add_hub(o)
    add_json(o)
    o.set_defaults(func=cmd_open)
    ls = c.add_parser("list", help="cases, the soonest due first")
    ls.add_argument("--open", action="store_true", help="only the open and waiting ones")
    add_json(ls)
    ls.set_defaults(func=cmd_list)
    s = c.add_parser("show", help="the case, the item's history, its proof of delivery and its texts")
    s.add_argument("case", type=RECORD_NUMBER, metavar="N")
    add_hub(s)
    add_json(s)
    s.set_defaults(func=cmd_show)
    for verb in ("note", "resolve"):
        p = c.add_parser(verb, help="add a note" if verb == "note" else "resolved, saying how")
        p.add_argument("case", type=RECORD_NUMBER, metavar="N")
        p.add_argument("--note", required=True)
        if verb == "note":
            p.add_argument("--waiting", action="store_true", help="the case now waits for someone")
        add_where(p)
        add_json(p)
        p.set_defaults(func=cmd_resolve if verb == "resolve" else cmd_note)


def cmd_open(args: argparse.Namespace) -> int:
    """Exit 0 with the case number, 1 when refused."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station, hub_of(args, station)).cases.open(
            args.item, args.kind, args.note, facility=facility, operator=operator
        )
    return answer(done, args.json)


def cmd_list(args: argparse.Namespace) -> int:
    """One line per case."""
    with open_station(args, read_only=True) as station:
        found = Desks(station).cases.listing(open_only=args.open)
        now, zone = station.clock(), station.config.time_zone
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "item": c.item_id,
                        "kind": str(c.kind),
                        "state": str(c.state),
                        "due_at": c.due_at,
                        "overdue": c.overdue(now),
                    }
                    for c in found
                ]
            )
        )
        return ExitCode.DONE
    for c in found:
        late = "  OVERDUE" if c.overdue(now) else ""
        due = shown_text(c.due_at, zone)
        print(printable(f"{c.id:>5}  {c.item_id:<22} {c.kind:<19} {c.state:<9} due {due}{late}"))
    if not found:
        print("no cases")
    return ExitCode.DONE


def cmd_show(args: argparse.Namespace) -> int:
    """The whole case file."""
    with open_station(args, read_only=True) as station:
        made = Desks(station, hub_of(args, station)).cases.show(args.case)
        zone = station.config.time_zone
    if isinstance(made, Outcome):
        return answer(made, args.json)
    if args.json:
        print(json.dumps(made.to_json(), ensure_ascii=False))
        return ExitCode.DONE
    c = made.case
    print(printable(f"case {c.id}: {c.item_id}  {c.kind}  {c.state}  due {shown_text(c.due_at, zone)}"))
    for n in c.notes:
        print(printable(f"  {shown_text(n.at, zone)}  {n.author}: {n.note}"))
    if made.report is not None:
        print(f"status: {made.report.status.label if made.report.status else '-'}")
        for hit in made.report.history:
            e = hit.event
            who = f"{e.facility} ({e.station_id}/{e.operator})"
            print(printable(f"  {e.occurred_at:%Y-%m-%d %H:%M}  {e.kind:<17} {who}"))
    print(f"proof of delivery: {made.proof_of_delivery or 'none'}")
    if made.door_photo is not None:
        trusted = (
            f"DOES NOT HOLD: {made.door_photo_problem}"
            if made.door_photo_problem
            else "matches its event's hash"
        )
        print(printable(f"door photo: {made.door_photo} ({trusted})"))
    for text in made.texts:
        print(printable(f"  text {text['template']} ({text['state']}): {text['body']}"))
    return ExitCode.DONE


def cmd_note(args: argparse.Namespace) -> int:
    """Exit 0 when noted."""
    with open_station(args) as station:
        _facility, operator = where(args, station)
        done = Desks(station).cases.note(args.case, args.note, operator=operator, waiting=args.waiting)
    return answer(done, args.json)


def cmd_resolve(args: argparse.Namespace) -> int:
    """Exit 0 when resolved."""
    with open_station(args) as station:
        _facility, operator = where(args, station)
        done = Desks(station).cases.resolve(args.case, args.note, operator=operator)
    return answer(done, args.json)
