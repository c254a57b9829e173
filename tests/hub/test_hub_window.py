"""The window with a hub: scans answered at once whatever the hub does; the status bar says how it
stands; a hub that comes back is caught up with, in order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from station.app import Station
from station.config import StationConfig
from tests.hub.conftest import Hub
from tests.pg import Cluster
from ui.app import StationApp, build, start_hub_sync


@pytest.fixture
def window_with_hub(qtbot, hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StationApp]:
    monkeypatch.delenv("STATION_HUB", raising=False)
    station = Station.open(tmp_path / "station.sqlite3", StationConfig(station_id="WIN1"))
    station.config = replace(station.config, hub=hub.station_dsn("WIN1"))
    app = build(station, start_devices=False, sounds=False)
    qtbot.addWidget(app.window)
    app.window.show()
    start_hub_sync(app, interval=0.3)
    yield app
    QApplication.instance().removeEventFilter(app.wedge)  # type: ignore[union-attr]
    app.close()


def test_the_status_bar_follows_the_hub_and_scans_never_wait_for_it(
    qtbot, window_with_hub: StationApp, hub: Hub, cluster: Cluster
) -> None:
    app = window_with_hub
    label = app.window.hub_label
    depot = app.window.show_mode("depot")
    depot.handle_scan("00106141411234567897")
    qtbot.waitUntil(lambda: hub.rows("SELECT count(*) FROM hub.events") == [(1,)], timeout=10_000)
    qtbot.waitUntil(lambda: label.text() == "hub: online, 0 waiting", timeout=10_000)
    cluster.stop("immediate")
    try:
        for item in ("RR473124829GB", "EE123456785US", "CP100000003US"):
            depot.handle_scan(item)
        qtbot.waitUntil(lambda: len(app.ctx.feedback.sounds.played) >= 4, timeout=5_000)  # answered offline
        assert app.ctx.feedback.sounds.played == ["good"] * 4
        qtbot.waitUntil(  # the three sort-ins wait for the hub
            lambda: label.text().startswith("hub: offline since ") and label.text().endswith(", 3 waiting"),
            timeout=15_000,
        )
    finally:
        cluster.start()
    qtbot.waitUntil(lambda: label.text() == "hub: online, 0 waiting", timeout=20_000)
    assert hub.rows("SELECT count(*), max(seq) FROM hub.events WHERE station_id = 'WIN1'") == [(4, 4)]


def test_issue_28_finding_6_the_status_bar_says_when_the_clock_is_not_the_hubs(
    qtbot, window_with_hub: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from hub.client import PostgresHub

    label = window_with_hub.window.hub_label
    qtbot.waitUntil(lambda: label.text() == "hub: online, 0 waiting", timeout=10_000)
    real = PostgresHub.clock_offset
    monkeypatch.setattr(PostgresHub, "clock_offset", lambda self: real(self) + timedelta(hours=7))
    monkeypatch.setattr("ui.hub_sync.CLOCK_EVERY_S", 0.0)  # compared at every push, for the test
    qtbot.waitUntil(lambda: label.text().startswith("CLOCK: "), timeout=10_000)
    assert label.text() == "CLOCK: this station's clock is 7 h ahead of the hub's"
    assert "color:#b3261e" in label.styleSheet()
