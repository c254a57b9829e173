"""Fixtures: a station on a real SQLite file with a controllable clock."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def computer_in(zone_name: str) -> Iterator[None]:
    """The process's own time zone (the computer the station runs on) is `zone_name` for the block: a
    rule that takes the computer's zone for the station's or UTC's shows."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone_name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
