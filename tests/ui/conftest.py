"""A station window on a temporary database, devices off (tests attach real pseudo-devices themselves)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from ui.app import StationApp, build


@pytest.fixture
def station_app(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StationApp]:
    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    station = Station.open(tmp_path / "station.sqlite3", StationConfig())
    app = build(station, start_devices=False, sounds=False)
    qtbot.addWidget(app.window)
    app.window.show()
    yield app
    from PySide6.QtWidgets import QApplication

    QApplication.instance().removeEventFilter(app.wedge)  # type: ignore[union-attr]
    app.close()


def wait_for_banner(qtbot, app: StationApp, count: int, timeout: int = 5000) -> None:
    """Wait until `count` scan answers have been shown."""
    qtbot.waitUntil(lambda: len(app.ctx.feedback.sounds.played) >= count, timeout=timeout)


@pytest.fixture
def display() -> Iterator[str]:
    """A private X server (Xvfb) for one story."""
    from tests.ui.x11 import xvfb

    with xvfb() as name:
        yield name
