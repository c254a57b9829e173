"""The hashed text of events journalled before schema 5 kept it (`body` NULL): rebuilt from the row's
columns for the hub (`bodies_after`) and the checkpoint verifier (`chain_links`), it must be the very
text the hash was made over. `./dev mutants` found these paths reached only by the PostgreSQL tier."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from station.app import Station
from station.config import StationConfig
from station.model.events import Event, EventKind
from station.store.journal import ChainLink, bodies_after, chain_links

AT = datetime(2026, 11, 23, 12, tzinfo=UTC)


# (item, kind, facility, operator, fields): every column an event's hashed body is rebuilt from
EVENTS: list[tuple[str, EventKind, str, str, dict[str, Any]]] = [
    ("RR473124829GB", EventKind.ACCEPTANCE, "NYC", "ann",
     {"weight_g": 1250, "extra": {"product": "parcel", "addressee": {"name": "Иван"}}}),
    ("RR473124829GB", EventKind.DELIVERED, "NYC", "bo",
     {"signature_ref": "sig-1", "note": "left with the neighbour at 12"}),
    ("EE123456785US", EventKind.ACCEPTANCE, "LAX", "ann",
     {"container_id": "106141411234567897", "reason": None, "extra": {}}),
    ("CP100000003US", EventKind.ACCEPTANCE, "NYC", "ann", {}),
    ("CP100000017US", EventKind.ATTEMPTED, "NYC", "cy",
     {"reason": "ADDRESSEE_ABSENT", "extra": {"card": "N-17"}}),
]  # fmt: skip


def _old_journal(tmp_path: Path) -> tuple[Station, dict[int, str]]:
    """The five events, the 2nd, 3rd and 5th stored as schema 4 stored them: without their body."""
    path = tmp_path / "s.sqlite3"
    station = Station.open(path, StationConfig(station_id="STN01"))
    for item, kind, facility, operator, fields in EVENTS:
        station.journal.append(
            Event.new(item, kind, facility=facility, station_id="STN01", operator=operator, at=AT, **fields)
        )
    with sqlite3.connect(path) as conn:
        kept = {seq: body for seq, body in conn.execute("SELECT seq, body FROM events ORDER BY seq")}
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET body = NULL WHERE seq IN (2, 3, 5)")
    return station, kept


def _hash(prev: str, seq: int, body: str) -> str:
    return hashlib.sha256(f"{prev}|{seq}|{body}".encode()).hexdigest()


def test_bodies_rebuilt_from_the_columns_are_the_text_that_was_hashed(tmp_path: Path) -> None:
    station, kept = _old_journal(tmp_path)
    with station.db.reading() as conn:
        rebuilt = bodies_after(conn, "STN01", 0, 10)
        hashes = dict(conn.execute("SELECT seq, prev_hash || ' ' || hash FROM events").fetchall())
    assert sorted(rebuilt) == [2, 3, 5]  # only the rows without a stored body
    for seq, body in rebuilt.items():
        assert body == kept[seq]  # byte for byte, Cyrillic kept as it is
        prev, digest = hashes[seq].split(" ")
        assert _hash(prev, seq, body) == digest


def test_bodies_after_starts_after_the_seq_stops_at_the_limit_and_keeps_to_the_station(
    tmp_path: Path,
) -> None:
    station, kept = _old_journal(tmp_path)
    with station.db.reading() as conn:
        assert bodies_after(conn, "STN01", 2, 10) == {3: kept[3], 5: kept[5]}
        assert bodies_after(conn, "STN01", 0, 2) == {2: kept[2], 3: kept[3]}
        assert bodies_after(conn, "STN01", 5, 10) == {}
        assert bodies_after(conn, "STN02", 0, 10) == {}


def test_chain_links_give_the_stored_body_or_the_rebuilt_one(tmp_path: Path) -> None:
    station, kept = _old_journal(tmp_path)
    with station.db.reading() as conn:
        links = chain_links(conn, "STN01", 2, 4)
        rows = conn.execute("SELECT seq, prev_hash, hash FROM events WHERE seq BETWEEN 2 AND 4").fetchall()
    assert links == [ChainLink(seq, prev, digest, kept[seq]) for seq, prev, digest in rows]
    assert station.journal.verify().ok  # the journal itself never needed the body column
