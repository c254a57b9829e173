"""The hub-sync unit of a headless depot station, started as systemd starts it and stopped by SIGTERM
while the counter keeps accepting: everything journalled reaches the hub, in one chain, nothing twice."""

from __future__ import annotations

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
        time.sleep(3)  # a pass or two of the service's 2 s interval
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
