"""What every device driver looks like to the rest of the station.

Drivers are plain threads (no Qt): they call the callbacks they were given from their own thread.
The UI wraps them in QObject workers and turns the callbacks into signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RawScan:
    """Bytes from a scanner, before normalising: AIM identifier kept, suffix removed."""

    data: bytes
    source: str
    symbology: str | None = None
    polygon: tuple[tuple[int, int], ...] | None = None
    at: datetime = field(default_factory=_now)


class DeviceState(StrEnum):
    """What the status bar shows for a device."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    STOPPED = "stopped"


@dataclass(frozen=True)
class DeviceStatus:
    """A state change, with the reason worded for the operator."""

    source: str
    state: DeviceState
    detail: str = ""


ScanCallback = Callable[[RawScan], None]
StatusCallback = Callable[[DeviceStatus], None]
ErrorCallback = Callable[[str], None]


class WeightStatus(StrEnum):
    """What a scale said."""

    OK = "ok"
    MOTION = "motion"
    OVERLOAD = "overload"
    UNDERZERO = "underzero"
    ERROR = "error"


@dataclass(frozen=True)
class WeightReading:
    """A scale reading in grams (exact: integer milligrams rounded to grams only for display)."""

    status: WeightStatus
    milligrams: int | None = None
    stable: bool = False
    raw: bytes = b""
    detail: str = ""

    @property
    def grams(self) -> int | None:
        """Whole grams (rounded half up), or None when there is no usable weight."""
        if self.milligrams is None or self.status is not WeightStatus.OK:
            return None
        return (self.milligrams + 500) // 1000

    @property
    def usable(self) -> bool:
        """True only for a stable, in-range weight: the only kind postage may be charged on."""
        return self.status is WeightStatus.OK and self.stable and self.milligrams is not None
