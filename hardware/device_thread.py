"""The one way a driver owns a thread, and the one open -> read -> reconnect-with-backoff loop.

`DeviceThread.start()` runs `_run()` until `stop()` sets `_stop`. Drivers never sleep with time.sleep:
they wait on `_stop`, so stopping is immediate; a driver blocked in a read overrides `_interrupt` to
wake it. `ReconnectingDevice` is the loop every device with a connection uses (serial and TCP scanners,
scales, cameras): it reports connecting / connected / disconnected (once per outage, with the reason)
and retries with exponential backoff until stopped.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from hardware.protocols import DeviceState, DeviceStatus, StatusCallback

log = logging.getLogger(__name__)
Connection = TypeVar("Connection")


class DeviceThread(ABC):
    """Base class of the scanner, camera, scale and spooler threads."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (returns at once)."""
        self._thread = threading.Thread(target=self._guarded_run, name=self._name, daemon=True)
        self._thread.start()

    def _guarded_run(self) -> None:
        try:
            self._run()
        except Exception:
            # A driver bug must not vanish with its thread: the maintainer gets the traceback in the log.
            log.exception("%s stopped on an unexpected error", self._name)
            self._failed()

    def stop(self, timeout: float = 3.0) -> None:
        """Ask the thread to finish and wait for it."""
        self._stop.set()
        self._interrupt()
        self.wait(timeout)
        self._stopped()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the thread to end (a video file that is not looping ends by itself)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _interrupt(self) -> None:  # noqa: B027 (an optional hook, empty by default)
        """Wake a read that is blocked (default: nothing to wake)."""

    def _stopped(self) -> None:  # noqa: B027 (an optional hook, empty by default)
        """Called after the thread ended (default: nothing)."""

    def _failed(self) -> None:  # noqa: B027 (an optional hook, empty by default)
        """Called when `_run` ended on an unexpected exception (already logged)."""

    @abstractmethod
    def _run(self) -> None:
        """The thread's loop; returns when `_stop` is set (or the device has ended)."""


class DeviceEnded(Exception):
    """The device is finished for good (a video file played out, or one that cannot be opened)."""

    def __init__(self, state: DeviceState, detail: str) -> None:
        super().__init__(detail)
        self.state, self.detail = state, detail


class ReconnectingDevice(DeviceThread, Generic[Connection]):
    """Open, serve until the device goes away, close; again after a backoff, until stopped."""

    # What a lost or absent device raises (serial.SerialException is an OSError).
    connection_errors: tuple[type[BaseException], ...] = (OSError,)

    def __init__(
        self,
        name: str,
        source: str,
        on_status: StatusCallback | None,
        *,
        backoff_start: float = 0.05,
        backoff_max: float = 2.0,
    ) -> None:
        super().__init__(name)
        self.source = source
        self._on_status = on_status or (lambda s: None)
        self._backoff = (backoff_start, backoff_max)

    @abstractmethod
    def _connect(self) -> Connection:
        """Open the device (raise one of `connection_errors` or DeviceEnded)."""

    @abstractmethod
    def _serve(self, connection: Connection) -> None:
        """Read until stopped or the device goes away (raise one of `connection_errors`, or DeviceEnded)."""

    def _disconnect(self, connection: Connection) -> None:
        """Close the connection (default: nothing to close)."""

    def _lost(self, exc: BaseException) -> None:
        """The connection broke while serving (e.g. drop a half-read frame)."""

    def _reason(self, exc: BaseException) -> str:
        """The operator's wording of a connection error."""
        return str(exc)[:160]

    def _stopped(self) -> None:
        self._on_status(DeviceStatus(self.source, DeviceState.STOPPED))

    def _failed(self) -> None:
        self._on_status(DeviceStatus(self.source, DeviceState.DISCONNECTED, "driver error: see the log"))

    def _run(self) -> None:
        delay = self._backoff[0]
        announced_down = False
        self._on_status(DeviceStatus(self.source, DeviceState.CONNECTING))
        while not self._stop.is_set():
            try:
                connection = self._connect()
            except DeviceEnded as end:
                self._on_status(DeviceStatus(self.source, end.state, end.detail))
                return
            except self.connection_errors as exc:
                if not announced_down:
                    self._on_status(DeviceStatus(self.source, DeviceState.DISCONNECTED, self._reason(exc)))
                    announced_down = True
                log.debug(
                    "%s: not connected (%s); trying again in %.2f s", self._name, self._reason(exc), delay
                )
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            delay, announced_down = self._backoff[0], False
            self._on_status(DeviceStatus(self.source, DeviceState.CONNECTED))
            try:
                self._serve(connection)
            except DeviceEnded as end:
                self._on_status(DeviceStatus(self.source, end.state, end.detail))
                return
            except self.connection_errors as exc:
                self._lost(exc)
                if not self._stop.is_set():
                    self._on_status(DeviceStatus(self.source, DeviceState.DISCONNECTED, self._reason(exc)))
                    announced_down = True
            finally:
                self._disconnect(connection)
