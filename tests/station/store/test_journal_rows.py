"""The journal's read functions give back every field as it was written: an event with every field set
read back whole (from its row and from its hashed body), the lists of one kind newest first, the rows
a push reads, the chunked look-ups past one chunk. `./dev mutants` found fields that could be dropped
on the way out (a signature reference, a note, a sack) with no test failing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.ids import S10
from station.model.events import Event, EventKind
from station.store import journal
from station.store.journal import Recorded, event_from_content, hashed_body

AT = datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC)
SACK = "106141411234567897"


def _full(item: str, kind: EventKind, at: datetime, **fields: object) -> Event:
    values: dict[str, object] = {
        "container_id": SACK,
        "weight_g": 1250,
        "signature_ref": "sig-0001",
        "note": "received by Bo Lee",
        "extra": {"product": "parcel", "addressee": {"name": "Иван"}},
        **fields,
    }
    return Event.new(
        item,
        kind,
        facility="SFO",
        station_id="STN01",
        operator="ann",
        at=at,
        **values,  # type: ignore[arg-type]
    )


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN01"))


def test_an_event_with_every_field_reads_back_whole_from_its_row_and_from_its_body(station: Station) -> None:
    event = _full("RR473124829GB", EventKind.DELIVERED, AT)
    stored = station.journal.append(event)
    [read] = station.journal.events_for("RR473124829GB")
    assert read.event == event  # every field, the sack, weight, signature and note among them
    assert (read.seq, read.prev_hash, read.hash) == (stored.seq, stored.prev_hash, stored.hash)
    assert event_from_content(json.loads(hashed_body(event))) == event


def test_the_events_of_one_kind_are_listed_newest_first_with_who_where_and_what(station: Station) -> None:
    first = _full("RR473124829GB", EventKind.ATTEMPTED, AT, reason="ADDRESSEE_ABSENT", note="card N-1")
    later = _full(
        "EE123456785US",
        EventKind.ATTEMPTED,
        AT + timedelta(hours=2),
        reason="NO_ACCESS",
        note=None,
        extra={"card": "N-2"},
    )
    for event in (first, later, _full("CP100000003US", EventKind.DELIVERED, AT)):
        station.journal.append(event)
    with station.db.reading() as conn:
        listed = journal.recorded_of_kind(conn, EventKind.ATTEMPTED)
    assert listed == [
        Recorded(
            later.event_id,
            "EE123456785US",
            "ann",
            "SFO",
            "2026-11-23T14:00:00.123456+00:00",
            None,
            {"card": "N-2"},
        ),
        Recorded(
            first.event_id,
            "RR473124829GB",
            "ann",
            "SFO",
            "2026-11-23T12:00:00.123456+00:00",
            "card N-1",
            {"product": "parcel", "addressee": {"name": "Иван"}},
        ),
    ]


def test_the_rows_a_push_reads_are_the_columns_asked_for_after_the_seq_up_to_the_limit(
    station: Station,
) -> None:
    items = [S10.build("CP", 900 + i, "US").text for i in range(4)]
    for i, item in enumerate(items):
        station.journal.append(_full(item, EventKind.ACCEPTANCE, AT + timedelta(minutes=i)))
    with station.db.reading() as conn:
        rows = journal.pushed_rows_after(conn, "STN01", 1, 2, ("seq", "item_id", "note"))
        assert journal.pushed_rows_after(conn, "STN02", 0, 10, ("seq",)) == []
        with pytest.raises(ValueError, match=r"not columns of the journal: \['body; DROP', 'secret'\]"):
            journal.pushed_rows_after(conn, "STN01", 0, 10, ("seq", "secret", "body; DROP"))
        assert journal.count_after(conn, "STN01", 1) == 3
        assert journal.count_after(conn, "STN01", 4) == 0
        [(last_hash,)] = conn.execute("SELECT hash FROM events WHERE seq = 4").fetchall()
        assert journal.hash_of(conn, "STN01", 4) == last_hash
        assert journal.hash_of(conn, "STN01", 5) is None
    assert rows == [(2, items[1], "received by Bo Lee"), (3, items[2], "received by Bo Lee")]
    assert all(type(row) is tuple for row in rows)  # plain tuples: a push reads tens of thousands


def test_look_ups_by_many_ids_reach_past_one_chunk_of_two_hundred(station: Station) -> None:
    items = [S10.build("CP", 1000 + i, "US").text for i in range(401)]
    with station.db.transaction() as conn:
        for i, item in enumerate((items[0], items[200], items[400])):
            station.journal.append_in(conn, _full(item, EventKind.ACCEPTANCE, AT + timedelta(minutes=i)))
    with station.db.reading() as conn:
        assert journal.known_ids(conn, items) == {items[0], items[200], items[400]}
        assert journal.known_ids(conn, items[1:200]) == set()
