"""The window's background push: the sync desk run every few seconds on its own thread and connection.

Scans never wait for it (they are acknowledged after the local commit); it reports each pass so the
status bar can say "hub: online, 0 waiting" or "hub: offline since 14:02, 312 waiting", or, above all,
that this station's clock is not the hub's (its scans would be dated wrongly on every station).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import replace

from hardware.device_thread import DeviceThread
from hub.client import PostgresHub
from hub.doctor import clock_wrong
from station.app import Station
from station.desks.sync import SyncDesk, SyncReport
from station.network.port import HubUnavailable

CLOCK_EVERY_S = 60.0  # the station's clock compared with the hub's once a minute, while online


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
        clock_checked, clock_warning = -CLOCK_EVERY_S, None
        while not self._stop.is_set():
            report = self.desk.push()
            if report.online and time.monotonic() - clock_checked >= CLOCK_EVERY_S:
                clock_checked = time.monotonic()
                with contextlib.suppress(HubUnavailable):  # said by the next push
                    clock_warning = clock_wrong(self.hub.clock_offset())
            self._on_report(replace(report, clock_warning=clock_warning) if clock_warning else report)
            self._stop.wait(self._interval)

    def _stopped(self) -> None:
        self.hub.close()
