"""The schema changes only through migrations: a round-1 journal is taken up and upgraded in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.depot import DepotDesk
from station.items import containers
from station.migrations import LATEST, MIGRATIONS, SchemaError, open_database, schema_version

ROUND1 = Path(__file__).parent / "fixtures" / "round1_journal.sql"


def round1_database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(ROUND1.read_text(encoding="utf-8"))
    conn.close()
    return path


def test_the_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))


def test_a_round1_journal_is_migrated_and_keeps_every_event(tmp_path: Path) -> None:
    path = round1_database(tmp_path / "station.sqlite3")
    with sqlite3.connect(path) as raw:
        assert schema_version(raw) == 0  # round 1 had no schema_version table
        before = raw.execute("SELECT station_id, seq, hash FROM events ORDER BY seq").fetchall()
    with Station.open(path, StationConfig()) as station:
        with station.db.reading() as conn:
            assert schema_version(conn) == LATEST
            after = [tuple(r) for r in conn.execute("SELECT station_id, seq, hash FROM events ORDER BY seq")]
            # schema 2 filled each accepted item's destination from its acceptance event
            counter = containers.item_record(conn, "RR473124829GB")
            impb = containers.item_record(conn, "9205590123456712345670")
        assert after == before and len(after) == 6
        assert station.journal.verify().ok
        assert counter is not None and counter.destination_zip == "98101"  # the ZIP it was priced for
        assert impb is not None and impb.destination_zip == "98101"  # its IMpb routing code (AI 420)
        # the migrated journal takes new work: a sack for Seattle opens and keeps the chain going
        opened = DepotDesk(station).new_sack(facility="SEA", operator="ann", destination="981")
        assert opened.ok and opened.stored is not None and opened.stored.seq == 7
        assert station.journal.verify().ok


def test_opening_again_changes_nothing(tmp_path: Path) -> None:
    path = round1_database(tmp_path / "station.sqlite3")
    open_database(path).close()
    with sqlite3.connect(path) as raw:
        tables = raw.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    open_database(path).close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall() == tables
        assert schema_version(raw) == LATEST


def test_a_database_from_a_newer_station_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    open_database(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE schema_version SET version = ?", (LATEST + 1,))
    with pytest.raises(SchemaError, match="newer than this station knows"):
        open_database(path)
