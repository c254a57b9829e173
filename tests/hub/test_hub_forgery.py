"""A station that tries to forge or confuse the network, with its own hub login (issue 28, findings 1-2).

Each test plays the hostile station exactly as a psql session with that login could, against a real
cluster, and shows that the other station's chain, the alerts and what every station reads are as
they were.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import psycopg
import pytest

from hub.client import PostgresHub
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from station.network.port import HubHead, Outgoing
from station.network.sync import outgoing
from tests.hub.conftest import Hub, open_station

ITEM = S10.build("CP", 7, "US").text  # accepted at SFO01
LAX_ITEM = S10.build("CP", 8, "US").text  # accepted at LAX01


def _pushed(hub: Hub, tmp_path: Path, station_id: str) -> tuple[str, PostgresHub, Any]:
    """A station with one acceptance at the hub; its DSN, its client and the station."""
    station = open_station(tmp_path, station_id)
    item = ITEM if station_id == "SFO01" else LAX_ITEM
    assert ScanDesk(station).record(item, EventKind.ACCEPTANCE, facility=station_id, operator="dee").ok
    dsn = hub.station_dsn(station_id)
    client = PostgresHub(dsn)
    assert SyncDesk(station, client).push().pushed == 1
    return dsn, client, station


def _state(hub: Hub, station_id: str) -> tuple[Any, ...]:
    return (
        hub.rows("SELECT last_seq, last_hash FROM hub.heads WHERE station_id = %s", station_id),
        hub.rows("SELECT count(*) FROM hub.alerts"),
        hub.rows("SELECT count(*) FROM hub.events"),
        hub.rows("SELECT count(*) FROM hub.follows"),
    )


def test_finding_1_a_station_cannot_move_another_stations_head(hub: Hub, tmp_path: Path) -> None:
    sfo_dsn, _, _ = _pushed(hub, tmp_path, "SFO01")
    _, lax_client, lax = _pushed(hub, tmp_path / "lax", "LAX01")
    before = _state(hub, "LAX01")
    head = hub.rows("SELECT last_hash FROM hub.heads WHERE station_id = 'LAX01'")[0][0]
    body = f'{{"station_id":"LAX01","kind":"delivered","item_id":"{ITEM}"}}'
    digest = hashlib.sha256(f"{head}|2|{body}".encode()).hexdigest()
    with psycopg.connect(sfo_dsn) as conn, pytest.raises(psycopg.errors.UndefinedFunction):
        # The call that wedged LAX01's chain before schema 4.
        conn.execute(
            "SELECT hub.checked_row(ROW('LAX01', 2, 'e', %s, 'delivered', NULL, 'F', 'o', now(), NULL, NULL,"
            " NULL, NULL, NULL, '{}', %s, %s, %s, now(), now())::hub.events)",
            (ITEM, body, head, digest),
        )
    with psycopg.connect(sfo_dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(  # a direct insert of LAX01's next event, hash and chain right
            "INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, facility, operator,"
            " occurred_at, extra, body, prev_hash, hash, recorded_at)"
            " VALUES ('LAX01', 2, '', '', '', '', '', '2026-11-30T09:00:00Z', '{}', %s, %s, %s, now())",
            (body, head, digest),
        )
    assert _state(hub, "LAX01") == before
    assert ScanDesk(lax).record(LAX_ITEM, EventKind.ARRIVAL, facility="LAX01", operator="dee").ok
    assert SyncDesk(lax, lax_client).push().pushed == 1  # LAX01 pushes on as before
    assert hub.rows("SELECT count(*) FROM hub.alerts") == [(0,)]


# What a station login may try with each SECURITY DEFINER function of the hub schema. A new definer
# function must add its hostile call here, or this test fails.
HOSTILE_CALLS = {
    "check_event": "SELECT hub.check_event()",
    "ensure_month": "SELECT hub.ensure_month('2031-01-01T00:00:00Z')",
    "events_of": f"SELECT * FROM hub.events_of('{LAX_ITEM}')",  # another station's item: public parts
    "flag_future_event": "SELECT hub.flag_future_event()",
    "finish_lease": "SELECT hub.finish_lease(id) FROM generate_series(1, 50) AS id",  # others' leases
    "lease_serials": "SELECT * FROM hub.lease_serials('s10:EE:US', 99999999)",
    "push_rows": "SELECT * FROM hub.push_rows(0, repeat('0', 64), NULL)",
    "push_follows": (
        "SELECT hub.push_follows(ARRAY[1]::bigint[], ARRAY['+12065550100'], ARRAY['CP000000007US'],"
        " ARRAY[now()])"
    ),
    # Schema 9: customers' choices. A station takes and acknowledges only its own; the web login's
    # functions (the postcode gate, choosing) are not a station's to call.
    "choices_for_me": "SELECT * FROM hub.choices_for_me()",
    "ack_choices": "SELECT hub.ack_choices(ARRAY(SELECT generate_series(1, 50)::bigint))",
    "web_gate": f"SELECT hub.web_gate('{LAX_ITEM}', '00000', 'x')",
    "web_gate_failures": f"SELECT * FROM hub.web_gate_failures('{LAX_ITEM}', 'x')",
    "web_choose": f"SELECT * FROM hub.web_choose('{LAX_ITEM}', '00000', 'x', 'hold', '{{}}')",
    "web_choice_of": f"SELECT * FROM hub.web_choice_of('{LAX_ITEM}')",
    # Schema 10: checkpoints. Pushed as the caller only; another station's evidence is public anyway.
    "push_checkpoints": (
        "SELECT * FROM hub.push_checkpoints('a2V5', ARRAY[1]::bigint[], ARRAY[repeat('0', 64)], ARRAY['t'],"
        " ARRAY[1]::bigint[], ARRAY[repeat('0', 64)], ARRAY['c2ln'])"
    ),
    "my_checkpoint_seq": "SELECT hub.my_checkpoint_seq()",
    "event_evidence": "SELECT * FROM hub.event_evidence('LAX01', 1)",
    # Schema 11: texts from the tracking page (the web login's).
    "web_text_request": f"SELECT hub.web_text_request('{LAX_ITEM}', '00000', 'x', '+12065550100', 'follow')",
    # Schema 14: door photos. A station hands over only a photo its own delivery event names; the
    # photos are read only through the web login's gated function.
    "push_photo": f"SELECT hub.push_photo('{LAX_ITEM}', 'photo-x', '\\xffd8ff'::bytea)",
    "web_photo": f"SELECT * FROM hub.web_photo('{LAX_ITEM}', '00000', 'x')",
}


def test_finding_1_every_definer_function_pins_its_path_and_refuses_a_station_acting_for_another(
    hub: Hub, tmp_path: Path
) -> None:
    sfo_dsn, _, _ = _pushed(hub, tmp_path, "SFO01")
    _pushed(hub, tmp_path / "lax", "LAX01")
    functions = hub.rows(
        "SELECT p.proname, p.oid::regprocedure::text, coalesce(array_to_string(p.proconfig, ','), '')"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'hub' AND p.prosecdef ORDER BY 1"
    )
    assert {name for name, _, _ in functions} == set(HOSTILE_CALLS), "a definer function without a test"
    role = hub.rows("SELECT role_name FROM hub.stations WHERE station_id = 'SFO01'")[0][0]
    lax_leases = _leases(hub, "LAX01")
    assert lax_leases  # leased at its first sync
    lax_evidence = hub.rows(
        "SELECT (SELECT count(*) FROM hub.checkpoints WHERE station_id = 'LAX01'),"
        " (SELECT count(*) FROM hub.station_keys WHERE station_id = 'LAX01'),"
        " (SELECT count(*) FROM hub.choice_receipts WHERE station_id = 'LAX01'),"
        " (SELECT count(*) FROM hub.door_photos)"
    )
    for name, signature, config in functions:
        assert "search_path=hub, pg_temp" in config, f"{signature} does not pin its search_path"
        executable = hub.rows("SELECT has_function_privilege(%s, %s, 'EXECUTE')", role, signature)[0][0]
        if not executable:
            continue
        before = _state(hub, "LAX01")
        with psycopg.connect(sfo_dsn) as conn:
            try:
                conn.execute(HOSTILE_CALLS[name]).fetchall()
            except psycopg.Error:
                conn.rollback()  # refused
            else:
                conn.commit()
        lax_head, _, _, _ = _state(hub, "LAX01")
        assert lax_head == before[0], f"{signature} moved another station's head"
        lax_alerts = hub.rows("SELECT count(*) FROM hub.alerts WHERE station_id = 'LAX01'")
        assert lax_alerts == [(0,)], f"{signature} made an alert about another station"
        lax_follows = hub.rows("SELECT count(*) FROM hub.follows WHERE station_id = 'LAX01'")
        assert lax_follows == [(0,)]
        assert _leases(hub, "LAX01") == lax_leases, f"{signature} changed another station's leases"
        theirs = hub.rows(
            "SELECT (SELECT count(*) FROM hub.checkpoints WHERE station_id = 'LAX01'),"
            " (SELECT count(*) FROM hub.station_keys WHERE station_id = 'LAX01'),"
            " (SELECT count(*) FROM hub.choice_receipts WHERE station_id = 'LAX01'),"
            " (SELECT count(*) FROM hub.door_photos)"
        )
        assert theirs == lax_evidence, f"{signature} changed another station's checkpoints, choices or photos"


def _leases(hub: Hub, station_id: str) -> list[tuple[Any, ...]]:
    return hub.rows(
        "SELECT id, space, first_serial, last_serial, finished_at FROM hub.serial_leases"
        " WHERE station_id = %s ORDER BY id",
        station_id,
    )


def _glued(row: Outgoing, station_id: str) -> str:
    """The body the hub rebuilds from the columns when none is sent (hub.push_rows)."""

    def text(value: str | None) -> str:
        return "null" if value is None else f'"{value}"'

    return (
        f'{{"container_id":{text(row.container_id)},"event_id":{text(row.event_id)},"extra":{row.extra}'
        f',"facility":{text(row.facility)},"item_id":{text(row.item_id)},"kind":{text(row.kind)}'
        f',"note":{text(row.note)},"occurred_at":{text(row.occurred_at)},"operator":{text(row.operator)}'
        f',"reason":{text(row.reason)},"signature_ref":{text(row.signature_ref)}'
        f',"station_id":"{station_id}","upu_code":{text(row.upu_code)}'
        f',"weight_g":{"null" if row.weight_g is None else row.weight_g}}}'
    )


def test_finding_2_columns_that_would_rewrite_the_rebuilt_body_are_refused(hub: Hub, tmp_path: Path) -> None:
    _, sfo_client, sfo = _pushed(hub, tmp_path, "SFO01")
    _, lax_client, _ = _pushed(hub, tmp_path / "lax", "LAX01")
    with sfo.db.reading() as conn:
        first = outgoing(conn, "SFO01", 0, 1)[0]
    # A note by SFO01 in its columns, whose glued text parses (the last key wins) to a delivery by LAX01.
    forged = first._replace(
        seq=2,
        prev_hash=first.hash,
        event_id="forged-1",
        kind="note",
        upu_code='EMI","station_id":"LAX01',
        note='x","kind":"delivered',
    )
    body = _glued(forged, "SFO01")
    assert '"kind":"delivered"' in body and "\\" not in body  # no backslash: the client sends no body
    forged = forged._replace(body=body, hash=hashlib.sha256(f"{first.hash}|2|{body}".encode()).hexdigest())
    answer = sfo_client.push([forged], HubHead(2, forged.hash), first.hash)
    assert answer.accepted == 0 and answer.problem is not None and "no body was sent" in answer.problem
    assert hub.rows("SELECT count(*) FROM hub.events WHERE station_id = 'SFO01'") == [(1,)]
    assert hub.rows("SELECT station_id, kind FROM hub.alerts") == [("SFO01", "tamper")]
    seen = lax_client.events_for(ITEM)  # what every station's `track` reads
    assert [(e.station_id, str(e.kind)) for e in seen] == [("SFO01", "acceptance")]


def test_finding_2_a_note_with_quotes_goes_with_its_body_and_is_stored(hub: Hub, tmp_path: Path) -> None:
    # The control: text with quotes is no forgery when the station sends the body that escapes them.
    _, sfo_client, sfo = _pushed(hub, tmp_path, "SFO01")
    assert (
        ScanDesk(sfo)
        .record(ITEM, EventKind.NOTE, facility="SFO01", operator="dee", note='customer says "leave at door"')
        .ok
    )
    assert SyncDesk(sfo, sfo_client).push().pushed == 1
    assert hub.rows("SELECT note FROM hub.events WHERE seq = 2") == [('customer says "leave at door"',)]
