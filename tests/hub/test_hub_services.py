"""The hub-sync unit of a headless depot station, started as systemd starts it and stopped by SIGTERM
while the counter keeps accepting: everything journalled reaches the hub, in one chain, nothing twice."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from station.ids.s10 import S10
from tests.hardware.test_services import started_like_the_unit, stop_like_systemd
from tests.hub.conftest import Hub
from tests.hub.test_hub_cli import _accept, _station_home, station


def test_the_sync_service_stopped_by_sigterm_leaves_nothing_behind(hub: Hub, tmp_path: Path) -> None:
    home = _station_home(tmp_path, hub, "SVC01")
    service = started_like_the_unit("sync", home)
    try:
        for serial in (31, 32, 33):  # the counter goes on accepting while the service pushes
            assert _accept(home, S10.build("EE", 12_300_000 + serial, "US").text).returncode == 0
        # Until the service has pushed every event the station journalled (its head at the hub).
        with sqlite3.connect(home / "station.sqlite3") as conn:
            journalled = int(conn.execute("SELECT max(seq) FROM events").fetchone()[0])
        deadline = time.monotonic() + 30
        while hub.rows("SELECT last_seq FROM hub.heads WHERE station_id = 'SVC01'") != [(journalled,)]:
            assert time.monotonic() < deadline, "the sync service did not push the counter's acceptances"
            time.sleep(0.1)
    finally:
        code, out, err = stop_like_systemd(service)
    assert code == 0, err
    assert "Traceback" not in err
    assert out.strip().splitlines()[-1].endswith("waiting 0")  # its last pass had pushed everything
    rows = hub.rows("SELECT last_seq FROM hub.heads WHERE station_id = 'SVC01'")
    again = station(home, "sync", "--once")
    assert again.returncode == 0, again.stdout + again.stderr  # nothing was left waiting by the stop
    after = hub.rows("SELECT last_seq FROM hub.heads WHERE station_id = 'SVC01'")
    assert rows == after and rows[0][0] > 0  # the service had pushed everything before it stopped
    assert hub.rows("SELECT count(*) FROM hub.events WHERE station_id = 'SVC01'") == [(rows[0][0],)]


def test_the_notifier_service_texts_once_and_stops_cleanly_on_sigterm(hub: Hub, tmp_path: Path) -> None:
    office = _station_home(tmp_path, hub, "SVC02")
    accepted = _accept(office, S10.build("EE", 12_300_040, "US").text, "--phone", "+12015550177")
    assert accepted.returncode == 0, accepted.stderr
    assert station(office, "sync", "--once").returncode == 0
    home = tmp_path / "notifier-home"
    home.mkdir()
    sent = tmp_path / "sent.jsonl"
    (home / "station.toml").write_text(f'[station]\nsms_gateway = "log://{sent}"\n')
    service = started_like_the_unit("notify", home, {"NOTIFY_ARGS": f"--dsn {hub.admin_dsn} --idle 60"})
    try:
        deadline = time.monotonic() + 30
        while not (sent.exists() and sent.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        code, out, err = stop_like_systemd(service)
    assert code == 0, err
    assert "Traceback" not in err
    assert len(sent.read_text().splitlines()) == 1  # the opt-in request, once
    assert "took in 1 events" in out
    again = station(home, "hub", "notify", "--dsn", hub.admin_dsn, "--once")  # nothing left, nothing twice
    assert again.returncode == 0 and again.stdout.strip().startswith("took in 0 events"), again.stdout
    assert len(sent.read_text().splitlines()) == 1
