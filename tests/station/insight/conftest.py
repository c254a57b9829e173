"""A generated history shared by the insight tests (written once per test module: it takes seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.demo.history import HistorySummary, fill_history

END = date(2026, 11, 30)  # the history runs to the day before


def at_end() -> datetime:
    return datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Station, HistorySummary]]:
    path: Path = tmp_path_factory.mktemp("history") / "s.sqlite3"
    with Station.open(path, StationConfig(station_id="HQ-1", time_zone="UTC"), at_end) as station:
        summary = fill_history(station.db, days=84, per_day=120, seed=11, end=END)
        yield station, summary
