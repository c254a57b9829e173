"""The per-station S10 allocator: valid, never repeating, across restarts, and honest when exhausted."""

from __future__ import annotations

import pytest

from station.ids import S10, InvalidId
from station.migrations import open_database
from station.store.serials import S10Allocator, SerialSpaceExhausted


def test_allocated_ids_are_valid_and_never_repeat_across_a_restart(tmp_path):
    path = tmp_path / "s.sqlite3"
    seen = []
    for _ in range(3):
        with open_database(path) as db:
            alloc = S10Allocator(db, "STN-1", 1000, 9999)
            for _ in range(20):
                seen += [s.text for s in alloc.allocate("rr", "us", count=5)]
    assert len(seen) == len(set(seen)) == 300
    assert all(S10.parse(t).text == t for t in seen)


def test_two_stations_with_disjoint_blocks_do_not_collide(tmp_path):
    with open_database(tmp_path / "s.sqlite3") as db:
        a = S10Allocator(db, "A", 0, 999)
        b = S10Allocator(db, "B", 1000, 1999)
        ids_a = {s.text for s in a.allocate("RR", "GB", 200)}
        ids_b = {s.text for s in b.allocate("RR", "GB", 200)}
    assert not ids_a & ids_b


def test_exhaustion_raises_with_a_clear_message(tmp_path):
    with open_database(tmp_path / "s.sqlite3") as db:
        alloc = S10Allocator(db, "STN-1", 10, 12)
        alloc.allocate("RR", "GB", 2)
        with pytest.raises(
            SerialSpaceExhausted, match=r"only 1 S10 serials left for RR\.\.GB at station STN-1"
        ):
            alloc.allocate("RR", "GB", 2)
        assert alloc.allocate("RR", "GB")[0].serial == "00000012"


def test_invalid_service_or_country_is_refused_before_consuming_a_serial(tmp_path):
    with open_database(tmp_path / "s.sqlite3") as db:
        alloc = S10Allocator(db, "STN-1", 0, 99)
        with pytest.raises(InvalidId):
            alloc.allocate("R1", "GB")
        with pytest.raises(InvalidId):
            alloc.allocate("RR", "XX")
        assert alloc.allocate("RR", "GB")[0].serial == "00000000"


def test_issue_28_finding_3_an_id_the_journal_knows_is_stepped_over(tmp_path):
    from datetime import UTC, datetime

    from station.app import Station
    from station.config import StationConfig
    from station.desks.scan import ScanDesk
    from station.model.events import EventKind
    from station.store.serials import SsccAllocator

    with Station.open(
        tmp_path / "s.sqlite3", StationConfig(station_id="STN7"), lambda: datetime.now(UTC)
    ) as st:
        taken = S10.build("EE", 1001, "US").text  # a pre-printed label from the block, accepted by hand
        assert ScanDesk(st).record(taken, EventKind.ACCEPTANCE, facility="F", operator="o").ok
        alloc = S10Allocator(st.db, "STN7", 1000, 1003)
        first = [s.text for s in alloc.allocate("EE", "US", 2)]
        assert first == [S10.build("EE", 1000, "US").text, S10.build("EE", 1002, "US").text]
        assert [s.text for s in alloc.allocate("EE", "US")] == [S10.build("EE", 1003, "US").text]
        with pytest.raises(SerialSpaceExhausted):
            alloc.allocate("EE", "US")
        sacks = SsccAllocator(st.db, "STN7", "0614141")
        made = sacks.allocate()
        assert ScanDesk(st).record(made.text, EventKind.SACK_OPEN, facility="F", operator="o").ok
        with st.db.transaction() as tx:  # the counter set back (a journal restored over a newer one)
            tx.execute("UPDATE sscc_serials SET next_serial = 1 WHERE station_id = 'STN7'")
        again = sacks.allocate()
        assert again.text != made.text and again.text == sacks._build(2).text
