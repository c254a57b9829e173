"""A station login inserting its own rows straight into hub.events, as psql with that login can, is
checked one row at a time by the `events_checked` trigger (schema 4): a gap and a correctly hashed fork
refused by name, a row that follows stored and the head moved, an acceptance another station made
first raised as an alert. `./dev mutants` (the hub's SQL mutants) found no test reaching this trigger
past its first checks: every other test goes through hub.push_rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest

from hub.client import PostgresHub
from station.app import Station
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from station.network.port import Outgoing
from station.network.sync import outgoing
from tests.hub.conftest import Hub, open_station

SHARED = S10.build("CP", 31, "US").text  # accepted first at LAX01
OWN = S10.build("CP", 32, "US").text  # only ever at SFO01
PASSING = S10.build("CP", 33, "US").text  # seen arriving at LAX01, accepted at SFO01
INSERT = (
    "INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, facility, operator,"
    " occurred_at, extra, body, prev_hash, hash, recorded_at)"
    " VALUES (%s, %s, '', '', '', '', '', (%s::jsonb->>'occurred_at')::timestamptz, '{}', %s, %s, %s,"
    " now())"
)


def _record(station: Station, item: str, kind: EventKind) -> None:
    assert ScanDesk(station).record(item, kind, facility=station.config.station_id, operator="dee").ok


def _row(station: Station, seq: int) -> Outgoing:
    with station.db.reading() as conn:
        return outgoing(conn, station.config.station_id, seq - 1, 1)[0]


def _insert(dsn: str, station_id: str, seq: int, body: str, prev_hash: str) -> str:
    digest = hashlib.sha256(f"{prev_hash}|{seq}|{body}".encode()).hexdigest()
    with psycopg.connect(dsn) as conn:
        conn.execute(INSERT, (station_id, seq, body, body, prev_hash, digest))
    return digest


def _two_stations(hub: Hub, tmp_path: Path) -> tuple[Station, str]:
    """LAX01 accepted SHARED and saw PASSING arrive, and pushed both; SFO01 accepted OWN and pushed it:
    SFO01 and its login."""
    lax = open_station(tmp_path, "LAX01")
    _record(lax, SHARED, EventKind.ACCEPTANCE)
    _record(lax, PASSING, EventKind.ARRIVAL)
    assert SyncDesk(lax, PostgresHub(hub.station_dsn("LAX01"))).push().pushed == 2
    sfo = open_station(tmp_path, "SFO01")
    _record(sfo, OWN, EventKind.ACCEPTANCE)
    dsn = hub.station_dsn("SFO01")
    assert SyncDesk(sfo, PostgresHub(dsn)).push().pushed == 1
    return sfo, dsn


def _heads(hub: Hub) -> dict[str, tuple[int, str]]:
    return {s: (q, h) for s, q, h in hub.rows("SELECT station_id, last_seq, last_hash FROM hub.heads")}


def test_a_gap_and_a_correctly_hashed_fork_inserted_directly_are_refused_by_name(
    hub: Hub, tmp_path: Path
) -> None:
    sfo, dsn = _two_stations(hub, tmp_path)
    _record(sfo, OWN, EventKind.DISPATCH)
    _record(sfo, OWN, EventKind.ARRIVAL)
    second, third = _row(sfo, 2), _row(sfo, 3)
    before = _heads(hub)
    with pytest.raises(psycopg.Error, match=r"gap in the chain of SFO01: .* up to seq 1, .* seq 3"):
        _insert(dsn, "SFO01", 3, third.body, second.hash)  # seq 2 never sent
    with pytest.raises(psycopg.Error, match="fork in the chain of SFO01 at seq 2"):
        _insert(dsn, "SFO01", 2, second.body, "f" * 64)  # hashed right, but not after the hub's seq 1
    assert _heads(hub) == before
    assert hub.rows("SELECT count(*) FROM hub.events WHERE station_id = 'SFO01'") == [(1,)]


def test_a_row_that_follows_is_stored_and_moves_only_its_own_stations_head(hub: Hub, tmp_path: Path) -> None:
    sfo, dsn = _two_stations(hub, tmp_path)
    _record(sfo, OWN, EventKind.DISPATCH)
    second = _row(sfo, 2)
    before = _heads(hub)
    digest = _insert(dsn, "SFO01", 2, second.body, second.prev_hash)
    assert digest == second.hash
    assert _heads(hub) == {**before, "SFO01": (2, second.hash)}  # LAX01's head as it was
    stored = hub.rows("SELECT item_id, kind FROM hub.events WHERE station_id = 'SFO01' AND seq = 2")
    assert stored == [(OWN, "dispatch")]  # the columns filled from the hashed body
    assert hub.rows("SELECT count(*) FROM hub.alerts") == [(0,)]


def test_an_acceptance_another_station_made_first_is_raised_and_no_other_row_is(
    hub: Hub, tmp_path: Path
) -> None:
    sfo, dsn = _two_stations(hub, tmp_path)
    _record(sfo, SHARED, EventKind.ARRIVAL)  # not an acceptance: no alert
    _record(sfo, PASSING, EventKind.ACCEPTANCE)  # LAX01 only saw it arrive: no alert
    _record(sfo, SHARED, EventKind.ACCEPTANCE)  # LAX01 accepted it first: one alert
    for seq in (2, 3, 4):
        row = _row(sfo, seq)
        _insert(dsn, "SFO01", seq, row.body, row.prev_hash)
    alerts = hub.rows("SELECT kind, station_id, seq, item_id, detail FROM hub.alerts")
    assert alerts == [
        ("duplicate-acceptance", "SFO01", 4, SHARED, f"{SHARED} accepted at LAX01 and at SFO01"),
    ]


def test_an_altered_row_a_row_naming_another_station_and_an_unknown_station_are_refused(
    hub: Hub, tmp_path: Path
) -> None:
    sfo, dsn = _two_stations(hub, tmp_path)
    _record(sfo, OWN, EventKind.DISPATCH)
    second = _row(sfo, 2)
    with (
        psycopg.connect(dsn) as conn,
        pytest.raises(psycopg.Error, match="altered event: SFO01 seq 2 does not hash to its stored hash"),
    ):
        conn.execute(INSERT, ("SFO01", 2, second.body, second.body, second.prev_hash, "0" * 64))
    elsewhere = second.body.replace('"station_id":"SFO01"', '"station_id":"LAX01"')
    with pytest.raises(psycopg.Error, match="event SFO01 seq 2 names station LAX01"):
        _insert(dsn, "SFO01", 2, elsewhere, second.prev_hash)
    with pytest.raises(psycopg.Error, match="station NOWHERE is not enrolled at this hub"):
        _insert(hub.admin_dsn, "NOWHERE", 1, second.body.replace('"SFO01"', '"NOWHERE"'), second.prev_hash)
    assert hub.rows(
        "SELECT count(*) FROM hub.events WHERE (station_id = 'SFO01' AND seq > 1) OR station_id = 'NOWHERE'"
    ) == [(0,)]
