"""The window's SMS sender: the outbox drained through the configured gateway every few seconds on its
own thread, so a station with a gateway texts while its window is open, without `station sms worker`.
A second sender (the SMS service) may run beside it: each message is claimed in a transaction first,
so it is sent once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from hardware.device_thread import DeviceThread
from hardware.protocols import DeviceState, DeviceStatus, StatusCallback
from station.notify.outbox import Backlog
from station.notify.worker import WorkerReport

SOURCE = "texts"  # the status bar's name for it
log = logging.getLogger(__name__)


class Worker(Protocol):
    def run_once(self, limit: int = 500, stopping: Callable[[], bool] = ...) -> WorkerReport: ...


class SmsSender(DeviceThread):
    """Runs `worker.run_once` every `interval` seconds until stopped; reports what waits."""

    def __init__(
        self,
        worker: Worker,
        backlog: Callable[[], Backlog],
        on_status: StatusCallback,
        interval: float = 2.0,
    ) -> None:
        super().__init__("sms-sender")
        self.worker, self.backlog, self.on_status, self.interval = worker, backlog, on_status, interval
        self.sent = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.worker.run_once(stopping=self._stop.is_set)
                left = self.backlog()
            except Exception as exc:  # the journal busy or gone: said, and tried again next round
                log.warning("SMS sender: %s", exc)
                self.on_status(DeviceStatus(SOURCE, DeviceState.DISCONNECTED, f"texts: not sent: {exc}"))
            else:
                self.sent += report.sent
                self.on_status(DeviceStatus(SOURCE, self._state(left, report), self._words(left, report)))
            self._stop.wait(self.interval)

    @staticmethod
    def _state(left: Backlog, report: WorkerReport) -> DeviceState:
        trouble = report.retried or report.failed or left.failed
        return DeviceState.DISCONNECTED if trouble else DeviceState.CONNECTED

    def _words(self, left: Backlog, report: WorkerReport) -> str:
        parts = [f"texts: {left.due} waiting" if left.due else "texts: none waiting"]
        if left.waiting > left.due:
            parts.append(f"{left.waiting - left.due} held (quiet hours)")
        if report.retried:
            parts.append(f"{report.retried} to retry")
        if left.failed:
            parts.append(f"{left.failed} FAILED")
        parts.append(f"{self.sent} sent")
        return ", ".join(parts)
