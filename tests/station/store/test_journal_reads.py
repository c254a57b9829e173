"""What the other rooms ask the journal: the reads that replaced their own SQL on the events table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from station.app import Station
from station.desks.scan import ScanDesk
from station.ids import S10
from station.items import containers
from station.model.events import EventKind
from station.model.states import SackState
from station.store import journal
from tests.station.conftest import OTHER_SACK, SACK

OTHER_SACK_ID = OTHER_SACK[2:]
SACK_ID = SACK[2:]


def _items(n: int) -> list[str]:
    return [S10.build("CP", 10_000_000 + i, "US").text for i in range(n)]


def test_the_sack_last_scanned_at_a_bench_of_those_still_open(station: Station, desk: ScanDesk) -> None:
    first, second = _items(2)
    for sack in (SACK, OTHER_SACK):
        assert desk.record(sack, EventKind.SACK_OPEN, facility="SFO", operator="o").ok
    assert desk.record(first, EventKind.ACCEPTANCE, facility="SFO", operator="o").ok
    assert desk.record(first, EventKind.SORT_IN, facility="SFO", operator="o", container_id=SACK).ok
    with station.db.reading() as conn:
        open_now = containers.sacks_in(conn, SackState.OPEN)
        assert sorted(open_now) == sorted([SACK_ID, OTHER_SACK_ID])
        assert journal.latest_sack_scanned(conn, "SFO", open_now) == SACK_ID  # sorted into after both opened
        assert journal.latest_sack_scanned(conn, "LAX", open_now) is None  # nothing scanned at another bench
        assert journal.latest_sack_scanned(conn, "SFO", [OTHER_SACK_ID]) == OTHER_SACK_ID
        assert journal.latest_sack_scanned(conn, "SFO", []) is None
    assert desk.record(second, EventKind.ACCEPTANCE, facility="SFO", operator="o").ok
    assert desk.record(second, EventKind.SORT_IN, facility="SFO", operator="o", container_id=OTHER_SACK).ok
    with station.db.reading() as conn:
        # Many sacks at once: asked in chunks, the latest of all chunks still wins.
        many = [SACK_ID, *(f"{n:018d}" for n in range(1_000)), OTHER_SACK_ID]  # in the first and last chunk
        assert journal.latest_sack_scanned(conn, "SFO", many) == OTHER_SACK_ID


def test_which_items_have_a_kind_and_which_still_wait_across_chunks(station: Station, desk: ScanDesk) -> None:
    items = _items(1_100)
    for item in items:
        assert desk.record(item, EventKind.ACCEPTANCE, facility="SFO", operator="o").ok
    for item in (items[0], items[450], items[1_099]):
        assert desk.record(item, EventKind.VOID, facility="SFO", operator="o").ok
    assert desk.record(items[7], EventKind.DISPATCH, facility="SFO", operator="o").ok
    with station.db.reading() as conn:
        assert journal.items_with_kind(conn, EventKind.VOID, items) == {items[0], items[450], items[1_099]}
        waiting = containers.last_kind_in(conn, items, (EventKind.ACCEPTANCE,))
        assert len(waiting) == 1_100 - 4 and items[7] not in waiting and items[450] not in waiting
        start = datetime(2026, 11, 2, tzinfo=UTC)
        accepted = journal.accepted_between(conn, start, start + timedelta(days=30), station.station_id)
        assert accepted == items  # in the order they were accepted
        assert journal.accepted_between(conn, start - timedelta(days=1), start, station.station_id) == []
        assert journal.accepted_between(conn, start, start + timedelta(days=30), "OTHER1") == []
