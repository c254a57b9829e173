"""Fixtures: a station on a real SQLite file with a controllable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.model.clock import SteppingClock
from tests.renderers import ZplRenderer

SACK = "00106141411234567897"  # GS1's SSCC example, as scanned with its AI
SACK_ID = "106141411234567897"
OTHER_SACK = "00006141410000000012"


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), timedelta(minutes=1))


@pytest.fixture
def station(tmp_path: Path, clock: SteppingClock) -> Iterator[Station]:
    with Station.open(tmp_path / "station.sqlite3", StationConfig(station_id="STN-T1"), clock) as s:
        yield s


@pytest.fixture
def desk(station: Station) -> ScanDesk:
    return ScanDesk(station)


@pytest.fixture(scope="session")
def zpl_renderer() -> Iterator[ZplRenderer]:
    """One independent ZPL renderer process for the session (labels, customs forms)."""
    renderer = ZplRenderer()
    yield renderer
    renderer.close()
