"""The SMS worker: sends due outbox messages, retries with exponential backoff, never sends one twice.

Each message is marked `sending` (committed) before the gateway is called and `sent` after. A message
found in `sending` when the worker starts was interrupted between the two: with a gateway that
deduplicates client references (REST idempotency token, the log) it is sent again under the same
reference, which cannot deliver twice; with one that cannot (SMPP) it is marked `uncertain` and left
for the operator -- never sent a second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from station.model.clock import utc_now
from station.model.states import OutboxState
from station.notify import outbox
from station.notify.gateway import Gateway, GatewayError
from station.notify.host import TextingStation
from station.store.db import Database

MAX_ATTEMPTS = 8
BACKOFF_START = timedelta(seconds=5)
BACKOFF_MAX = timedelta(hours=1)


@dataclass(frozen=True)
class WorkerReport:
    """What one pass did."""

    sent: int
    retried: int
    failed: int
    recovered: int


class SmsWorker:
    """Drains the outbox through one gateway."""

    def __init__(
        self,
        db: Database,
        gateway: Gateway,
        clock: Callable[[], datetime] = utc_now,
        on_inbound: Callable[[str, str], object] | None = None,
    ) -> None:
        self.db, self.gateway, self.clock = db, gateway, clock
        self.on_inbound = on_inbound  # texts a gateway session received go through the consent handler
        self._recovered = self._recover()

    def _recover(self) -> int:
        state = OutboxState.QUEUED if self.gateway.dedupes_client_ref else OutboxState.UNCERTAIN
        with self.db.transaction() as conn:
            ids = outbox.interrupted(conn)
            for message_id in ids:
                outbox.mark_unsent(conn, message_id, state, "interrupted between send and acknowledgement")
        return len(ids)

    def run_once(self, limit: int = 500, stopping: Callable[[], bool] = lambda: False) -> WorkerReport:
        """Send what is due now; `stopping` is asked before each message (a service being stopped ends
        its pass after the message in hand: the rest stay queued, untouched, for the next start)."""
        with self.db.reading() as conn:
            due = outbox.due(conn, self.clock(), limit)
        sent = retried = failed = 0
        for message in due:
            if stopping():
                break
            with self.db.transaction() as conn:
                if not outbox.claim(conn, message.id):
                    continue  # cancelled by a STOP since it was read, or taken by another worker
            try:
                gateway_id = self.gateway.send(
                    message.phone, message.body, message.encoding, message.client_ref
                )
            except GatewayError as exc:
                with self.db.transaction() as conn:
                    if exc.maybe_sent and not self.gateway.dedupes_client_ref:
                        outbox.mark_unsent(conn, message.id, OutboxState.UNCERTAIN, str(exc))
                        failed += 1
                    elif exc.temporary and message.attempts + 1 < MAX_ATTEMPTS:
                        delay = min(BACKOFF_START * 2**message.attempts, BACKOFF_MAX)
                        outbox.mark_unsent(
                            conn, message.id, OutboxState.QUEUED, str(exc), self.clock() + delay
                        )
                        retried += 1
                    else:
                        outbox.mark_unsent(conn, message.id, OutboxState.FAILED, str(exc))
                        failed += 1
                continue
            with self.db.transaction() as conn:
                outbox.mark_sent(conn, message.id, gateway_id, self.clock())
            sent += 1
        collect = getattr(self.gateway, "collect_receipts", None)
        if collect is not None:
            try:
                receipts = collect()
            except GatewayError:
                receipts = {}  # the session is down: receipts and replies wait for the next pass
            with self.db.transaction() as conn:
                for gateway_id, receipt in receipts.items():
                    outbox.record_receipt(conn, gateway_id, receipt)
            inbound = getattr(self.gateway, "inbound", [])
            while inbound and self.on_inbound is not None:
                self.on_inbound(*inbound.pop(0))
        report = WorkerReport(sent, retried, failed, self._recovered)
        self._recovered = 0
        return report


def worker_for(station: TextingStation, gateway: Gateway) -> SmsWorker:
    """The outbox of `station` drained through `gateway`; texts a gateway session receives (SMPP
    deliver_sm) answered by the consent handler, as from the webhook."""
    from station.notify.consent import handle_inbound

    return SmsWorker(
        station.db, gateway, station.clock, lambda phone, text: handle_inbound(station, phone, text, "smpp")
    )
