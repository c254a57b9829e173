"""`station locker deposit|open|status|expired|retrieve|mend`: the parcel lockers and their lock board."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager

from station.app import Station
from station.desks.lockers import LockerDesk
from station.errors import ExitCode
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
    """Add `locker`."""
    lk = group(sub, "locker", "parcel lockers: deposit an item, open a door by code, see the doors")
    dep = lk.add_parser(
        "deposit", help="put an item into a free door of its size; its addressee is texted a code"
    )
    dep.add_argument("item", metavar="ITEM")
    dep.add_argument(
        "--size", required=True, choices=["S", "M", "L", "s", "m", "l"], help="the parcel's size"
    )
    dep.set_defaults(func=cmd_deposit)
    code = lk.add_parser("open", help="the addressee's code, as typed at the locker's keypad")
    code.add_argument("code", metavar="CODE")
    code.set_defaults(func=cmd_open)
    st = lk.add_parser("status", help="every door: size, what it holds, until when, and its sensor")
    st.set_defaults(func=cmd_status)
    ex = lk.add_parser("expired", help="items not collected in time: the office takes them back")
    ex.add_argument("--on", type=day_argument, metavar="YYYY-MM-DD", help="as of that day (default: today)")
    ex.set_defaults(func=cmd_expired)
    back = lk.add_parser("retrieve", help="the office takes an item out (expired, or behind a stuck door)")
    back.add_argument("item", metavar="ITEM")
    back.add_argument("--by-key", action="store_true", help="the door was opened with the engineer's key")
    back.set_defaults(func=cmd_retrieve)
    screen = lk.add_parser(
        "screen", help="the locker's own screen: the addressee types their code, the door opens"
    )
    screen.set_defaults(func=cmd_screen)
    mend = lk.add_parser("mend", help="a door the engineer mended is used again")
    mend.add_argument("door", type=int, metavar="DOOR")
    mend.set_defaults(func=cmd_mend)
    for p in (dep, code, st, ex, back, mend, screen):
        add_where(p)
        add_json(p)


@contextmanager
def _desk(station: Station) -> Iterator[LockerDesk]:
    from hardware.registry import open_locker

    board = open_locker(station.config.devices.locker)
    try:
        yield LockerDesk(station, board)
    finally:
        if board is not None:
            board.close()


def cmd_screen(args: argparse.Namespace) -> int:
    """The keypad window, until it is closed."""
    from ui.locker_window import run_locker

    with open_station(args) as station, _desk(station) as desk:
        return run_locker(desk)


def cmd_deposit(args: argparse.Namespace) -> int:
    """In a door, or refused."""
    with open_station(args) as station, _desk(station) as desk:
        facility, operator = where(args, station)
        done = desk.deposit(args.item, args.size, facility=facility, operator=operator)
    return answer(done, args.json)


def cmd_open(args: argparse.Namespace) -> int:
    """The keypad."""
    with open_station(args) as station, _desk(station) as desk:
        done = desk.collect(args.code)
    return answer(done, args.json)


def cmd_retrieve(args: argparse.Namespace) -> int:
    """Back at the office."""
    with open_station(args) as station, _desk(station) as desk:
        facility, operator = where(args, station)
        done = desk.retrieve(args.item, facility=facility, operator=operator, by_key=args.by_key)
    return answer(done, args.json)


def cmd_mend(args: argparse.Namespace) -> int:
    """In use again."""
    with open_station(args) as station, _desk(station) as desk:
        done = desk.mend(args.door)
    return answer(done, args.json)


def cmd_status(args: argparse.Namespace) -> int:
    """One line per door; exit 1 when a door is left open or out of order, or the board is silent."""
    with open_station(args) as station, _desk(station) as desk:
        doors = desk.status()
        today = station.today()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "door": d.door.door,
                        "size": d.door.size,
                        "state": str(d.door.state),
                        "item": d.door.item_id,
                        "until": d.door.until.isoformat() if d.door.until else None,
                        "sensor_open": d.sensor_open,
                    }
                    for d in doors
                ]
            )
        )
    trouble = 0
    for d in doors:
        sensor = {None: "sensor ?", True: "OPEN", False: "closed"}[d.sensor_open]
        held = f"{d.door.item_id} until {d.door.until:%d %b}" if d.door.item_id and d.door.until else "empty"
        late = "  EXPIRED" if d.door.until is not None and today > d.door.until else ""
        flag = "  CLOSE IT" if d.left_open else ""
        if d.door.state.value == "out-of-order":
            flag += "  OUT OF ORDER"
        trouble += bool(flag)
        if not args.json:
            print(printable(f"door {d.door.door:>2} {d.door.size}  {sensor:<8} {held}{late}{flag}"))
    silent = any(d.sensor_open is None for d in doors)
    if silent and not args.json:
        print("the lock board does not answer: the sensors are not known")
    return ExitCode.REFUSED if trouble or silent else ExitCode.DONE


def cmd_expired(args: argparse.Namespace) -> int:
    """Items past their day, one per line."""
    with open_station(args) as station, _desk(station) as desk:
        late = desk.expired(args.on or station.today())
    for door in late:
        said = f"door {door.door:>2} {door.item_id} until {door.until}"
        print(printable(f"{said}: station locker retrieve {door.item_id}"))
    if not late:
        print("no locker item is past its day")
    return ExitCode.DONE
