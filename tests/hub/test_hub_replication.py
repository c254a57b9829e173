"""Regional hubs feed a national hub with PostgreSQL's logical replication: a publication at the
regional hub, a subscription at the national one; the events arrive whole, chains intact."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg

from hub.admin import enrol, init
from hub.client import PostgresHub
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from tests.cli_runner import Ran, run_station
from tests.hub.conftest import open_station
from tests.pg import ADMIN, Cluster


def _cli(*args: str) -> Ran:
    return run_station(*args)


def _national_rows(national: Cluster, want: int) -> list[tuple[str, int, str]]:
    deadline = time.monotonic() + 30
    with psycopg.connect(national.dsn(), autocommit=True) as conn:
        while True:
            rows = conn.execute(
                "SELECT station_id, seq, hash FROM hub.events ORDER BY station_id, seq"
            ).fetchall()
            if len(rows) >= want or time.monotonic() > deadline:
                return [(str(s), int(q), str(h)) for s, q, h in rows]
            time.sleep(0.2)


def test_a_regional_hub_feeds_the_national_hub(tmp_path: Path) -> None:
    regional, national = Cluster.create(), Cluster.create()
    try:
        init(regional.dsn())
        role = enrol(regional.dsn(), "STNA")
        hub = PostgresHub(regional.dsn(role.role, role.password))
        a = open_station(tmp_path, "STNA")
        scans = ScanDesk(a)
        for i in range(5):
            assert scans.record(
                S10.build("CP", 1 + i, "US").text, EventKind.ACCEPTANCE, facility="W", operator="o"
            ).ok
        assert SyncDesk(a, hub).push().waiting == 0
        published = _cli("hub", "publish", "--dsn", regional.passfile_dsn())
        assert published.returncode == 0, published.stderr
        regional.passfile_dsn()  # writes the password file the national hub's subscription reads
        conninfo = f"host={regional.socket_dir} dbname=hub user={ADMIN} passfile={regional.passfile}"
        subscribed = _cli("hub", "subscribe", "WEST", "--dsn", national.passfile_dsn(), "--from", conninfo)
        assert subscribed.returncode == 0, subscribed.stderr
        assert len(_national_rows(national, 5)) == 5  # the initial copy
        for i in range(3):
            assert scans.record(
                S10.build("CP", 10 + i, "US").text, EventKind.ACCEPTANCE, facility="W", operator="o"
            ).ok
        assert SyncDesk(a, hub).push().pushed == 3
        at_national = _national_rows(national, 8)  # streamed as they are committed
        with psycopg.connect(regional.dsn()) as conn:
            at_regional = [
                (str(s), int(q), str(h))
                for s, q, h in conn.execute(
                    "SELECT station_id, seq, hash FROM hub.events ORDER BY 1, 2"
                ).fetchall()
            ]
        assert at_national == at_regional and len(at_national) == 8
        again = _cli("hub", "subscribe", "WEST", "--dsn", national.passfile_dsn(), "--from", conninfo)
        assert again.returncode == 0 and "exists" in again.stdout
    finally:
        with psycopg.connect(national.dsn(), autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_subscription WHERE subname = 'hub_from_west'").fetchone():
                conn.execute("ALTER SUBSCRIPTION hub_from_west DISABLE")
                conn.execute("ALTER SUBSCRIPTION hub_from_west SET (slot_name = NONE)")
                conn.execute("DROP SUBSCRIPTION hub_from_west")
        national.remove()
        regional.remove()
