"""Each way a journal can be broken, and the exact words and place `verify`, `verify_tail` and the
checkpoint check give it; the stored row's columns as written. `./dev mutants` found the tamper tests
asking only "is it broken?", so a break reported at the wrong place or in lost words passed them."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.model.events import Event, EventKind
from station.store.checkpoints import EVERY, FILE_NAME, Checkpoint, CheckpointProblem
from station.store.journal import ChainBreak, Journal, JournalConflict, VerifyResult

AT = datetime(2026, 11, 23, 12, tzinfo=UTC)
ITEMS = ("RR473124829GB", "EE123456785US", "CP100000003US", "CP100000017US")


def _event(station_id: str, item: str, extra: dict[str, object] | None = None) -> Event:
    return Event.new(
        item, EventKind.ACCEPTANCE, facility="NYC", station_id=station_id, operator="ann", at=AT, extra=extra
    )


def _journal(tmp_path: Path) -> tuple[Station, Path]:
    path = tmp_path / "s.sqlite3"
    station = Station.open(path, StationConfig(station_id="STN01"))
    for item in ITEMS:
        station.journal.append(_event("STN01", item))
    return station, path


def _tamper(path: Path, sql: str) -> None:
    """What someone with the database file and sqlite3 can do: the append-only triggers dropped first."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute(sql)


def test_a_sound_journal_of_two_stations_is_counted_whole(tmp_path: Path) -> None:
    station, _path = _journal(tmp_path)
    other = Journal(station.db, "STN02")
    other.append(_event("STN02", "RR473124829GB"))
    assert station.journal.verify() == VerifyResult(5, 2, None)
    assert station.journal.verify().ok


def test_a_missing_event_is_named_where_the_sequence_jumps(tmp_path: Path) -> None:
    station, path = _journal(tmp_path)
    _tamper(path, "DELETE FROM events WHERE seq = 2")
    assert station.journal.verify() == VerifyResult(
        2, 1, ChainBreak("STN01", 3, "sequence jumps from 1 to 3 (events missing)")
    )
    first = station.journal.events_for(ITEMS[0])[0]
    assert station.journal.verify_tail("STN01", 1, first.hash) == (
        "station STN01: sequence jumps from 1 to 3 (events missing)"
    )


def test_a_relinked_event_is_named(tmp_path: Path) -> None:
    station, path = _journal(tmp_path)
    # The first hex digit changed to another (a hash that starts with f is as likely as any other).
    _tamper(
        path,
        "UPDATE events SET prev_hash = CASE substr(prev_hash, 1, 1) WHEN 'f' THEN '0' ELSE 'f' END"
        " || substr(prev_hash, 2) WHERE seq = 3",
    )
    assert station.journal.verify() == VerifyResult(
        3, 1, ChainBreak("STN01", 3, "previous-hash link does not match the preceding event")
    )
    second = station.journal.events_for(ITEMS[1])[0]
    assert station.journal.verify_tail("STN01", 2, second.hash) == (
        "station STN01: event 3 does not match its hash chain (altered)"
    )


def test_an_altered_event_is_named_by_its_id(tmp_path: Path) -> None:
    station, path = _journal(tmp_path)
    altered = station.journal.events_for(ITEMS[2])[0]
    _tamper(path, "UPDATE events SET operator = 'eve' WHERE seq = 3")
    assert station.journal.verify() == VerifyResult(
        3,
        1,
        ChainBreak("STN01", 3, f"event {altered.event.event_id} content does not match its hash (altered)"),
    )
    second = station.journal.events_for(ITEMS[1])[0]
    assert station.journal.verify_tail("STN01", 2, second.hash) == (
        "station STN01: event 3 does not match its hash chain (altered)"
    )


def test_the_tail_after_a_checkpoint_is_checked_from_the_event_after_it(tmp_path: Path) -> None:
    station, _path = _journal(tmp_path)
    third = station.journal.events_for(ITEMS[2])[0]
    assert station.journal.verify_tail("STN01", 3, third.hash) is None
    assert station.journal.verify_tail("STN01", 4, "0" * 64) is None  # nothing after the head
    assert station.journal.verify_tail("STN01", 3, "0" * 64) == (
        "station STN01: event 4 does not match its hash chain (altered)"  # the wrong hash for event 3
    )
    assert station.journal.verify_tail("STN02", 0, "0" * 64) is None  # another station's: none here


def test_checkpoints_contradicted_by_the_journal_are_each_named(tmp_path: Path) -> None:
    station, _path = _journal(tmp_path)
    second = station.journal.events_for(ITEMS[1])[0]
    points = [
        Checkpoint("STN01", 2, second.hash, "t1"),  # agrees
        Checkpoint("STN01", 3, "0" * 64, "t2"),  # another hash at 3: rewritten
        Checkpoint("STN01", 6, "1" * 64, "t3"),  # beyond the end: 2 removed
        Checkpoint("STN01", 5, "2" * 64, "t4"),  # older than the newest: only the newest counts the loss
        Checkpoint("STN02", 1, "3" * 64, "t5"),  # a station with no events here
    ]
    assert station.journal.check_checkpoints(points) == [
        CheckpointProblem("STN01", 3, "event 3 is not the one checkpointed at t2: rewritten"),
        CheckpointProblem(
            "STN01", 6, "the journal ends at 4 but was checkpointed at 6 (t3): 2 events were removed"
        ),
        CheckpointProblem(
            "STN02", 1, "the journal ends at 0 but was checkpointed at 1 (t5): 1 events were removed"
        ),
    ]
    assert station.journal.check_checkpoints(points[:1]) == []
    assert station.journal.check_checkpoints([Checkpoint("STN01", 4, second.hash, "t6")]) == [
        CheckpointProblem("STN01", 4, "event 4 is not the one checkpointed at t6: rewritten")
    ]


def test_an_event_of_another_station_or_with_other_content_is_refused_in_words(tmp_path: Path) -> None:
    station, _path = _journal(tmp_path)
    with pytest.raises(ValueError, match=r"^event of station STN02 appended to journal of STN01$"):
        station.journal.append(_event("STN02", ITEMS[0]))
    first = station.journal.events_for(ITEMS[0])[0]
    again = station.journal.append(first.event)  # a retried scan: answered with what is stored
    assert again == first
    changed = replace(first.event, note="changed")
    with pytest.raises(
        JournalConflict, match=f"^event {first.event.event_id} is already journalled with different content$"
    ):
        station.journal.append(changed)
    assert station.journal.count() == 4


def test_the_extra_column_is_sorted_json_in_utf8_and_an_empty_one_is_braces(tmp_path: Path) -> None:
    station, path = _journal(tmp_path)
    station.journal.append(_event("STN01", "RR000000005GB", extra={"zone": "Zürich", "a": 1}))
    with sqlite3.connect(path) as conn:
        texts = [r[0] for r in conn.execute("SELECT extra FROM events ORDER BY seq")]
    assert texts[0] == "{}" and texts[-1] == '{"a": 1, "zone": "Zürich"}'


def test_a_sound_tail_after_a_checkpoint_is_none(tmp_path: Path) -> None:
    station, _path = _journal(tmp_path)
    first = station.journal.events_for(ITEMS[0])[0]
    assert station.journal.verify_tail("STN01", 1, first.hash) is None  # three events after it, each linked
    last = station.journal.events_for(ITEMS[-1])[0]
    assert station.journal.verify_tail("STN01", 4, last.hash) is None  # nothing after the head


def test_verify_reads_a_journal_longer_than_one_batch_to_its_end(tmp_path: Path) -> None:
    # The journal is read 5,000 events at a time: every event of a longer one is checked.
    station = Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN01"))
    with station.db.transaction() as conn:
        for n in range(5_003):
            station.journal.append_in(conn, _event("STN01", f"RR{n:08d}0GB"))
    assert station.journal.verify() == VerifyResult(5_003, 1, None)


def test_the_head_after_two_rolled_back_appends_is_read_again(tmp_path: Path) -> None:
    # The head a journal last wrote is trusted only while nothing rolled back since: after two
    # transactions that each appended and then failed, the next event still follows the committed one.
    # One event, then two rollbacks: the count of rollbacks (2) equals the stale head's seq (2), so a
    # cache that compared the wrong field would be trusted here.
    station = Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN01"))
    station.journal.append(_event("STN01", ITEMS[0]))
    for n in range(2):
        with pytest.raises(RuntimeError), station.db.transaction() as conn:
            station.journal.append_in(conn, _event("STN01", f"RR{n:08d}0GB"))
            raise RuntimeError("refused after the append: the transaction rolls back")
    stored = station.journal.append(_event("STN01", "RR473124832GB"))
    assert stored.seq == 2
    assert station.journal.verify() == VerifyResult(2, 1, None)


def test_a_journal_made_without_a_station_appends_past_a_checkpoint_and_signs_none(tmp_path: Path) -> None:
    # A Journal on its own (a tool reading another station's chain) has no checkpoint log to sign with.
    station, _path = _journal(tmp_path)
    other = Journal(station.db, "STN02")
    with station.db.transaction() as conn:
        for n in range(EVERY):
            other.append_in(conn, _event("STN02", f"RR{n:08d}0GB"))
    assert other.verify() == VerifyResult(len(ITEMS) + EVERY, 2, None)
    log = station.paths.data / FILE_NAME
    assert not log.exists() or '"STN02"' not in log.read_text(encoding="utf-8")
