"""The locker desk's rules against a lock board on a pseudo-terminal: which door an item gets, what each
refusal says, what the doors' table and the journal hold after each path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TypedDict

import pytest

from hardware.lockers.lockboard import LockBoard
from station.app import Station
from station.config import StationConfig
from station.desks.lockers import LockerDesk
from station.errors import Refused
from station.items import lockers, pickups
from station.items.lockers import DoorState, LockerLayoutError, parse_layout
from tests.pseudo_devices.lock_board import LockBoardEmulator

ITEMS = ("EE123456785US", "RR473124829GB", "CP000000005US")


class _Where(TypedDict):
    facility: str
    operator: str


WHERE: _Where = {"facility": "SFO", "operator": "joe"}


@pytest.fixture
def board(tmp_path: Path) -> Iterator[LockBoardEmulator]:
    emulator = LockBoardEmulator(tmp_path / "ttyLOCK")
    emulator.close_after = 0.0
    yield emulator
    emulator.stop()


@pytest.fixture
def desk(tmp_path: Path, board: LockBoardEmulator) -> Iterator[LockerDesk]:
    config = replace(StationConfig(facility="SFO"), locker_doors="1-2:S 3:M 4:L")
    driver = LockBoard(board.device.path, timeout=0.1)
    with Station.open(tmp_path / "s.sqlite3", config) as station:
        yield LockerDesk(station, driver)
    driver.close()


def _code(desk: LockerDesk, item: str) -> str:
    with desk.station.db.transaction() as conn:
        return pickups.issue(conn, desk.station.paths.keys, item, "now")


def _doors(desk: LockerDesk) -> dict[int, tuple[str, str | None]]:
    with desk.station.db.reading() as conn:
        return {d.door: (str(d.state), d.item_id) for d in lockers.doors(conn)}


def test_the_layout_reads_and_its_mistakes_are_named() -> None:
    assert parse_layout("1-2:S 3:m 4:L") == {1: "S", 2: "S", 3: "M", 4: "L"}
    for bad, said in (
        ("1-8:X", "FIRST-LAST:SIZE"),
        ("0-3:S", "1 to 96"),
        ("1-4:S 4:M", "door 4 is named twice"),
        ("", "empty"),
    ):
        with pytest.raises(LockerLayoutError, match=said):
            parse_layout(bad)


def test_a_small_parcel_takes_a_small_door_then_a_bigger_one_and_never_a_smaller(desk: LockerDesk) -> None:
    got = [desk.deposit(item, "S", **WHERE) for item in ITEMS]
    assert [o.details.get("door") for o in got] == [1, 2, 3]  # S, S, then the M door
    assert _doors(desk)[3] == ("occupied", ITEMS[2])
    big = desk.deposit("EE000000014US", "L", **WHERE)
    assert big.ok and big.details["door"] == 4
    none = desk.deposit("EE000000028US", "M", **WHERE)
    assert not none.ok and none.reason == "no free M door (or bigger): keep EE000000028US at the office"
    assert not desk.deposit(ITEMS[0], "S", **WHERE).ok  # in door 1 already
    assert desk.deposit("EE000000031US", "XL", **WHERE).reason == "the parcel's size is S, M or L"
    held = desk.station.journal.events_for(ITEMS[0])
    assert [s.event.kind for s in held] == ["locker-open", "held"]
    assert held[1].event.extra["door"] == 1 and "until" in held[1].event.extra


def test_the_code_opens_its_own_door_only_and_frees_it(desk: LockerDesk, board: LockBoardEmulator) -> None:
    for item in ITEMS[:2]:
        assert desk.deposit(item, "S", **WHERE).ok
    second = _code(desk, ITEMS[1])
    opened = desk.collect(second)
    assert opened.ok and opened.id == ITEMS[1] and opened.details["door"] == 2
    assert board.opened == [1, 2, 2]
    assert _doors(desk)[2] == ("free", None) and _doors(desk)[1] == ("occupied", ITEMS[0])
    kinds = [s.event.kind for s in desk.station.journal.events_for(ITEMS[1])]
    assert kinds == ["locker-open", "held", "locker-open", "picked-up"]
    assert not desk.collect(second).ok  # used


def test_five_wrong_codes_lock_the_keypad_and_a_right_one_before_clears_the_count(desk: LockerDesk) -> None:
    assert desk.deposit(ITEMS[0], "S", **WHERE).ok
    assert desk.deposit(ITEMS[1], "S", **WHERE).ok
    right = _code(desk, ITEMS[0])
    for _ in range(4):
        assert desk.collect("000000").reason == "that code opens no door here: check the text we sent you"
    assert desk.collect(right).ok  # the fifth try right: the count starts again
    for _ in range(5):
        assert not desk.collect("000000").ok
    locked = desk.collect(_code(desk, ITEMS[1]))
    assert not locked.ok and locked.reason == "too many wrong codes: the keypad takes none for 10 minutes"
    later = desk.station.clock() + timedelta(minutes=11)
    with desk.station.db.reading() as conn:
        assert not lockers.keypad_locked(conn, later)


def test_a_stuck_door_at_pickup_goes_out_of_order_and_the_code_still_holds(
    desk: LockerDesk, board: LockBoardEmulator
) -> None:
    assert desk.deposit(ITEMS[0], "S", **WHERE).ok
    code = _code(desk, ITEMS[0])
    board.stuck.add(1)
    stuck = desk.collect(code)
    assert not stuck.ok and "door 1 did not open" in str(stuck.reason) and stuck.details["door"] == 1
    assert _doors(desk)[1] == ("out-of-order", ITEMS[0])
    with desk.station.db.reading() as conn:
        assert pickups.matches(conn, desk.station.paths.keys, ITEMS[0], code)  # good at the counter
    opens = [
        s.event.extra for s in desk.station.journal.events_for(ITEMS[0]) if s.event.kind == "locker-open"
    ]
    assert [(e["why"], e["opened"]) for e in opens] == [
        ("deposit", True),
        ("pickup", False),
        ("pickup", False),
    ]
    assert desk.deposit(ITEMS[1], "S", **WHERE).details["door"] == 2  # never sent to the broken door 1
    board.stuck.clear()
    assert desk.mend(1).ok and _doors(desk)[1] == ("occupied", ITEMS[0])
    assert not desk.mend(9).ok


def test_a_silent_board_changes_nothing(desk: LockerDesk, board: LockBoardEmulator) -> None:
    board.silent = True
    silent = desk.deposit(ITEMS[0], "S", **WHERE)
    assert not silent.ok and str(silent.reason).endswith(f"does not answer: keep {ITEMS[0]} at the office")
    assert _doors(desk)[1] == ("free", None)  # the claim given back
    assert [d.sensor_open for d in desk.status()] == [None] * 4
    board.silent = False
    assert desk.deposit(ITEMS[0], "S", **WHERE).ok
    code = _code(desk, ITEMS[0])
    board.silent = True
    assert desk.collect(code).reason == "the locker is not answering: please try again in a minute"
    assert _doors(desk)[1] == ("occupied", ITEMS[0])


def test_expired_items_are_listed_and_retrieved_to_the_office(desk: LockerDesk) -> None:
    assert desk.deposit(ITEMS[0], "M", **WHERE).ok
    today = desk.station.today()
    assert desk.expired(today) == []
    late = desk.expired(today + timedelta(days=4))
    assert [d.item_id for d in late] == [ITEMS[0]]
    back = desk.retrieve(ITEMS[0], **WHERE)
    assert back.ok and _doors(desk)[3] == ("free", None)
    assert desk.station.journal.events_for(ITEMS[0])[-1].event.kind == "delivery-office"
    assert not desk.retrieve(ITEMS[0], **WHERE).ok  # in no door now


def test_a_station_without_lockers_says_so(tmp_path: Path) -> None:
    with (
        Station.open(tmp_path / "s.sqlite3", StationConfig()) as station,
        pytest.raises(Refused, match="no lockers"),
    ):
        LockerDesk(station, None)
    config = replace(StationConfig(), locker_doors="1-4:S")
    with Station.open(tmp_path / "t.sqlite3", config) as station:
        refused = LockerDesk(station, None).deposit(ITEMS[0], "S", **WHERE)
    assert not refused.ok and refused.reason is not None and refused.reason.startswith("no lock board is set")


def test_two_deposits_never_get_one_door(desk: LockerDesk) -> None:
    with desk.station.db.transaction() as conn:
        first = lockers.claim_free(conn, "S", set(), ITEMS[0])
        second = lockers.claim_free(conn, "S", set(), ITEMS[1])
    assert (first, second) == (1, 2)
    assert _doors(desk)[1][0] == str(DoorState.OCCUPIED)


def test_each_open_and_each_deposit_is_journalled_in_words_and_facts(
    desk: LockerDesk, board: LockBoardEmulator
) -> None:
    from station.notify.consent import handle_inbound, subscribe

    subscribe(desk.station, ITEMS[0], "+14155550123")
    handle_inbound(desk.station, "+14155550123", "YES")
    board.stuck.add(1)
    done = desk.deposit(ITEMS[0], "S", facility="SFO", operator="joe")
    until = desk.station.today() + timedelta(days=3)
    assert (
        done.ok and done.message == f"in door 2 (S) until {until:%a %d %b}: close the door; code texted to 1"
    )
    assert done.details == {"door": 2, "until": until.isoformat(), "texted": 1}
    events = [s.event for s in desk.station.journal.events_for(ITEMS[0])]
    assert [(e.kind, e.operator, e.facility, e.note) for e in events] == [
        ("locker-open", "joe", "SFO", "door 1 did NOT open (deposit)"),
        ("locker-open", "joe", "SFO", "door 1 did NOT open (deposit)"),
        ("locker-open", "joe", "SFO", "door 2 opened (deposit)"),
        ("held", "joe", "SFO", "in parcel locker door 2 (S)"),
    ]
    assert events[0].extra == {"door": 1, "why": "deposit", "opened": False}
    assert events[3].extra == {"locker": "SFO", "door": 2, "until": until.isoformat()}
    with desk.station.db.reading() as conn:
        [door] = [d for d in lockers.doors(conn) if d.door == 2]
        texts = [
            str(r[0]) for r in conn.execute("SELECT template FROM sms_outbox WHERE item_id = ?", (ITEMS[0],))
        ]
    assert door.until == until and door.since is not None and door.item_id == ITEMS[0]
    assert "locker_code" in texts
    nobody = desk.deposit(ITEMS[1], "S", facility="SFO", operator="joe")  # no S door left: the M one
    assert nobody.message.endswith("; NOBODY can be texted the code: print a notice card")
    assert nobody.details["door"] == 3


def test_three_stuck_doors_end_the_deposit_and_a_retrieve_names_its_door(
    desk: LockerDesk, board: LockBoardEmulator
) -> None:
    board.stuck.update({1, 2, 3})
    refused = desk.deposit(ITEMS[0], "S", facility="SFO", operator="joe")
    assert refused.reason == f"3 doors did not open: keep {ITEMS[0]} at the office and call the engineer"
    assert {d: s for d, (s, _item) in _doors(desk).items()} == {
        1: "out-of-order",
        2: "out-of-order",
        3: "out-of-order",
        4: "free",
    }
    assert desk.deposit(ITEMS[0], "S", facility="SFO", operator="joe").details["door"] == 4
    board.stuck.add(4)
    stuck = desk.retrieve(ITEMS[0], facility="SFO", operator="ann")
    assert stuck.reason == "door 4 did not open: open it with the key (--by-key)"
    board.silent = True
    silent = desk.retrieve(ITEMS[0], facility="SFO", operator="ann")
    assert str(silent.reason).endswith(": open door 4 with the key (--by-key)")
    board.silent = False
    back = desk.retrieve(ITEMS[0], facility="SFO", operator="ann", by_key=True)
    assert back.ok and back.message == "out of door 4, back at the office: hold it or return it"
    last = desk.station.journal.events_for(ITEMS[0])
    assert [(s.event.kind, s.event.note, s.event.operator) for s in last[-2:]] == [
        ("locker-open", "door 4 opened (retrieve by key)", "ann"),
        ("delivery-office", "taken back from parcel locker door 4", "ann"),
    ]
    assert _doors(desk)[4] == ("out-of-order", None)  # empty now, still broken: the engineer mends it
    assert desk.mend(4).ok and _doors(desk)[4] == ("free", None)
    assert desk.mend(4).message == "door 4 is in use again"


def test_a_collected_item_is_picked_up_at_the_locker_in_the_journal(desk: LockerDesk) -> None:
    assert desk.deposit(ITEMS[0], "L", facility="SFO", operator="joe").ok
    opened = desk.collect(_code(desk, ITEMS[0]))
    assert opened.message == "door 4 is open: take your parcel and close the door"
    picked = desk.station.journal.events_for(ITEMS[0])[-1].event
    assert (picked.kind, picked.operator, picked.facility) == ("picked-up", "locker", "SFO")
    assert picked.note == "collected from parcel locker door 4 (locker code)"
    assert picked.extra == {"receiver": "addressee", "at": "locker", "door": 4, "proof": "locker code"}
    with desk.station.db.reading() as conn:
        assert pickups.state_of(conn, ITEMS[0]) is pickups.CodeState.USED
        assert conn.execute("SELECT count(*) FROM locker_tries WHERE ok = 1").fetchone()[0] == 1
