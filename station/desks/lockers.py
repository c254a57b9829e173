"""The parcel lockers: an item deposited into a free door of its size (the addressee texted a code),
the code typed at the locker's keypad opening that door, and the paths when something goes wrong: a
door left open, a door that did not open, a board that does not answer, an item nobody collected.

Every time the station tells a door to open it journals it (`locker-open`, with the door, why, and
whether the sensor then said open), so the office can account for each opening. The item's own events
are the usual ones: `held` (in the locker, until when), `picked-up` at the locker, or `delivery-office`
when the office takes it back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from station.app import Station
from station.desks.outcome import Outcome
from station.desks.pickup import card_item, hold_days
from station.errors import Refused
from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.items import containers, lockers, pickups
from station.items.delivery import Receiver
from station.items.lockers import BoardPort, BoardSilent, Door, DoorState
from station.model.events import EventKind
from station.model.states import ItemStatus
from station.notify import outbox

LOCKER_OPERATOR = "locker"  # who acts at the keypad: the addressee, nobody signed in
MAX_DOORS_TRIED = 3
NO_BOARD = "no lock board is set: [devices] locker = lockboard:///dev/ttyUSB0?board=1&doors=24"


@dataclass(frozen=True, slots=True)
class DoorNow:
    """A door as the journal knows it and as its sensor says now (None: the board was not asked)."""

    door: Door
    sensor_open: bool | None

    @property
    def left_open(self) -> bool:
        """Open with nothing to take out, or open after its item was put in: someone must close it."""
        return bool(self.sensor_open)


class LockerDesk:
    """The bank of lockers of this station, through its lock board."""

    def __init__(self, station: Station, board: BoardPort | None) -> None:
        self.station = station
        self.board = board
        layout = station.config.locker_doors
        if not layout.strip():
            raise Refused("this station has no lockers: set [station] locker_doors and [devices] locker")
        self.layout = lockers.parse_layout(layout)
        with station.db.transaction() as conn:
            lockers.install(conn, self.layout)

    def _board(self) -> BoardPort:
        if self.board is None:
            raise Refused(
                "no lock board is set: [devices] locker = lockboard:///dev/ttyUSB0?board=1&doors=24"
            )
        return self.board

    def _opened(
        self, conn: sqlite3.Connection, item: str, door: int, why: str, opened: bool, operator: str
    ) -> None:
        """Journal one command to a door and what its sensor said."""
        self.station.journal.append_in(
            conn,
            self.station.event(
                item,
                EventKind.LOCKER_OPEN,
                self.station.config.facility,
                operator,
                note=f"door {door} {'opened' if opened else 'did NOT open'} ({why})",
                extra={"door": door, "why": why, "opened": opened},
            ),
        )

    def _try_open(self, item: str, door: int, why: str, operator: str) -> bool:
        """Open `door` (twice if it sticks), journalling each command. BoardSilent passes through."""
        board = self._board()
        for _ in range(2):
            opened = board.open_door(door)
            with self.station.db.transaction() as conn:
                self._opened(conn, item, door, why, opened, operator)
            if opened:
                return True
        return False

    # --- the carrier or the office puts an item in -------------------------------------------------
    def deposit(self, raw: str, size: str, *, facility: str, operator: str) -> Outcome:
        """Into a free door of `size` (or bigger); the addressee is texted a code. A door that does not
        open is put out of order and the next one tried."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        if self.board is None:
            return Outcome.refused(NO_BOARD, item)
        size = size.strip().upper()
        if size not in lockers.SIZES:
            return Outcome.refused("the parcel's size is S, M or L", item)
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
            already = lockers.door_of(conn, item)
        if already is not None:
            return Outcome.refused(f"{item} is in door {already.door} already", item)
        if known is not None and known.status in (
            ItemStatus.DELIVERED,
            ItemStatus.RETURNED,
            ItemStatus.VOIDED,
        ):
            return Outcome.refused(f"{item} is {known.status.label.lower()}: not for a locker", item)
        tried: set[int] = set()
        while len(tried) < MAX_DOORS_TRIED:
            with self.station.db.transaction() as conn:  # the door is this item's before it opens
                door = lockers.claim_free(conn, size, tried, item)
            if door is None:
                return Outcome.refused(f"no free {size} door (or bigger): keep {item} at the office", item)
            tried.add(door)
            try:
                opened = self._try_open(item, door, "deposit", operator)
            except BoardSilent as exc:
                with self.station.db.transaction() as conn:
                    lockers.release(conn, door)
                return Outcome.refused(f"{exc}: keep {item} at the office", item)
            if not opened:
                with self.station.db.transaction() as conn:
                    lockers.out_of_order(conn, door, empty=True)
                continue
            return self._put_in(item, door, facility, operator)
        return Outcome.refused(
            f"{len(tried)} doors did not open: keep {item} at the office and call the engineer", item
        )

    def _put_in(self, item: str, door: int, facility: str, operator: str) -> Outcome:
        now = self.station.clock()
        until = self.station.today() + timedelta(days=hold_days(None, locker=True))
        size = self.layout[door]
        with self.station.db.transaction() as conn:
            stored = self.station.journal.append_in(
                conn,
                self.station.event(
                    item,
                    EventKind.HELD,
                    facility,
                    operator,
                    note=f"in parcel locker door {door} ({size})",
                    extra={"locker": facility, "door": door, "until": until.isoformat()},
                ),
            )
            lockers.occupy(conn, door, item, now, until)
            code = pickups.issue(conn, self.station.paths.keys, item, now.isoformat())
            texted = outbox.text_code(self.station, conn, item, "locker_code", code)
        said = (
            f"; code texted to {texted}" if texted else "; NOBODY can be texted the code: print a notice card"
        )
        return Outcome(
            True,
            item,
            message=f"in door {door} ({size}) until {until:%a %d %b}: close the door{said}",
            stored=stored,
            details={"door": door, "until": until.isoformat(), "texted": texted},
        )

    # --- the addressee at the keypad ---------------------------------------------------------------
    def collect(self, code: str) -> Outcome:
        """The code typed at the keypad opens its door; five wrong codes in ten minutes lock the keypad."""
        if self.board is None:
            return Outcome.refused(NO_BOARD)
        now = self.station.clock()
        with self.station.db.transaction() as conn:
            if lockers.keypad_locked(conn, now):
                return Outcome.refused("too many wrong codes: the keypad takes none for 10 minutes")
            keys = self.station.paths.keys
            door = next(
                (
                    d
                    for d in lockers.doors(conn)
                    if d.item_id is not None
                    and d.state is DoorState.OCCUPIED
                    and pickups.matches(conn, keys, d.item_id, code)
                ),
                None,
            )
            if door is None:
                lockers.record_try(conn, now, ok=False)
                return Outcome.refused("that code opens no door here: check the text we sent you")
        assert door.item_id is not None
        item = door.item_id
        try:
            opened = self._try_open(item, door.door, "pickup", LOCKER_OPERATOR)
        except BoardSilent:
            return Outcome.refused("the locker is not answering: please try again in a minute", item)
        if not opened:
            with self.station.db.transaction() as conn:
                lockers.out_of_order(conn, door.door)
            return Outcome.refused(
                f"door {door.door} did not open: the office has been told. Collect your parcel at the counter"
                " with your code and ID",
                item,
                door=door.door,
            )
        with self.station.db.transaction() as conn:
            lockers.record_try(conn, now, ok=True)
            pickups.use(conn, item)
            stored = self.station.journal.append_in(
                conn,
                self.station.event(
                    item,
                    EventKind.PICKED_UP,
                    self.station.config.facility,
                    LOCKER_OPERATOR,
                    note=f"collected from parcel locker door {door.door} (locker code)",
                    extra={
                        "receiver": str(Receiver.ADDRESSEE),
                        "at": "locker",
                        "door": door.door,
                        "proof": "locker code",
                    },
                ),
            )
            lockers.release(conn, door.door)
        return Outcome(
            True,
            item,
            message=f"door {door.door} is open: take your parcel and close the door",
            stored=stored,
            details={"door": door.door},
        )

    # --- the office ---------------------------------------------------------------------------------
    def status(self) -> list[DoorNow]:
        """Every door, with its sensor when the board answers (a door left open shows here)."""
        with self.station.db.reading() as conn:
            all_doors = lockers.doors(conn)
        try:
            open_now: set[int] | None = self._board().open_doors() if self.board is not None else None
        except BoardSilent:
            open_now = None
        return [DoorNow(d, None if open_now is None else d.door in open_now) for d in all_doors]

    def expired(self, today: date) -> list[Door]:
        """Doors whose item waited past its day: the office takes them back."""
        with self.station.db.reading() as conn:
            return [d for d in lockers.doors(conn) if d.item_id and d.until is not None and today > d.until]

    def retrieve(self, raw: str, *, facility: str, operator: str, by_key: bool = False) -> Outcome:
        """The office takes an item back (not collected in time, or behind a door that did not open):
        the door opened by the board or, `by_key`, by the engineer's key; the item is at the office."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        with self.station.db.reading() as conn:
            door = lockers.door_of(conn, item)
        if door is None:
            return Outcome.refused(f"{item} is in no locker door here", item)
        if by_key:
            with self.station.db.transaction() as conn:
                self._opened(conn, item, door.door, "retrieve by key", True, operator)
        else:
            try:
                opened = self._try_open(item, door.door, "retrieve", operator)
            except BoardSilent as exc:
                return Outcome.refused(f"{exc}: open door {door.door} with the key (--by-key)", item)
            if not opened:
                with self.station.db.transaction() as conn:
                    lockers.out_of_order(conn, door.door)
                return Outcome.refused(
                    f"door {door.door} did not open: open it with the key (--by-key)", item
                )
        with self.station.db.transaction() as conn:
            stored = self.station.journal.append_in(
                conn,
                self.station.event(
                    item,
                    EventKind.DELIVERY_OFFICE,
                    facility,
                    operator,
                    note=f"taken back from parcel locker door {door.door}",
                ),
            )
            lockers.release(conn, door.door)
            if door.state is DoorState.OUT_OF_ORDER and by_key:
                lockers.out_of_order(conn, door.door)  # empty now, still broken: the engineer mends it
        return Outcome(
            True,
            item,
            message=f"out of door {door.door}, back at the office: hold it or return it",
            stored=stored,
        )

    def mend(self, door: int) -> Outcome:
        """A door the engineer mended is used again."""
        if door not in self.layout:
            return Outcome.refused(f"there is no door {door}")
        with self.station.db.transaction() as conn:
            lockers.mended(conn, door)
        return Outcome(True, None, message=f"door {door} is in use again")


def _item(raw: str) -> str | Outcome:
    found = classify(card_item(raw))
    if not isinstance(found, Identified):
        return Outcome.refused(found.reason)
    if found.kind not in ITEM_KINDS:
        return Outcome.refused(f"{found.id} is not an item: scan the parcel's barcode")
    return found.id
