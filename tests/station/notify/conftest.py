"""A station with a clock the tests set (quiet hours depend on it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig

PHONE = "+12015550123"  # New Jersey: America/New_York


class SetClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> SetClock:
    return SetClock(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # 10:00 in New York, in the past


@pytest.fixture
def station(tmp_path: Path, clock: SetClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Station]:
    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    with Station.open(tmp_path / "s.sqlite3", StationConfig(), clock) as s:
        yield s


def outbox(station: Station) -> list[tuple[str, str, str]]:
    with station.db.reading() as conn:
        return [tuple(r) for r in conn.execute("SELECT template, state, item_id FROM sms_outbox ORDER BY id")]
