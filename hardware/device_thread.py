"""The one way a driver owns a thread: `start()` runs `_run()` until `stop()` sets `_stop`.

Drivers never sleep with time.sleep: they wait on `_stop`, so stopping is immediate; a driver blocked
in a read overrides `_interrupt` to wake it.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod


class DeviceThread(ABC):
    """Base class of the scanner, camera, scale and spooler threads."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (returns at once)."""
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

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

    @abstractmethod
    def _run(self) -> None:
        """The thread's loop; returns when `_stop` is set (or the device has ended)."""
