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

from station.clock import utc_now
from station.db import Database
from station.notify.gateways import Gateway, GatewayError

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
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT id FROM sms_outbox WHERE state='sending'").fetchall()
            state = "queued" if self.gateway.dedupes_client_ref else "uncertain"
            for (row_id,) in rows:
                conn.execute(
                    "UPDATE sms_outbox SET state=?, last_error=? WHERE id=?",
                    (state, "interrupted between send and acknowledgement", row_id),
                )
        return len(rows)

    def run_once(self, limit: int = 500) -> WorkerReport:
        """Send what is due now."""
        now = self.clock().isoformat()
        with self.db.reading() as conn:
            due = conn.execute(
                "SELECT id, phone, body, encoding, client_ref, attempts FROM sms_outbox"
                " WHERE state IN ('queued', 'held') AND not_before <= ? ORDER BY id LIMIT ?",
                (now, limit),
            ).fetchall()
        sent = retried = failed = 0
        for row_id, phone, body, encoding, client_ref, attempts in due:
            with self.db.transaction() as conn:
                conn.execute(
                    "UPDATE sms_outbox SET state='sending', attempts=attempts+1 WHERE id=?", (row_id,)
                )
            try:
                gateway_id = self.gateway.send(phone, body, encoding, client_ref)
            except GatewayError as exc:
                if exc.temporary and attempts + 1 < MAX_ATTEMPTS:
                    delay = min(BACKOFF_START * 2**attempts, BACKOFF_MAX)
                    self._set(row_id, "queued", error=str(exc), not_before=self.clock() + delay)
                    retried += 1
                else:
                    self._set(row_id, "failed", error=str(exc))
                    failed += 1
                continue
            with self.db.transaction() as conn:
                conn.execute(
                    "UPDATE sms_outbox SET state='sent', gateway_id=?, sent_at=?, last_error=NULL WHERE id=?",
                    (gateway_id, self.clock().isoformat(), row_id),
                )
            sent += 1
        collect = getattr(self.gateway, "collect_receipts", None)
        if collect is not None:
            try:
                receipts = collect()
            except GatewayError:
                receipts = {}  # the session is down: receipts and replies wait for the next pass
            with self.db.transaction() as conn:
                for gateway_id, state in receipts.items():
                    conn.execute("UPDATE sms_outbox SET receipt=? WHERE gateway_id=?", (state, gateway_id))
            inbound = getattr(self.gateway, "inbound", [])
            while inbound and self.on_inbound is not None:
                self.on_inbound(*inbound.pop(0))
        report = WorkerReport(sent, retried, failed, self._recovered)
        self._recovered = 0
        return report

    def _set(self, row_id: int, state: str, *, error: str, not_before: datetime | None = None) -> None:
        with self.db.transaction() as conn:
            if not_before is None:
                conn.execute("UPDATE sms_outbox SET state=?, last_error=? WHERE id=?", (state, error, row_id))
            else:
                conn.execute(
                    "UPDATE sms_outbox SET state=?, last_error=?, not_before=? WHERE id=?",
                    (state, error, not_before.isoformat(), row_id),
                )
