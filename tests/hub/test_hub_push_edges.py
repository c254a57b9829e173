"""hub.push_rows at its edges, where the hub's SQL mutants (`./dev mutants`) found no test: the row the hub
holds at its head sent again, changed or unchanged; a gap after it; an acceptance re-sent; a login that
is no station; one station's clock alert beside another's."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from station.app import Station
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.model.events import EventKind
from station.network.port import HubHead, Outgoing
from station.network.sync import outgoing
from station.store.journal import GENESIS
from tests.hub.conftest import Hub, hub_client, open_station
from tests.hub.test_hub_push import _items


def _journal(station: Station, items: list[str], kind: EventKind = EventKind.ACCEPTANCE) -> list[Outgoing]:
    desk = ScanDesk(station)
    for item in items:
        assert desk.record(item, kind, facility="SFO", operator="dee").ok
    with station.db.reading() as conn:
        return outgoing(conn, station.config.station_id, 0, 100)


def _rehashed(row: Outgoing, facility: str) -> Outgoing:
    """The row with another facility, its body and hash made anew: a correctly hashed other event."""
    body = row.body.replace('"facility":"SFO"', f'"facility":"{facility}"')
    digest = hashlib.sha256(f"{row.prev_hash}|{row.seq}|{body}".encode()).hexdigest()
    return row._replace(body=body, facility=facility, hash=digest)


def test_the_head_row_sent_again_changed_is_refused_as_a_fork(hub: Hub, tmp_path: Path) -> None:
    a = open_station(tmp_path, "STNH")
    batch = _journal(a, _items(5, 700))
    client = hub_client(hub, "STNH")
    assert client.push(batch[:3], HubHead(3, batch[2].hash), GENESIS).accepted == 3
    changed = _rehashed(batch[2], "LAX")  # the event the hub holds at its head, rewritten and rehashed
    refused = client.push([changed, *batch[3:]], HubHead(5, batch[4].hash), batch[2].hash)
    assert (refused.accepted, refused.problem) == (0, "fork at seq 3")
    alerts = hub.rows("SELECT kind, seq, detail FROM hub.alerts")
    assert alerts == [("tamper", 3, "fork: the station's event 3 differs from the one the hub holds")]
    assert hub.rows("SELECT max(seq) FROM hub.events WHERE station_id = 'STNH'") == [(3,)]


def test_the_head_row_sent_again_unchanged_with_a_gap_after_it_is_named_after_the_head(
    hub: Hub, tmp_path: Path
) -> None:
    a = open_station(tmp_path, "STNG")
    batch = _journal(a, _items(5, 710))
    client = hub_client(hub, "STNG")
    assert client.push(batch[:3], HubHead(3, batch[2].hash), GENESIS).accepted == 3
    gapped = client.push([batch[2], batch[4]], HubHead(5, batch[4].hash), batch[2].hash)
    assert (gapped.accepted, gapped.problem) == (0, "gap in the chain of STNG: seq 5 follows seq 3")
    whole = client.push([batch[2], *batch[3:]], HubHead(5, batch[4].hash), batch[2].hash)
    assert (whole.accepted, whole.problem) == (2, None)  # the head row again is no harm


def test_an_acceptance_the_hub_holds_sent_again_raises_no_second_alert(hub: Hub, tmp_path: Path) -> None:
    [shared] = _items(1, 720)
    first = open_station(tmp_path, "FIRST")
    _journal(first, [shared])
    assert SyncDesk(first, hub_client(hub, "FIRST")).push().pushed == 1
    second = open_station(tmp_path, "SECND")
    batch = _journal(second, [shared, *_items(1, 721)])
    client = hub_client(hub, "SECND")
    assert client.push(batch[:1], HubHead(1, batch[0].hash), GENESIS).accepted == 1
    assert client.push(batch, HubHead(2, batch[1].hash), batch[0].hash).accepted == 1
    alerts = hub.rows("SELECT kind, station_id, seq, item_id FROM hub.alerts")
    assert alerts == [("duplicate-acceptance", "SECND", 1, shared)]  # once, when it first arrived


def test_a_login_that_is_no_station_cannot_push(hub: Hub) -> None:
    with psycopg.connect(hub.admin_dsn) as conn:
        conn.execute("CREATE TEMP TABLE incoming_rows (seq bigint)")
        with pytest.raises(psycopg.Error, match="is not an enrolled station"):
            conn.execute("SELECT * FROM hub.push_rows(1, %s, %s)", ("0" * 64, GENESIS))
    assert hub.rows("SELECT count(*) FROM hub.heads") == [(0,)]


def test_each_station_gets_its_own_clock_alert_another_stations_does_not_stand_for_it(
    hub: Hub, tmp_path: Path
) -> None:
    ahead = datetime.now(UTC) + timedelta(days=3)
    one = open_station(tmp_path, "AHD01", ahead)
    two = open_station(tmp_path, "AHD02", ahead)
    [shared, own] = _items(2, 730)
    _journal(two, [shared])
    assert SyncDesk(two, hub_client(hub, "AHD02")).push().pushed == 1  # AHD02's clock alert
    _journal(one, [shared, own])  # AHD01 accepts AHD02's item too: its clock alert and a duplicate
    assert SyncDesk(one, hub_client(hub, "AHD01")).push().pushed == 2
    alerts = sorted(hub.rows("SELECT kind, station_id FROM hub.alerts"))
    assert alerts == [("clock", "AHD01"), ("clock", "AHD02"), ("duplicate-acceptance", "AHD01")]
