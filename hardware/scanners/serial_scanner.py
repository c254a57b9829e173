"""Serial and network scanners read with pyserial in their own thread.

`serial:///dev/ttyACM0?suffix=CR` and `tcp://host:port` (pyserial's `socket://`) share one reader:
frames are split on the configured suffix by `Framer`, AIM identifiers stay in the data for the
normaliser, a partial frame is never emitted. When the device disappears (USB cable pulled, base
station rebooted) the reader reports DISCONNECTED, drops the half frame, and reopens the port with
exponential backoff until it returns; frames completed before the unplug were already delivered,
so nothing complete is lost and nothing is emitted twice.
"""

from __future__ import annotations

import contextlib
from typing import Any

import serial

from hardware.device_thread import DeviceThread
from hardware.framing import FrameError, Framer
from hardware.protocols import (
    DeviceState,
    DeviceStatus,
    ErrorCallback,
    RawScan,
    ScanCallback,
    StatusCallback,
)
from hardware.urls import DeviceUrl


class SerialScanner(DeviceThread):
    """A scanner on a serial port or a TCP socket."""

    def __init__(
        self,
        url: DeviceUrl,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
        on_error: ErrorCallback | None = None,
        *,
        backoff_start: float = 0.05,
        backoff_max: float = 2.0,
    ) -> None:
        super().__init__(f"scanner {url.text}")
        self.url = url
        self._on_scan = on_scan
        self._on_status = on_status or (lambda s: None)
        self._on_error = on_error or (lambda m: None)
        self._backoff = (backoff_start, backoff_max)
        self._port: Any = None
        self.frames = 0

    def _interrupt(self) -> None:
        port = self._port
        cancel = getattr(port, "cancel_read", None)  # posix ports can interrupt a blocked read
        if cancel is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                cancel()

    def _stopped(self) -> None:
        self._on_status(DeviceStatus(self.url.text, DeviceState.STOPPED))

    def _open(self) -> Any:
        if self.url.scheme != "serial":
            return serial.serial_for_url(self.url.pyserial_url, timeout=0.2)
        return serial.serial_for_url(
            self.url.pyserial_url,
            baudrate=self.url.baud,
            timeout=0.2,
            parity=self.url.params.get("parity", "N").upper(),
            stopbits=float(self.url.params.get("stopbits", "1")),
            bytesize=int(self.url.params.get("bytesize", "8")),
        )

    def _run(self) -> None:
        framer = Framer(self.url.suffix or b"\r")
        delay = self._backoff[0]
        announced_down = False
        self._on_status(DeviceStatus(self.url.text, DeviceState.CONNECTING))
        while not self._stop.is_set():
            try:
                self._port = self._open()
            except (serial.SerialException, OSError, ValueError) as exc:
                if not announced_down:
                    self._on_status(DeviceStatus(self.url.text, DeviceState.DISCONNECTED, _reason(exc)))
                    announced_down = True
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            delay = self._backoff[0]
            announced_down = False
            self._on_status(DeviceStatus(self.url.text, DeviceState.CONNECTED))
            try:
                self._read_until_gone(self._port, framer)
            except (serial.SerialException, OSError) as exc:
                if framer.reset():
                    self._on_error(
                        f"{self.url.text}: device went away mid-scan; the partial scan was dropped"
                    )
                if not self._stop.is_set():
                    self._on_status(DeviceStatus(self.url.text, DeviceState.DISCONNECTED, _reason(exc)))
                    announced_down = True
            finally:
                with contextlib.suppress(serial.SerialException, OSError):
                    self._port.close()
                self._port = None

    def _read_until_gone(self, port: Any, framer: Framer) -> None:
        # socket:// reports in_waiting as 0/1 only, so it reads in blocks with a short timeout;
        # a tty reads what is waiting, so a half frame is seen (and dropped) if the cable goes.
        is_socket = self.url.scheme == "tcp"
        while not self._stop.is_set():
            data = port.read(4096) if is_socket else port.read(max(1, port.in_waiting))
            if not data:
                continue
            for item in framer.feed(data):
                if isinstance(item, FrameError):
                    self._on_error(f"{self.url.text}: {item.message}")
                    continue
                self.frames += 1
                self._on_scan(RawScan(item, self.url.text, _aim(item)))


def _aim(frame: bytes) -> str | None:
    if len(frame) >= 3 and frame[:1] == b"]":
        return frame[:3].decode("ascii", "replace")
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "..."
