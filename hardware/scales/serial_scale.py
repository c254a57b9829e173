"""A serial scale polled (MT-SICS `SI`, NCI `W`) or listened to (continuous output) in its own thread."""

from __future__ import annotations

from collections.abc import Callable

import serial

from hardware.device_thread import DeviceThread
from hardware.protocols import DeviceState, DeviceStatus, StatusCallback, WeightReading, WeightStatus
from hardware.scales.parsing import parse_continuous, parse_nci, parse_sics
from hardware.urls import DeviceUrl

ReadingCallback = Callable[[WeightReading], None]

# protocol -> (poll command or None, answer terminator, parser)
PROTOCOLS: dict[str, tuple[bytes | None, bytes, Callable[[bytes], WeightReading]]] = {
    "sics": (b"SI\r\n", b"\r\n", parse_sics),
    "nci": (b"W\r", b"\x03", parse_nci),
    "continuous": (None, b"\r\n", parse_continuous),
}


class SerialScale(DeviceThread):
    """Reports a reading every `interval` seconds (default 0.2) until stopped."""

    def __init__(
        self,
        url: DeviceUrl,
        on_reading: ReadingCallback,
        on_status: StatusCallback | None = None,
        *,
        answer_timeout: float = 1.0,
    ) -> None:
        super().__init__(f"scale {url.text}")
        self.url = url
        self.protocol = url.params["protocol"]
        self._on_reading = on_reading
        self._on_status = on_status or (lambda s: None)
        self._interval = url.float_param("interval", 0.2)
        self._timeout = answer_timeout

    def _stopped(self) -> None:
        self._on_status(DeviceStatus(self.url.text, DeviceState.STOPPED))

    def _run(self) -> None:
        command, terminator, parse = PROTOCOLS[self.protocol]
        delay = 0.05
        down = False
        while not self._stop.is_set():
            try:
                port = serial.serial_for_url(self.url.path, baudrate=self.url.baud, timeout=self._timeout)
            except (serial.SerialException, OSError) as exc:
                if not down:
                    self._on_status(DeviceStatus(self.url.text, DeviceState.DISCONNECTED, str(exc)[:160]))
                    down = True
                self._stop.wait(delay)
                delay = min(delay * 2, 2.0)
                continue
            delay, down = 0.05, False
            self._on_status(DeviceStatus(self.url.text, DeviceState.CONNECTED))
            try:
                while not self._stop.is_set():
                    if command is not None:
                        # A late answer to the previous poll must not be taken for this one.
                        port.reset_input_buffer()
                        port.write(command)
                    answer = port.read_until(terminator)
                    if not answer.endswith(terminator):
                        self._on_reading(
                            WeightReading(
                                WeightStatus.ERROR, raw=answer, detail="scale did not answer in time"
                            )
                        )
                    else:
                        self._on_reading(parse(answer))
                    if command is not None:
                        self._stop.wait(self._interval)
            except (serial.SerialException, OSError) as exc:
                if not self._stop.is_set():
                    self._on_status(DeviceStatus(self.url.text, DeviceState.DISCONNECTED, str(exc)[:160]))
                    down = True
            finally:
                port.close()
