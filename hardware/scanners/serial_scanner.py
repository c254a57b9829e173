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
import socket
from typing import TYPE_CHECKING, Any, ClassVar

import serial

from hardware.device_thread import ReconnectingDevice
from hardware.framing import FrameError, Framer
from hardware.protocols import ErrorCallback, RawScan, ScanCallback, StatusCallback
from hardware.urls import DeviceUrl, UrlForm

if TYPE_CHECKING:
    from hardware.registry import DriverContext


class SerialScanner(ReconnectingDevice[Any]):
    """A scanner on a serial port or a TCP socket."""

    connection_errors = (serial.SerialException, OSError, ValueError)
    url_forms: ClassVar[dict[str, UrlForm]] = {
        "serial": UrlForm(
            "path", frozenset({"baud", "suffix", "parity", "stopbits", "bytesize"}), what="serial port"
        ),
        "tcp": UrlForm("host_port", frozenset({"suffix", "timeout"}), what="network scanner base"),
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> SerialScanner:
        """The registry's constructor."""
        return cls(url, context.on_scan, context.on_status, context.on_error)

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
        super().__init__(
            f"scanner {url.text}", url.text, on_status, backoff_start=backoff_start, backoff_max=backoff_max
        )
        self.url = url
        self._on_scan = on_scan
        self._on_error = on_error or (lambda m: None)
        self._framer = Framer(url.suffix or b"\r")
        self._port: Any = None
        self.frames = 0

    def _interrupt(self) -> None:
        port = self._port
        cancel = getattr(port, "cancel_read", None)  # posix ports can interrupt a blocked read
        if cancel is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                cancel()

    def _connect(self) -> Any:
        if self.url.scheme == "tcp":
            # Not pyserial's socket://: its open() discards whatever has arrived, and a scanner base
            # sends the scans it buffered the moment the connection is back.
            assert self.url.host is not None and self.url.port is not None
            self._port = _TcpLine(self.url.host, self.url.port, self.url.float_param("timeout", 3.0))
        else:
            self._port = serial.serial_for_url(
                self.url.pyserial_url,
                baudrate=self.url.baud,
                timeout=0.2,
                parity=self.url.params.get("parity", "N").upper(),
                stopbits=float(self.url.params.get("stopbits", "1")),
                bytesize=int(self.url.params.get("bytesize", "8")),
            )
        return self._port

    def _disconnect(self, connection: Any) -> None:
        with contextlib.suppress(serial.SerialException, OSError):
            connection.close()
        self._port = None

    def _lost(self, exc: BaseException) -> None:
        if self._framer.reset():
            self._on_error(f"{self.url.text}: device went away mid-scan; the partial scan was dropped")

    def _reason(self, exc: BaseException) -> str:
        return _reason(exc)

    def _serve(self, connection: Any) -> None:
        # socket:// reports in_waiting as 0/1 only, so it reads in blocks with a short timeout;
        # a tty reads what is waiting, so a half frame is seen (and dropped) if the cable goes.
        is_socket = self.url.scheme == "tcp"
        while not self._stop.is_set():
            data = connection.read(4096) if is_socket else connection.read(max(1, connection.in_waiting))
            if not data:
                continue
            for item in self._framer.feed(data):
                if isinstance(item, FrameError):
                    self._on_error(f"{self.url.text}: {item.message}")
                    continue
                self.frames += 1
                self._on_scan(RawScan(item, self.url.text, _aim(item)))


class _TcpLine:
    """A scanner base's TCP connection read in blocks, as the serial reader reads a port."""

    def __init__(self, host: str, port: int, connect_timeout: float) -> None:
        self._socket = socket.create_connection((host, port), timeout=connect_timeout)
        self._socket.settimeout(0.2)

    def read(self, size: int) -> bytes:
        """Up to `size` bytes, b"" when none came within 0.2 s; a closed connection raises OSError."""
        try:
            data = self._socket.recv(size)
        except TimeoutError:
            return b""
        if not data:
            raise ConnectionResetError("the scanner base closed the connection")
        return data

    def close(self) -> None:
        """Close the connection."""
        self._socket.close()


def _aim(frame: bytes) -> str | None:
    if len(frame) >= 3 and frame[:1] == b"]":
        return frame[:3].decode("ascii", "replace")
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "..."
