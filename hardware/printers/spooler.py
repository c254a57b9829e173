"""The spooler: one thread per printer draining the durable queue, in order, with backoff.

A printer that is offline, out of paper or open keeps its jobs queued; the spooler retries with
exponential backoff (0.5 s doubling to 30 s) and reports the reason, and when the printer is back
every waiting label prints once, in the order it was made. `wake()` sends a new job at once
(the operator's click), instead of waiting for the next poll.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from hardware.device_thread import DeviceThread
from hardware.printers.transports import JobInterrupted, PrinterNotReady, Transport
from station.printing.queue import PrintJob, PrintQueue


@dataclass(frozen=True)
class SpoolEvent:
    """What the status bar shows: a job printed, or the printer not ready (and why)."""

    printer: str
    job_id: int | None
    printed: bool
    message: str


class Spooler(DeviceThread):
    """Drains one printer's jobs."""

    def __init__(
        self,
        queue: PrintQueue,
        printer: str,
        transport: Transport,
        on_event: Callable[[SpoolEvent], None] | None = None,
        *,
        backoff_start: float = 0.5,
        backoff_max: float = 30.0,
        poll: float = 0.5,
    ) -> None:
        super().__init__(f"spooler {printer}")
        self.queue, self.printer, self.transport = queue, printer, transport
        self._on_event = on_event or (lambda e: None)
        self._backoff = (backoff_start, backoff_max)
        self._poll = poll
        self._wake = threading.Event()

    def start(self) -> None:
        """Start sending; a job an earlier process left half sent becomes uncertain first, never resent."""
        self.queue.recover_after_crash()
        super().start()

    def _interrupt(self) -> None:
        self._wake.set()  # stop after the job in hand

    def wake(self) -> None:
        """A job was queued: look now."""
        self._wake.set()

    def drain_once(self) -> bool:
        """Send the next due job; True if one was printed."""
        job = self.queue.next_due(self.printer)
        if job is None:
            return False
        return self._send(job)

    def _run(self) -> None:
        delay = self._backoff[0]
        while not self._stop.is_set():
            job = self.queue.next_due(self.printer)
            if job is None:
                self._wake.wait(self._poll)
                self._wake.clear()
                continue
            delay = self._backoff[0] if self._send(job, delay) else min(delay * 2, self._backoff[1])

    def _send(self, job: PrintJob, delay: float | None = None) -> bool:
        delay = self._backoff[0] if delay is None else delay
        self.queue.mark_sending(job.id)
        try:
            self.transport.send(job.payload, job.format, f"job{job.id}-{job.item_id or job.description}")
        except PrinterNotReady as exc:  # nothing went out: it is sent when the printer is back
            self.queue.mark_retry(job.id, str(exc), timedelta(seconds=delay))
            self._on_event(SpoolEvent(self.printer, job.id, False, f"{exc}; retrying in {delay:.1f} s"))
            return False
        except JobInterrupted as exc:  # maybe printed: never again on its own; a reprint is explicit
            self.queue.mark_uncertain(job.id, str(exc))
            self._on_event(
                SpoolEvent(self.printer, job.id, False, f"job {job.id} uncertain: {exc}; check it")
            )
            return False
        except Exception as exc:
            self.queue.mark_failed(job.id, f"{type(exc).__name__}: {exc}")
            self._on_event(SpoolEvent(self.printer, job.id, False, f"job {job.id} failed: {exc}"))
            return False
        self.queue.mark_printed(job.id)
        self._on_event(SpoolEvent(self.printer, job.id, True, f"printed {job.description}"))
        return True
