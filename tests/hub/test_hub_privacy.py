"""Personal data at the hub (issue 28, finding 7): an item abroad's addressee, sender and declaration
are read whole only by the stations that handled the item; every other station reads its public parts."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from hub.client import PostgresHub
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from tests.hub.conftest import Hub, open_station

ITEM = S10.build("CP", 3141, "US").text
PERSONAL = {
    "addressee": {"name": "Ivan Petrov", "street": "ul. Tverskaya 7", "city": "Moskva"},
    "sender": ["Ann Lee", "1 Main St", "New York NY 10001"],
    "customs": {"category": "gift", "lines": [{"description": "wool scarf", "value": "25.00"}]},
}


def test_issue_28_finding_7_only_the_stations_that_handled_an_item_read_its_personal_parts(
    hub: Hub, tmp_path: Path
) -> None:
    origin = open_station(tmp_path, "ORIG1")
    exchange = open_station(tmp_path, "EXCH1")
    dsns = {s: hub.station_dsn(s) for s in ("ORIG1", "EXCH1", "ELSE1")}
    extra = {"service": "intl-parcel", "destination_country": "RU", **PERSONAL}
    assert ScanDesk(origin).record(ITEM, EventKind.ACCEPTANCE, facility="NYC", operator="ann", extra=extra).ok
    assert SyncDesk(origin, PostgresHub(dsns["ORIG1"])).push().pushed == 1
    assert ScanDesk(exchange).record(ITEM, EventKind.ARRIVAL, facility="JFK-EXCHANGE", operator="bo").ok
    assert SyncDesk(exchange, PostgresHub(dsns["EXCH1"])).push().pushed == 1

    def acceptance_extra(station_id: str) -> dict[str, object]:
        seen = PostgresHub(dsns[station_id]).events_for(ITEM)
        return next(e.extra for e in seen if e.kind is EventKind.ACCEPTANCE)

    assert acceptance_extra("ORIG1")["addressee"] == PERSONAL["addressee"]  # the origin
    assert acceptance_extra("EXCH1")["sender"] == PERSONAL["sender"]  # the exchange office handled it
    public = acceptance_extra("ELSE1")
    assert public == {"service": "intl-parcel", "destination_country": "RU"}  # the rest: public parts
    with psycopg.connect(dsns["ELSE1"]) as conn:
        rows = conn.execute(
            "SELECT extra::text FROM hub.events_public WHERE item_id = %s", (ITEM,)
        ).fetchall()
        assert rows and not any(word in row[0] for row in rows for word in ("Petrov", "Ann Lee", "scarf"))
    for sql in ("SELECT extra FROM hub.events", "SELECT body FROM hub.events"):
        with psycopg.connect(dsns["ELSE1"]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)
