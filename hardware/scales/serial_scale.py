"""A serial scale polled (MT-SICS `SI`, NCI `W`) or listened to (continuous output) in its own thread."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import serial

from hardware.device_thread import ReconnectingDevice
from hardware.protocols import StatusCallback, WeightReading, WeightStatus
from hardware.scales.parsing import parse_continuous, parse_nci, parse_sics
from hardware.urls import DeviceUrl, UrlForm

if TYPE_CHECKING:
    from hardware.registry import DriverContext

ReadingCallback = Callable[[WeightReading], None]

# protocol -> (poll command or None, answer terminator, parser)
PROTOCOLS: dict[str, tuple[bytes | None, bytes, Callable[[bytes], WeightReading]]] = {
    "sics": (b"SI\r\n", b"\r\n", parse_sics),
    "nci": (b"W\r", b"\x03", parse_nci),
    "continuous": (None, b"\r\n", parse_continuous),
}


# Zero and tare, as each protocol's manual names them (MT-SICS Z / T; NCI Z / T). A continuous-output
# scale takes no commands: its own keys do it.
COMMANDS: dict[str, dict[str, bytes]] = {
    "sics": {"zero": b"Z\r\n", "tare": b"T\r\n"},
    "nci": {"zero": b"Z\r", "tare": b"T\r"},
}


class SerialScale(ReconnectingDevice[Any]):
    """Reports a reading every `interval` seconds (default 0.2) until stopped."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "scale+serial": UrlForm(
            "path",
            frozenset({"baud", "protocol", "parity", "stopbits", "bytesize", "interval"}),
            required=frozenset({"protocol"}),
            what="serial scale",
        )
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> SerialScale:
        """The registry's constructor."""
        assert context.on_reading is not None, "a scale needs on_reading"
        return cls(url, context.on_reading, context.on_status)

    def __init__(
        self,
        url: DeviceUrl,
        on_reading: ReadingCallback,
        on_status: StatusCallback | None = None,
        *,
        answer_timeout: float = 1.0,
    ) -> None:
        super().__init__(f"scale {url.text}", url.text, on_status)
        self.url = url
        self.protocol = url.params["protocol"]
        self._on_reading = on_reading
        self._interval = url.float_param("interval", 0.2)
        self._timeout = answer_timeout
        self._commands: queue.SimpleQueue[bytes] = queue.SimpleQueue()

    def command(self, name: str) -> str:
        """Zero or tare, sent before the next poll (from any thread); returns what the operator is told."""
        command = COMMANDS.get(self.protocol, {}).get(name)
        if command is None:
            return f"this scale ({self.protocol}) takes no {name} command: use the key on the scale"
        self._commands.put(command)
        return f"{name} sent to the scale: wait for STABLE"

    def _connect(self) -> Any:
        return serial.serial_for_url(self.url.path, baudrate=self.url.baud, timeout=self._timeout)

    def _disconnect(self, connection: Any) -> None:
        connection.close()

    def _serve(self, connection: Any) -> None:
        command, terminator, parse = PROTOCOLS[self.protocol]
        while not self._stop.is_set():
            while not self._commands.empty():
                connection.reset_input_buffer()
                connection.write(self._commands.get())
                connection.read_until(terminator)  # its acknowledgement is not a weight
            if command is not None:
                # A late answer to the previous poll must not be taken for this one.
                connection.reset_input_buffer()
                connection.write(command)
            answer = connection.read_until(terminator)
            if not answer.endswith(terminator):
                self._on_reading(
                    WeightReading(WeightStatus.ERROR, raw=answer, detail="scale did not answer in time")
                )
            else:
                self._on_reading(parse(answer))
            if command is not None:
                self._stop.wait(self._interval)
