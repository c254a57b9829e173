"""Look-ups served by a hot standby while the primary is down; scans still go to the primary only."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg

from hub.admin import enrol, init
from hub.client import PostgresHub
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.desks.track import TrackDesk
from station.model.events import EventKind
from tests.hub.conftest import open_station
from tests.pg import Cluster


def test_a_standby_answers_look_ups_while_the_primary_is_down(tmp_path: Path) -> None:
    primary = Cluster.create()
    standby = None
    try:
        init(primary.dsn())
        a_role = enrol(primary.dsn(), "STNA")
        b_role = enrol(primary.dsn(), "STNB")
        standby = Cluster.standby_of(primary)
        both = f"{primary.socket_dir},{standby.socket_dir}"

        def dsn(role: str, password: str) -> str:  # one multi-host DSN, as a station is given it
            return f"postgresql://{role}:{password}@/hub?host={both}"

        a, b = open_station(tmp_path, "STNA"), open_station(tmp_path, "STNB")
        assert ScanDesk(a).record("RR473124829GB", EventKind.ACCEPTANCE, facility="SFO", operator="ann").ok
        assert SyncDesk(a, PostgresHub(dsn(a_role.role, a_role.password))).push().pushed == 1
        with psycopg.connect(standby.dsn()) as conn:  # wait for the standby to replay it
            deadline = time.monotonic() + 20
            while conn.execute("SELECT count(*) FROM hub.events").fetchone() != (1,):
                assert time.monotonic() < deadline, "the standby did not catch up"
                time.sleep(0.1)
                conn.rollback()
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        primary.stop("immediate")
        hub_b = PostgresHub(dsn(b_role.role, b_role.password))
        report = TrackDesk(b, hub_b).look_up("RR473124829GB").report  # station B has no scan of its own
        assert report is not None and [h.event.station_id for h in report.history] == ["STNA"]
        assert not any("unreachable" in f for f in report.flags)
        assert ScanDesk(b).record("RR473124829GB", EventKind.ARRIVAL, facility="OAK", operator="bo").ok
        pushed = SyncDesk(b, hub_b).push()  # a standby takes no writes: the scan waits for the primary
        assert not pushed.online and pushed.waiting == 1
    finally:
        if standby is not None:
            standby.remove()
        primary.remove()
