"""Time for the domain: always timezone-aware UTC in storage; tests inject a fixed or stepping clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class SteppingClock:
    """A deterministic clock for tests and demo data: starts at `start` and advances `step` per call."""

    def __init__(self, start: datetime, step: timedelta = timedelta(seconds=1)) -> None:
        if start.tzinfo is None:
            raise ValueError("SteppingClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._step = step

    def __call__(self) -> datetime:
        now = self._now
        self._now += self._step
        return now
