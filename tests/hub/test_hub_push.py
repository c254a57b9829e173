"""Stations pushing their journals to a hub on a real PostgreSQL cluster: in order, once, checked."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from hub.client import PostgresHub
from station.desks.depot import DepotDesk
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.desks.track import TrackDesk
from station.ids import S10
from station.model.events import EventKind
from station.network.port import HubHead
from station.network.sync import outgoing
from station.store.journal import GENESIS
from tests.hub.conftest import Hub, hub_client, open_station

WHERE = {"facility": "SFO", "operator": "dee"}


def _items(n: int, first: int = 1) -> list[str]:
    return [S10.build("CP", first + i, "US").text for i in range(n)]


def _scan(station_desk: ScanDesk, items: list[str], kind: EventKind = EventKind.ACCEPTANCE) -> None:
    for item in items:
        assert station_desk.record(item, kind, facility="SFO", operator="dee").ok


def test_two_stations_push_in_order_and_each_sees_the_others_events(hub: Hub, tmp_path: Path) -> None:
    a, b = open_station(tmp_path, "STNA"), open_station(tmp_path, "STNB")
    items = _items(30)
    _scan(ScanDesk(a), items)
    _scan(ScanDesk(b), items[:10], EventKind.ARRIVAL)
    hub_a, hub_b = hub_client(hub, "STNA"), hub_client(hub, "STNB")
    first = SyncDesk(a, hub_a).push(batch=7)  # several batches
    assert (first.pushed, first.waiting, first.line) == (30, 0, "pushed 30, waiting 0")
    assert SyncDesk(b, hub_b).push().pushed == 10
    assert SyncDesk(a, hub_a).push().pushed == 0  # nothing twice
    assert hub.rows("SELECT station_id, count(*), max(seq) FROM hub.events GROUP BY 1 ORDER BY 1") == [
        ("STNA", 30, 30),
        ("STNB", 10, 10),
    ]
    with a.db.reading() as conn:
        last = conn.execute(
            "SELECT hash FROM events WHERE station_id='STNA' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert hub.rows("SELECT last_hash FROM hub.heads WHERE station_id = 'STNA'") == [(last[0],)]
    report = TrackDesk(a, hub_a).look_up(items[0]).report  # station A sees B's arrival
    assert report is not None
    assert [(h.event.station_id, str(h.event.kind)) for h in report.history] == [
        ("STNA", "acceptance"),
        ("STNB", "arrival"),
    ]
    alone = TrackDesk(a).look_up(items[0]).report
    assert alone is not None and len(alone.history) == 1  # without the hub: this station only


def test_the_same_batch_pushed_twice_is_stored_once(hub: Hub, tmp_path: Path) -> None:
    a = open_station(tmp_path, "STNA")
    _scan(ScanDesk(a), _items(5))
    client = hub_client(hub, "STNA")
    with a.db.reading() as conn:
        batch = outgoing(conn, "STNA", 0, 100)
    claim = HubHead(5, batch[-1].hash)
    first = client.push(batch, claim, GENESIS)
    again = client.push(batch, claim, batch[-1].hash)  # the ack was lost: the station sends it again
    assert (first.accepted, first.problem) == (5, None)
    assert (again.accepted, again.problem, again.head.last_seq) == (0, None, 5)
    assert hub.rows("SELECT count(*) FROM hub.events") == [(5,)]


def test_an_altered_event_a_gap_and_a_fork_are_refused_whole_and_raised_as_tamper_alerts(
    hub: Hub, tmp_path: Path
) -> None:
    a = open_station(tmp_path, "STNA")
    _scan(ScanDesk(a), _items(6))
    client = hub_client(hub, "STNA")
    with a.db.reading() as conn:
        batch = outgoing(conn, "STNA", 0, 100)
    claim = HubHead(6, batch[-1].hash)
    altered = [
        *batch[:3],
        batch[3]._replace(facility="LAX"),  # the station's database edited: the hash no longer holds
        *batch[4:],
    ]
    refused = client.push(altered, claim, GENESIS)
    assert refused.accepted == 0 and refused.problem and "altered event" in refused.problem
    gap = client.push([*batch[:2], *batch[3:]], claim, GENESIS)
    assert gap.problem and "gap" in gap.problem
    assert hub.rows("SELECT count(*) FROM hub.events") == [(0,)]  # refused whole: not even the first rows
    assert client.push(batch[:4], claim, GENESIS).accepted == 4
    forged = batch[4]._replace(hash="f" * 64)
    fork = client.push([forged], claim, batch[3].hash)
    assert fork.problem and "altered event" in fork.problem
    kinds = hub.rows("SELECT kind, count(*) FROM hub.alerts GROUP BY 1")
    assert kinds == [("tamper", 3)]


def test_a_correctly_hashed_fork_in_the_middle_of_a_batch_is_refused_as_a_fork(
    hub: Hub, tmp_path: Path
) -> None:
    # Issue 30: every row's hash is right, but row 4 follows row 2, not row 3: a chain that forks.
    a = open_station(tmp_path, "STNF")
    _scan(ScanDesk(a), _items(6))
    client = hub_client(hub, "STNF")
    with a.db.reading() as conn:
        batch = outgoing(conn, "STNF", 0, 100)
    body = _body(a, 4)
    fork_hash = hashlib.sha256(f"{batch[1].hash}|4|{body}".encode()).hexdigest()
    forked = batch[3]._replace(prev_hash=batch[1].hash, hash=fork_hash)
    refused = client.push([*batch[:3], forked], HubHead(4, fork_hash), GENESIS)
    assert refused.accepted == 0 and refused.problem == "fork in the chain of STNF at seq 4", refused.problem
    assert hub.rows("SELECT count(*) FROM hub.events WHERE station_id = 'STNF'") == [(0,)]
    assert hub.rows("SELECT kind, seq FROM hub.alerts") == [("tamper", 4)]
    assert client.push(batch, HubHead(6, batch[-1].hash), GENESIS).accepted == 6  # the true chain goes in


def _body(station: Any, seq: int) -> str:
    with station.db.reading() as conn:
        return str(conn.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()[0])


def test_columns_that_are_not_the_hashed_text_are_refused_and_odd_text_is_stored_as_hashed(
    hub: Hub, tmp_path: Path
) -> None:
    a = open_station(tmp_path, "STNA")
    desk = ScanDesk(a)
    odd = 'line\nbreak "quoted" back\\slash tab\t bell\x07 \u00e9\u4e2d\U0001f4e6 \u2028'
    assert desk.record(
        _items(1)[0],
        EventKind.ACCEPTANCE,
        facility="SFO",
        operator="dee",
        note=odd,
        extra={"z": [1.5, None], "a": odd},
    ).ok
    _scan(desk, _items(2, first=50))
    client = hub_client(hub, "STNA")
    with a.db.reading() as conn:
        batch = outgoing(conn, "STNA", 0, 100)
    claim = HubHead(3, batch[-1].hash)
    lies: list[dict[str, Any]] = [
        {"item_id": "CP999999995US"},
        {"facility": "LAX"},
        {"weight_g": 1},
        {"occurred_at": "2020-01-01T00:00:00+00:00"},
    ]
    for lie in lies:
        told = client.push([batch[0]._replace(**lie), *batch[1:]], claim, GENESIS)  # the hash still holds
        assert told.accepted == 0 and "its columns are not the text it hashed" in str(told.problem), lie
    plain = client.push([batch[0], batch[1]._replace(item_id="CP999999995US"), batch[2]], claim, GENESIS)
    assert plain.accepted == 0 and "altered event" in str(plain.problem)  # rebuilt at the hub: no hash
    garbled = client.push([batch[0]._replace(occurred_at="half past nine"), *batch[1:]], claim, GENESIS)
    assert garbled.accepted == 0 and "its columns are not the text it hashed" in str(garbled.problem)
    assert client.push(batch, claim, GENESIS).accepted == 3
    stored = hub.rows("SELECT note, extra, body FROM hub.events WHERE seq = 1")
    assert stored == [(odd, {"z": [1.5, None], "a": odd}, batch[0].body)]
    assert len(hub.rows("SELECT 1 FROM hub.alerts WHERE kind = 'tamper'")) == 6


def test_a_truncated_and_a_rewritten_station_journal_are_caught_at_the_next_push(
    hub: Hub, tmp_path: Path
) -> None:
    a = open_station(tmp_path, "STNA")
    desk = ScanDesk(a)
    _scan(desk, _items(8))
    client = hub_client(hub, "STNA")
    assert SyncDesk(a, client).push().pushed == 8
    db_file = a.paths.db
    a.close()
    with sqlite3.connect(db_file) as raw:  # someone edits the station's database behind its back
        raw.execute("DROP TRIGGER events_no_delete")
        raw.execute("DELETE FROM events WHERE station_id = 'STNA' AND seq > 5")
    a = open_station(tmp_path, "STNA")
    truncated = SyncDesk(a, client).push()
    assert truncated.refused and "truncated" in str(truncated.problem)
    assert "REFUSED by the hub" in truncated.line and truncated.status().startswith("HUB REFUSED")
    _scan(ScanDesk(a), _items(3, first=100))  # new events reuse seq 6-8 with other contents
    forked = SyncDesk(a, client).push()
    assert forked.refused
    assert hub.rows("SELECT count(*) FROM hub.events") == [(8,)]  # nothing overwritten
    alerts = [str(r[0]) for r in hub.rows("SELECT detail FROM hub.alerts ORDER BY id")]
    assert any("truncated" in d for d in alerts)


def test_a_station_role_inserts_only_its_own_rows_and_never_updates_or_deletes(
    hub: Hub, tmp_path: Path
) -> None:
    a = open_station(tmp_path, "STNA")
    _scan(ScanDesk(a), _items(2))
    dsn_a = hub.station_dsn("STNA")
    hub.station_dsn("STNB")
    assert SyncDesk(a, PostgresHub(dsn_a)).push().pushed == 2
    with a.db.reading() as conn:
        row = outgoing(conn, "STNA", 0, 1)[0]
    # A well-formed event of station B, hash and chain right: only the policy stands in the way.
    body = row.body.replace('"station_id":"STNA"', '"station_id":"STNB"')
    digest = hashlib.sha256(f"{GENESIS}|1|{body}".encode()).hexdigest()
    with psycopg.connect(dsn_a) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):  # RLS
        conn.execute(
            "INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, facility, operator,"
            " occurred_at, extra, body, prev_hash, hash, recorded_at)"
            " VALUES ('STNB', 1, '', '', '', '', '', (%s::jsonb->>'occurred_at')::timestamptz, '{}',"
            " %s, %s, %s, now())",
            (body, body, GENESIS, digest),
        )
    for statement in (
        "DELETE FROM hub.events WHERE station_id = 'STNA'",
        "UPDATE hub.events SET note = 'x'",
        "DELETE FROM hub.heads",
        "DELETE FROM hub.alerts",
    ):
        with psycopg.connect(dsn_a) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
    with psycopg.connect(hub.admin_dsn) as conn, pytest.raises(psycopg.Error, match="append-only"):
        conn.execute("DELETE FROM hub.events")  # not even the owner: the trigger is the second wall
    assert hub.rows("SELECT count(*) FROM hub.events WHERE station_id = 'STNA'") == [(2,)]


def test_a_sack_dispatched_at_one_depot_is_received_at_another_with_its_contents(
    hub: Hub, tmp_path: Path
) -> None:
    west = open_station(tmp_path, "WEST")
    east = open_station(tmp_path, "EAST", datetime(2026, 11, 30, 20, 0, tzinfo=UTC))  # the truck took hours
    hub_west, hub_east = hub_client(hub, "WEST"), hub_client(hub, "EAST")
    depot = DepotDesk(west)
    sack = depot.new_sack(**WHERE).id
    assert sack is not None
    items = _items(3)
    for item in items:
        assert depot.sort(item, sack, **WHERE).ok
    assert depot.close(sack, **WHERE).ok and depot.dispatch(sack, **WHERE).ok
    assert SyncDesk(west, hub_west).push().waiting == 0
    received = DepotDesk(east, hub=hub_east).receive(sack, facility="EAST-DEPOT", operator="ed")
    assert received.ok and received.message == "sack received with 3 items (from SFO)"
    assert received.details["contents"] == sorted(items)
    assert SyncDesk(east, hub_east).push().waiting == 0
    report = TrackDesk(west, hub_west).look_up(items[0]).report  # the item's history has the arrival
    assert report is not None
    assert [(h.event.station_id, str(h.event.kind), h.via_container) for h in report.history][-1] == (
        "EAST",
        "arrival",
        sack,
    )
