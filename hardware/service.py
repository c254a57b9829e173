"""What the headless services (SMS worker, hub sync, webhook, notifier) do on systemd's stop: finish, exit 0.

systemd stops a unit with SIGTERM, and Python's default for it is to die on the spot: a message handed to
the gateway but not yet marked sent, or a push between its hub commit and the station's note of it. With
this, SIGTERM (and Ctrl+C) only sets a flag; the pass in hand runs to its end, the loop sees the flag
between passes, and the process exits 0, which systemd counts as a clean stop (no restart, no failure).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)


class ServiceStop:
    """A stop request, set by SIGTERM or SIGINT."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._actions: list[Callable[[], None]] = []

    def install(self) -> ServiceStop:
        """Take over SIGTERM and SIGINT (from the main thread, as Python requires)."""
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)
        return self

    def also(self, action: Callable[[], None]) -> None:
        """Run `action` on its own thread when the stop comes (e.g. a server's shutdown, which must not
        run on the thread that serves)."""
        self._actions.append(action)

    @property
    def requested(self) -> bool:
        """True once a stop was asked for."""
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep between passes; True (at once) when a stop was asked for."""
        return self._event.wait(seconds)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._event.is_set():
            return
        log.info("%s: finishing the pass in hand, then stopping", signal.Signals(signum).name)
        self._event.set()
        for action in self._actions:
            threading.Thread(target=action, daemon=True).start()
