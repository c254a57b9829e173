"""A bank of parcel lockers: the owner of the `locker_doors` and `locker_tries` tables, and the port its
lock board is driven through.

Each door has a size (S, M, L) and holds at most one item, with the day it leaves for the office if
nobody collects it. Which doors exist and their sizes are the station's setting (`locker_doors`, e.g.
"1-8:S 9-16:M 17-24:L"); a door that did not open when told is out of order until the office mends it.
The board is the hardware's (`hardware/lockers`): this module only names what it must do, so the domain
never opens a serial port.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from station.errors import Fault, Refused

SCHEMA_V24 = """
CREATE TABLE IF NOT EXISTS locker_doors (
    door      INTEGER PRIMARY KEY,
    size      TEXT NOT NULL CHECK (size IN ('S', 'M', 'L')),
    state     TEXT NOT NULL,
    item_id   TEXT UNIQUE,
    since     TEXT,
    until     TEXT
);
CREATE TABLE IF NOT EXISTS locker_tries (
    at        TEXT NOT NULL,
    ok        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS locker_tries_by_time ON locker_tries (at);
"""
SIZES = ("S", "M", "L")
LAYOUT = re.compile(r"^(\d+)(?:-(\d+))?:([SML])$")
WRONG_CODES = 5  # this many wrong codes at the keypad within WRONG_WINDOW lock it for WRONG_WINDOW
WRONG_WINDOW = timedelta(minutes=10)


class DoorState(StrEnum):
    """What a door is doing for the office."""

    FREE = "free"
    OCCUPIED = "occupied"
    OUT_OF_ORDER = "out-of-order"  # told to open and did not: the office checks it


class LockerLayoutError(Refused):
    """The `locker_doors` setting cannot be read; the message shows the form."""


class BoardSilent(Fault):
    """The lock board did not answer (unplugged, no power, a wrong address)."""


class BoardPort(Protocol):
    """What the station asks of a lock board."""

    def open_door(self, door: int) -> bool:
        """Pulse the door's lock; True when its sensor then says open (False: it stuck). Raises
        BoardSilent when the board does not answer."""
        ...

    def open_doors(self) -> set[int]:
        """The doors whose sensors say open now. Raises BoardSilent."""
        ...


@dataclass(frozen=True, slots=True)
class Door:
    """One door now."""

    door: int
    size: str
    state: DoorState
    item_id: str | None
    since: datetime | None
    until: date | None


def parse_layout(text: str) -> dict[int, str]:
    """`1-8:S 9-16:M 17-24:L` -> {door: size}."""
    doors: dict[int, str] = {}
    for part in text.split():
        found = LAYOUT.match(part.strip().upper())
        if found is None:
            raise LockerLayoutError(
                f"locker_doors: {part!r} is not FIRST-LAST:SIZE (e.g. 1-8:S 9-16:M 17-24:L)"
            )
        first, last = int(found.group(1)), int(found.group(2) or found.group(1))
        if not 1 <= first <= last <= 96:
            raise LockerLayoutError(f"locker_doors: {part!r}: doors are numbered 1 to 96")
        for door in range(first, last + 1):
            if door in doors:
                raise LockerLayoutError(f"locker_doors: door {door} is named twice")
            doors[door] = found.group(3)
    if not doors:
        raise LockerLayoutError("locker_doors is empty: say which doors exist (e.g. 1-8:S 9-16:M 17-24:L)")
    return doors


def install(conn: sqlite3.Connection, layout: dict[int, str]) -> None:
    """Make the doors the layout names (a door already known keeps its state and item)."""
    conn.executemany(
        "INSERT INTO locker_doors (door, size, state) VALUES (?,?,?)"
        " ON CONFLICT (door) DO UPDATE SET size = excluded.size",
        [(door, size, DoorState.FREE) for door, size in sorted(layout.items())],
    )


def doors(conn: sqlite3.Connection) -> list[Door]:
    """Every door, by number."""
    rows = conn.execute("SELECT door, size, state, item_id, since, until FROM locker_doors ORDER BY door")
    return [
        Door(
            int(d),
            str(size),
            DoorState(state),
            str(item) if item else None,
            datetime.fromisoformat(since) if since else None,
            date.fromisoformat(until) if until else None,
        )
        for d, size, state, item, since, until in rows
    ]


def free_door(conn: sqlite3.Connection, size: str, skip: set[int]) -> int | None:
    """The first free door of `size`, else of the next size up (a small parcel fits a big door)."""
    for fitting in SIZES[SIZES.index(size) :]:
        row = conn.execute(
            "SELECT door FROM locker_doors WHERE state = ? AND size = ? ORDER BY door",
            (DoorState.FREE, fitting),
        ).fetchall()
        for (door,) in row:
            if int(door) not in skip:
                return int(door)
    return None


def claim_free(conn: sqlite3.Connection, size: str, skip: set[int], item_id: str) -> int | None:
    """Take the first free door of `size` (or bigger) for `item_id` before it is opened (inside the
    caller's write transaction: two carriers at once never get one door)."""
    door = free_door(conn, size, skip)
    if door is not None:
        conn.execute(
            "UPDATE locker_doors SET state = ?, item_id = ? WHERE door = ? AND state = ?",
            (DoorState.OCCUPIED, item_id, door, DoorState.FREE),
        )
    return door


def door_of(conn: sqlite3.Connection, item_id: str) -> Door | None:
    """The door holding `item_id`."""
    return next((d for d in doors(conn) if d.item_id == item_id), None)


def occupy(conn: sqlite3.Connection, door: int, item_id: str, since: datetime, until: date) -> None:
    """The item is in the door it claimed."""
    conn.execute(
        "UPDATE locker_doors SET since = ?, until = ? WHERE door = ? AND item_id = ?",
        (since.isoformat(), until.isoformat(), door, item_id),
    )


def release(conn: sqlite3.Connection, door: int) -> None:
    """The door is empty again (its item collected or taken back)."""
    conn.execute(
        "UPDATE locker_doors SET state = ?, item_id = NULL, since = NULL, until = NULL WHERE door = ?",
        (DoorState.FREE, door),
    )


def out_of_order(conn: sqlite3.Connection, door: int, *, empty: bool = False) -> None:
    """The door did not open: nobody is sent to it until the office mends it (its item stays named,
    unless `empty`: the door was claimed for a deposit that never went in)."""
    if empty:
        conn.execute(
            "UPDATE locker_doors SET state = ?, item_id = NULL, since = NULL, until = NULL WHERE door = ?",
            (DoorState.OUT_OF_ORDER, door),
        )
    else:
        conn.execute("UPDATE locker_doors SET state = ? WHERE door = ?", (DoorState.OUT_OF_ORDER, door))


def mended(conn: sqlite3.Connection, door: int) -> None:
    """The office mended the door: free, or occupied if it still holds its item."""
    conn.execute(
        "UPDATE locker_doors SET state = CASE WHEN item_id IS NULL THEN ? ELSE ? END WHERE door = ?",
        (DoorState.FREE, DoorState.OCCUPIED, door),
    )


def keypad_locked(conn: sqlite3.Connection, now: datetime) -> bool:
    """Too many wrong codes at the keypad lately: it takes none for a while (a guesser gets 5 tries in
    10 minutes, not a million)."""
    since = (now - WRONG_WINDOW).isoformat()
    (wrong,) = conn.execute("SELECT count(*) FROM locker_tries WHERE at >= ? AND ok = 0", (since,)).fetchone()
    return int(wrong) >= WRONG_CODES


def record_try(conn: sqlite3.Connection, now: datetime, ok: bool) -> None:
    """A code typed at the keypad (a right one clears the count of wrong ones before it)."""
    if ok:
        conn.execute("DELETE FROM locker_tries")
    conn.execute("INSERT INTO locker_tries (at, ok) VALUES (?, ?)", (now.isoformat(), int(ok)))
