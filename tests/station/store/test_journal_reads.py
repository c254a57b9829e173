"""What the other rooms ask the journal: the reads that replaced their own SQL on the events table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from station.app import Station
from station.desks.scan import ScanDesk
from station.ids import S10
from station.items import containers
from station.model.events import Event, EventKind
from station.model.states import SackState
from station.store import journal
from tests.station.conftest import OTHER_SACK, SACK, computer_in

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
        # ...and when the latest is in the first chunk, a sack of the last chunk scanned before it loses.
        reversed_chunks = [OTHER_SACK_ID, *(f"{n:018d}" for n in range(1_000)), SACK_ID]
        assert journal.latest_sack_scanned(conn, "SFO", reversed_chunks) == OTHER_SACK_ID


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


def _at(hour: int) -> datetime:
    return datetime(2026, 11, 2, hour, tzinfo=UTC)


def _append(station: Station, item: str, kind: EventKind, hour: int, **fields: Any) -> None:
    event = Event.new(
        item, kind, facility="SFO", station_id=station.station_id, operator="o", at=_at(hour), **fields
    )
    station.journal.append(event)


def test_the_station_own_head_its_items_and_a_window_of_its_sequence(station: Station) -> None:
    # Issue 30: `./dev mutants` found these reads reached only through the rooms that use them, where
    # a read of the wrong column or a dropped row went unseen.
    first, second, third = _items(3)
    with station.db.reading() as conn:
        assert journal.last_seq_and_hash(conn, station.station_id) is None  # an empty chain
    _append(station, first, EventKind.ACCEPTANCE, 9, weight_g=500)
    _append(station, second, EventKind.ACCEPTANCE, 11)
    _append(station, second, EventKind.DISPATCH, 13)
    with station.db.reading() as conn:
        head = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        assert journal.last_seq_and_hash(conn, station.station_id) == (3, head[1])
        assert journal.last_seq_and_hash(conn, "OTHER1") is None
        assert journal.scanned_by(conn, [first, second, third], station.station_id) == {first, second}
        assert journal.scanned_by(conn, [first, second], "OTHER1") == set()
        assert journal.seqs_between(conn, station.station_id, _at(10), _at(14)) == (2, 3)
        assert journal.seqs_between(conn, station.station_id, _at(9), _at(10)) == (1, 1)
        assert journal.seqs_between(conn, station.station_id, _at(14), _at(20)) is None  # nothing then
        assert journal.acceptance_weight_g(conn, first) == 500
        assert journal.acceptance_weight_g(conn, second) is None  # accepted with no weight
        assert journal.acceptance_weight_g(conn, third) is None  # never accepted


def test_the_extras_of_every_event_of_a_kind(station: Station) -> None:
    first, second = _items(2)
    _append(station, first, EventKind.ACCEPTANCE, 9, extra={"service": "priority", "postage_cents": 1040})
    _append(station, second, EventKind.ACCEPTANCE, 10)
    _append(station, second, EventKind.DISPATCH, 11, extra={"to": "SEA"})
    with station.db.reading() as conn:
        extras = journal.extras_of_kind(conn, EventKind.ACCEPTANCE)
    assert sorted(extras, key=len) == [{}, {"postage_cents": 1040, "service": "priority"}]


@pytest.fixture
def new_york_time() -> Iterator[None]:
    """The process's local time zone is New York's for the test (a counter's computer)."""
    with computer_in("America/New_York"):
        yield


def test_a_window_given_in_local_time_is_compared_as_the_journal_writes_times(
    station: Station, new_york_time: object
) -> None:
    # The journal writes UTC text; a bound given in New York's time must be turned into UTC text before
    # it is compared as text, or 07:00-05:00 sorts before 11:00+00:00 although it is an hour later.
    first, second = _items(2)
    _append(station, first, EventKind.ACCEPTANCE, 11)
    _append(station, second, EventKind.ACCEPTANCE, 13)
    noon_in_utc = datetime(2026, 11, 2, 7, tzinfo=ZoneInfo("America/New_York"))  # 12:00 UTC
    with station.db.reading() as conn:
        assert journal.seqs_between(conn, station.station_id, noon_in_utc, _at(20)) == (2, 2)
        rows = journal.history_rows(conn, since=noon_in_utc)
    assert [r.item_id for r in rows] == [second]


def test_an_event_rebuilt_from_its_hashed_body_keeps_every_field(station: Station) -> None:
    # The hub hands events back as the canonical body their hash covers: each field comes back.
    item = _items(1)[0]
    event = Event.new(
        item,
        EventKind.ATTEMPTED,
        facility="SFO",
        station_id=station.station_id,
        operator="o",
        at=_at(9),
        reason="NO_ACCESS",
        note="gate locked",
        extra={"attempt": 1},
    )
    rebuilt = journal.event_from_content(journal.canonical_content(event))
    assert rebuilt == event
    assert rebuilt.reason == "NO_ACCESS"
