"""The journal: append-only, idempotent, hash-chained per station, tamper-evident."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.model.events import Event, EventKind
from station.store.journal import GENESIS, JournalConflict, event_hash


def _event(station: Station, item: str = "RR473124829GB", kind: EventKind = EventKind.ACCEPTANCE) -> Event:
    return Event.new(
        item, kind, facility="NYC", station_id=station.station_id, operator="ann", at=datetime.now(UTC)
    )


def test_events_chain_to_the_previous_event_of_the_same_station(station: Station) -> None:
    first = station.journal.append(_event(station))
    second = station.journal.append(_event(station, "EE123456785US"))
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert second.seq == 2
    assert second.prev_hash == first.hash
    assert second.hash == event_hash(first.hash, 2, second.event)
    assert station.journal.verify().ok


def test_the_chain_formula_is_pinned_by_a_computation_of_its_own(station: Station) -> None:
    # Issue 30: not the project's event_hash, which a bug would change along with the journal: the
    # documented formula, sha256(previous hash | seq | the stored body), computed here from the stored
    # row, and the body checked against the event's own fields.
    events = [_event(station, item) for item in ("RR473124829GB", "EE123456785US", "CP000000014US")]
    # A body with letters outside ASCII: hashed as UTF-8 text, not as \u escapes.
    events.append(
        Event.new(
            "RR473124832GB",
            EventKind.ACCEPTANCE,
            facility="NYC",
            station_id=station.station_id,
            operator="ann",
            at=datetime.now(UTC),
            extra={"city": "Москва"},
        )
    )
    for event in events:
        station.journal.append(event)
    with station.db.reading() as conn:
        rows = conn.execute(
            "SELECT seq, prev_hash, hash, body, item_id, kind, operator FROM events ORDER BY seq"
        ).fetchall()
    previous = "0" * 64
    for (seq, prev, digest, body, item, kind, operator), event in zip(rows, events, strict=True):
        assert prev == previous
        assert digest == hashlib.sha256(f"{previous}|{seq}|{body}".encode()).hexdigest()
        content = json.loads(body)
        assert (content["item_id"], content["kind"], content["operator"]) == (
            event.item_id,
            "acceptance",
            "ann",
        )
        assert (item, kind, operator) == (event.item_id, "acceptance", "ann")
        assert body == json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        previous = digest
    assert '"city":"Москва"' in rows[-1][3]


def test_the_same_event_appended_twice_is_stored_once(station: Station) -> None:
    event = _event(station)
    a = station.journal.append(event)
    b = station.journal.append(event)
    assert a == b
    assert station.journal.count() == 1


def test_an_event_id_reused_with_other_content_is_refused(station: Station) -> None:
    event = _event(station)
    station.journal.append(event)
    forged = replace(event, facility="ELSEWHERE")
    with pytest.raises(JournalConflict):
        station.journal.append(forged)


def test_sql_update_and_delete_are_refused_by_the_database(station: Station) -> None:
    station.journal.append(_event(station))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), station.db.transaction() as conn:
        conn.execute("UPDATE events SET facility = 'X'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), station.db.transaction() as conn:
        conn.execute("DELETE FROM events")
    assert station.journal.count() == 1


def test_verify_names_the_first_altered_event(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Station.open(path, StationConfig(station_id="S1")) as s:
        for n in range(5):
            s.journal.append(_event(s, f"RR47312482{n}GB"))
    # Someone with file access drops the triggers and edits event 3 directly.
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER events_no_update")
    raw.execute("UPDATE events SET operator = 'mallory' WHERE seq = 3")
    raw.commit()
    raw.close()
    with Station.open(path, StationConfig(station_id="S1")) as s:
        result = s.journal.verify()
    assert result.first_break is not None
    assert (result.first_break.station_id, result.first_break.seq) == ("S1", 3)
    assert "altered" in result.first_break.problem


def test_verify_notices_a_deleted_event(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Station.open(path, StationConfig(station_id="S1")) as s:
        for n in range(4):
            s.journal.append(_event(s, f"RR47312482{n}GB"))
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER events_no_delete")
    raw.execute("DELETE FROM events WHERE seq = 2")
    raw.commit()
    raw.close()
    with Station.open(path, StationConfig(station_id="S1")) as s:
        result = s.journal.verify()
    assert result.first_break is not None and result.first_break.seq == 3
    assert "missing" in result.first_break.problem


def test_each_station_keeps_its_own_sequence_in_one_database(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    with (
        Station.open(path, StationConfig(station_id="A")) as a,
        Station.open(path, StationConfig(station_id="B")) as b,
    ):
        a.journal.append(_event(a))
        b.journal.append(_event(b))
        stored = a.journal.append(_event(a, "EE123456785US"))
        assert stored.seq == 2
        result = a.journal.verify()
    assert result.ok and result.stations == 2 and result.events_checked == 3


def test_a_hook_failure_rolls_back_the_event(station: Station) -> None:
    def broken_hook(conn: sqlite3.Connection, stored: object) -> None:
        raise RuntimeError("outbox full")

    station.journal.on_append(broken_hook)
    with pytest.raises(RuntimeError):
        station.journal.append(_event(station))
    assert station.journal.count() == 0


def test_two_processes_appending_to_one_journal_keep_one_unbroken_chain(tmp_path: Path) -> None:
    # Each journal keeps the head it last wrote; the other one's appends show up as a key conflict.
    path = tmp_path / "shared.sqlite3"
    with (
        Station.open(path, StationConfig(station_id="STN-A")) as a,
        Station.open(path, StationConfig(station_id="STN-A")) as b,
    ):
        for i in range(20):
            writer = a if i % 3 else b
            writer.journal.append(
                Event.new(
                    f"RR{i}",
                    EventKind.NOTE,
                    facility="F",
                    station_id="STN-A",
                    operator="o",
                    at=writer.clock(),
                    note=str(i),
                )
            )
        assert a.journal.verify().ok and a.journal.count() == 20


def test_an_append_rolled_back_with_its_transaction_leaves_no_gap(tmp_path: Path) -> None:
    with Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN-A")) as station:

        def note(n: int) -> Event:
            return Event.new(
                "RR1",
                EventKind.NOTE,
                facility="F",
                station_id="STN-A",
                operator="o",
                at=station.clock(),
                note=str(n),
            )

        station.journal.append(note(1))
        with pytest.raises(RuntimeError), station.db.transaction() as conn:
            station.journal.append_in(conn, note(2))
            raise RuntimeError("the printer job after it failed")
        stored = station.journal.append(note(3))
        assert stored.seq == 2 and station.journal.verify().ok
