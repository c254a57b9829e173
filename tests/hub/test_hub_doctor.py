"""The doctor's hub check against a real cluster: enrolled, not enrolled, and the cluster stopped."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from hub.doctor import check as hub_check
from station.config import StationConfig
from tests.hardware.test_doctor import doctor
from tests.hub.conftest import Hub


def test_the_hub_check_knows_reachable_enrolled_from_unknown_and_from_down(hub: Hub, tmp_path: Path) -> None:
    dsn = hub.station_dsn("DOC01")
    enrolled = hub_check(StationConfig(station_id="DOC01", hub=dsn))
    assert enrolled.ok and "station DOC01 enrolled" in enrolled.detail
    stranger = hub_check(StationConfig(station_id="DOC02", hub=dsn))  # DOC01's login, another station's id
    assert not stranger.ok and "not enrolled" in stranger.detail
    assert "station hub enrol" in stranger.fix and "DOC02" in stranger.fix

    home = tmp_path / "home"
    home.mkdir()
    (home / "station.toml").write_text(tomli_w.dumps({"station": {"station_id": "DOC01", "hub": dsn}}))
    hub.cluster.stop()
    try:
        code, checks = doctor(home)
    finally:
        hub.cluster.start()
    assert code == 1
    check = checks["hub"]
    assert not check["ok"] and check["detail"].startswith("hub unreachable")
    assert "scans wait meanwhile" in check["fix"]
