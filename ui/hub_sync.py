"""The window's background push: the sync desk run every few seconds on its own thread and connection.

Scans never wait for it (they are acknowledged after the local commit); it reports each pass so the
status bar can say "hub: online, 0 waiting" or "hub: offline since 14:02, 312 waiting".
"""

from __future__ import annotations

from collections.abc import Callable

from hardware.device_thread import DeviceThread
from hub.client import PostgresHub
from station.app import Station
from station.desks.sync import SyncDesk, SyncReport


class HubSync(DeviceThread):
    """Push, report, wait `interval` seconds (or less when woken), again."""

    def __init__(
        self, station: Station, dsn: str, on_report: Callable[[SyncReport], None], interval: float = 2.0
    ) -> None:
        super().__init__("hub sync")
        self.hub = PostgresHub(dsn)
        self.desk = SyncDesk(station, self.hub)
        self._on_report = on_report
        self._interval = interval

    def _run(self) -> None:
        while not self._stop.is_set():
            self._on_report(self.desk.push())
            self._stop.wait(self._interval)

    def _stopped(self) -> None:
        self.hub.close()
