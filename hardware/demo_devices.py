"""Devices for a station with no hardware (`demo:`): the app runs and shows what each device does."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, ClassVar

from hardware.device_thread import DeviceThread
from hardware.protocols import DeviceState, DeviceStatus, StatusCallback, WeightReading, WeightStatus
from hardware.scales.serial_scale import ReadingCallback
from hardware.urls import DeviceUrl, UrlForm

if TYPE_CHECKING:
    from hardware.registry import DriverContext


class DemoScale(DeviceThread):
    """A scale with a parcel put on it now and then: settles after a few moving readings."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "demo": UrlForm("nothing", frozenset({"grams", "cycle"}), what="demo scale")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> DemoScale:
        """The registry's constructor."""
        assert context.on_reading is not None, "a scale needs on_reading"
        return cls(url, context.on_reading, context.on_status)

    def __init__(
        self, url: DeviceUrl, on_reading: ReadingCallback, on_status: StatusCallback | None = None
    ) -> None:
        super().__init__("demo scale")
        self.url = url
        self._on_reading = on_reading
        self._on_status = on_status or (lambda s: None)
        self._target_mg = url.int_param("grams", 1250) * 1000
        # A parcel is put down every `cycle` seconds (1 s of motion); 0: one parcel, then always stable.
        self._cycle_ticks = max(0, url.int_param("cycle", 10)) * 4
        self._tare_mg = 0
        self._zeroed = False

    def command(self, name: str) -> str:
        """Zero (until the next parcel) or tare (the weight now is the container's)."""
        if name == "zero":
            self._zeroed = True
        elif name == "tare":
            self._tare_mg = self._target_mg
        else:
            return f"the demo scale takes no {name} command"
        return f"{name} done on the demo scale"

    def _run(self) -> None:
        rng = random.Random(3)
        self._on_status(DeviceStatus(self.url.text, DeviceState.CONNECTED, "demo scale"))
        tick = 0
        while not self._stop.wait(0.25):
            tick += 1
            phase = tick % self._cycle_ticks if self._cycle_ticks else tick
            if phase < 4:  # a parcel being put down
                self._zeroed = False
                mg = self._target_mg + rng.randrange(-90_000, 90_000)
                self._on_reading(WeightReading(WeightStatus.MOTION, mg, False, b"", "weight not settled"))
            else:
                net = 0 if self._zeroed else self._target_mg - self._tare_mg
                self._on_reading(WeightReading(WeightStatus.OK, net, True, b""))
