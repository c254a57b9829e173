"""Customers' choices at the hub (issue 32): taken only through the postcode gate, handed to each station
that handled the item once (until it says it holds them), honoured where the item is, and out of reach
of a station's login (no station guesses postcodes) and of the web login (no reading choices back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from hub.admin import enrol_web
from hub.client import PostgresHub
from station.desks.carrier import CarrierDesk
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from station.store.journal import events_of
from tests.hub.conftest import Hub, open_station

ITEM = S10.build("CP", 4242, "US").text


def _web(hub: Hub) -> str:
    login = enrol_web(hub.admin_dsn, "public")
    return hub.cluster.passfile_dsn(hub.database, login.role, login.password)


def _choose(web_dsn: str, item: str, postcode: str, choice: str, detail: dict[str, Any]) -> int | str:
    """The choice's id, or the hub's refusal."""
    with psycopg.connect(web_dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT choice_id, refusal FROM hub.web_choose(%s, %s, 'test-client', %s, %s::jsonb)",
            (item, postcode, choice, Jsonb(detail)),
        ).fetchone()
    assert row is not None
    return int(row[0]) if row[1] is None else str(row[1])


def test_a_choice_reaches_each_station_that_handled_the_item_once_and_is_honoured_where_it_is(
    hub: Hub, tmp_path: Path
) -> None:
    origin, office, other = (open_station(tmp_path, s) for s in ("ORIG1", "SFO1", "ELSE1"))
    links = {s.station_id: PostgresHub(hub.station_dsn(s.station_id)) for s in (origin, office, other)}
    accept = {"service": "priority", "destination_zip": "94105"}
    assert (
        ScanDesk(origin)
        .record(ITEM, EventKind.ACCEPTANCE, facility="ORIG1-DEPOT", operator="a", extra=accept)
        .ok
    )
    assert ScanDesk(office).record(ITEM, EventKind.DELIVERY_OFFICE, facility="SFO1-DEPOT", operator="b").ok
    for station in (origin, office, other):
        SyncDesk(station, links[station.station_id]).push()
    # The origin goes on scanning other items: the item's last scan is still the office's.
    other_item = S10.build("CP", 4243, "US").text
    assert ScanDesk(origin).record(other_item, EventKind.ACCEPTANCE, facility="ORIG1-DEPOT", operator="a").ok
    SyncDesk(origin, links["ORIG1"]).push()
    made = _choose(_web(hub), ITEM, "94105", "redirect", {"office": "OAK1-DEPOT"})
    assert [c.choice_id for c in links["ELSE1"].choices()] == []  # never handled it: never told
    for station in (origin, office):
        SyncDesk(station, links[station.station_id]).push()
        assert links[station.station_id].choices() == []  # held now: not handed over again
    with office.db.reading() as conn:
        taken = [e for e in events_of(conn, ITEM) if e.kind is EventKind.CHOICE]
    assert [(e.extra["choice_id"], e.extra["office"]) for e in taken] == [(made, "OAK1-DEPOT")]
    with origin.db.reading() as conn:
        assert [e for e in events_of(conn, ITEM) if e.kind is EventKind.CHOICE] == []  # not there
    refused = CarrierDesk(office).load(ITEM, facility="SFO1-DEPOT", operator="b")
    assert not refused.ok and "redirect it to office OAK1-DEPOT" in (refused.reason or "")
    later = _choose(_web(hub), ITEM, "94105", "hold", {})
    assert [c.choice_id for c in links["SFO1"].choices()] == [later]  # a new choice comes too
    rows = hub.rows("SELECT station_id, choice_id FROM hub.choice_receipts ORDER BY station_id, choice_id")
    assert rows == [("ORIG1", made), ("SFO1", made)]


def test_a_wrong_postcode_refuses_the_choice_and_is_counted(hub: Hub, tmp_path: Path) -> None:
    origin = open_station(tmp_path, "ORIG1")
    earlier = S10.build("CP", 4241, "US").text  # another item, accepted first, to another ZIP
    before = {"service": "priority", "destination_zip": "10001"}
    assert (
        ScanDesk(origin)
        .record(earlier, EventKind.ACCEPTANCE, facility="ORIG1-DEPOT", operator="a", extra=before)
        .ok
    )
    extra = {"service": "priority", "destination_zip": "94105"}
    assert (
        ScanDesk(origin)
        .record(ITEM, EventKind.ACCEPTANCE, facility="ORIG1-DEPOT", operator="a", extra=extra)
        .ok
    )
    SyncDesk(origin, PostgresHub(hub.station_dsn("ORIG1"))).push()
    web = _web(hub)
    assert _choose(web, ITEM, "94106", "hold", {}) == "gate:wrong"
    assert _choose(web, ITEM, "10001", "hold", {}) == "gate:wrong"  # the other item's ZIP is not this one's
    assert hub.rows("SELECT count(*) FROM hub.gate_failures WHERE item_id = %s", ITEM) == [(2,)]
    assert hub.rows("SELECT count(*) FROM hub.choices") == [(0,)]
    assert isinstance(_choose(web, ITEM, "94105-0001", "hold", {}), int)  # its own ZIP+4 opens it


def test_a_station_cannot_guess_postcodes_and_the_web_login_cannot_read_choices_back(
    hub: Hub, tmp_path: Path
) -> None:
    station_dsn = hub.station_dsn("ORIG1")
    with psycopg.connect(station_dsn, autocommit=True) as conn:
        for sql in (
            "SELECT hub.web_gate('X', '1', 'c')",
            "SELECT hub.web_choose('X', '1', 'c', 'hold', '{}')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    with psycopg.connect(_web(hub), autocommit=True) as conn:
        for sql in (
            "SELECT * FROM hub.choices_for_me()",
            "SELECT * FROM hub.choices",
            "SELECT * FROM hub.follows",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)


def test_the_hubs_public_kinds_are_the_kind_facts_public_ones(hub: Hub) -> None:
    from station.model.events import EventKind

    shown = dict(
        hub.rows("SELECT k, hub.is_public_kind(k) FROM unnest(%s::text[]) k", [str(k) for k in EventKind])
    )
    assert shown == {str(k): k.facts.public for k in EventKind}
