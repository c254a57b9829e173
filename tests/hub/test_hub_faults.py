"""The hub failing under the station: stopped mid-push, the connection cut mid-batch, the station killed
mid-push. Every case: nothing lost, nothing duplicated, the chain verified at the hub."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk, SyncReport
from station.ids import S10
from station.model.events import EventKind
from tests.hub.conftest import Hub, hub_client, open_station
from tests.pg import Cluster


def _fill(station_desk: ScanDesk, n: int) -> None:
    for i in range(n):
        assert station_desk.record(
            S10.build("CP", 1 + i, "US").text, EventKind.ACCEPTANCE, facility="SFO", operator="dee"
        ).ok


def _hub_count(hub: Hub) -> int:
    for _ in range(100):
        try:
            return int(hub.rows("SELECT count(*) FROM hub.events")[0][0])
        except psycopg.OperationalError:
            time.sleep(0.1)  # the cluster is restarting
    raise AssertionError("the hub did not come back")


def _wait_for_rows(hub: Hub, at_least: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while _hub_count(hub) < at_least:
        assert time.monotonic() < deadline, "the push did not start"
        time.sleep(0.02)


def _verified(hub: Hub, station_id: str, local_last: tuple[int, str]) -> None:
    """The hub holds exactly the station's events 1..N once each, its head is the station's last."""
    rows = hub.rows(
        "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM hub.events WHERE station_id = %s",
        station_id,
    )
    assert rows == [(local_last[0], local_last[0], 1, local_last[0])]
    assert hub.rows("SELECT last_seq, last_hash FROM hub.heads WHERE station_id = %s", station_id) == [
        local_last
    ]
    assert hub.rows("SELECT count(*) FROM hub.alerts") == [(0,)]


def _last(station: object) -> tuple[int, str]:
    with station.db.reading() as conn:  # type: ignore[attr-defined]
        row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return int(row[0]), str(row[1])


def _push_in_background(desk: SyncDesk, batch: int) -> tuple[threading.Thread, list[SyncReport]]:
    out: list[SyncReport] = []
    thread = threading.Thread(target=lambda: out.append(desk.push(batch=batch)), daemon=True)
    thread.start()
    return thread, out


def test_the_hub_stopped_immediately_mid_push_loses_and_doubles_nothing(
    hub: Hub, cluster: Cluster, tmp_path: Path
) -> None:
    a = open_station(tmp_path, "STNA")
    _fill(ScanDesk(a), 3000)
    desk = SyncDesk(a, hub_client(hub, "STNA"))
    thread, result = _push_in_background(desk, batch=50)
    _wait_for_rows(hub, 200)
    cluster.stop("immediate")  # a crash of the hub's server, mid-batch
    thread.join(30)
    try:
        assert result and not result[0].online and 0 < result[0].waiting < 3000
        assert result[0].line.startswith(f"pushed {result[0].pushed}, waiting")
        assert "hub: offline since" in result[0].status()
        scanned_offline = ScanDesk(a).record(
            "RR473124829GB", EventKind.ACCEPTANCE, facility="SFO", operator="dee"
        )
        assert scanned_offline.ok  # the station works on while the hub is down
    finally:
        cluster.start()
    again = desk.push()
    assert again.online and again.waiting == 0
    _verified(hub, "STNA", _last(a))


def test_the_connection_cut_mid_batch_leaves_the_hub_at_a_whole_batch(hub: Hub, tmp_path: Path) -> None:
    a = open_station(tmp_path, "STNA")
    _fill(ScanDesk(a), 2000)
    desk = SyncDesk(a, hub_client(hub, "STNA"))
    thread, result = _push_in_background(desk, batch=40)
    _wait_for_rows(hub, 120)
    hub.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'station_stna'")
    thread.join(30)
    assert result and not result[0].online
    held = _hub_count(hub)
    assert held % 40 == 0  # batches are whole or absent
    assert desk.push().waiting == 0
    _verified(hub, "STNA", _last(a))


def test_the_station_killed_mid_push_catches_up_at_its_next_push(hub: Hub, tmp_path: Path) -> None:
    a = open_station(tmp_path, "STNA")
    _fill(ScanDesk(a), 6000)
    last = _last(a)
    home = a.paths.data
    a.close()
    (home / "station.toml").write_text('[station]\nstation_id = "STNA"\nfacility = "STNA-DEPOT"\n')
    dsn = hub.station_dsn("STNA")
    env = {k: v for k, v in os.environ.items() if k not in ("STATION_HOME", "STATION_DB", "STATION_HUB")}
    command = [sys.executable, "-m", "ui.cli.main", "--home", str(home), "sync", "--once", "--hub", dsn]
    push = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_rows(hub, 1)
    push.send_signal(signal.SIGKILL)  # the station's process dies mid-push
    push.wait(10)
    held = _hub_count(hub)
    assert 0 < held < 6000, held
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"pushed {6000 - held}, waiting 0"
    _verified(hub, "STNA", last)


def test_a_hub_that_is_down_is_not_asked_again_at_every_look_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.client import PostgresHub
    from station.desks.track import TrackDesk

    tries: list[str] = []
    real_connect = psycopg.connect

    def counted(dsn: str, **kwargs: Any) -> psycopg.Connection[Any]:
        tries.append(dsn)
        return real_connect(dsn, **kwargs)

    monkeypatch.setattr(psycopg, "connect", counted)  # counts the real attempts, still makes them
    a = open_station(tmp_path, "STNA")
    assert ScanDesk(a).record("RR473124829GB", EventKind.ACCEPTANCE, facility="SFO", operator="dee").ok
    desk = TrackDesk(a, PostgresHub(f"postgresql://x@/hub?host={tmp_path / 'no-such-socket'}"))
    for _ in range(5):  # five look-ups at the counter while the hub is down
        report = desk.look_up("RR473124829GB").report
        assert report is not None and any("hub unreachable" in f for f in report.flags)
    assert len(tries) == 1  # one attempt; the other look-ups answered at once from this station's journal
