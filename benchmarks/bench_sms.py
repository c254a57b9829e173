"""SMS under load: 10,000 scans of items with confirmed subscribers, each scan queuing its message in the
same transaction, while the worker drains the outbox through the log gateway (fsync per message).

Prints scans per second with and without subscribers (the cost of the outbox in the scan's
transaction), messages queued per second, and the end-to-end delay from the scan's commit to the
gateway (median, p99, max).

    python benchmarks/bench_sms.py [--scans 10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, percentile, table
from hardware.sms.log import LogGateway
from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.ids import S10
from station.model.events import EventKind
from station.model.states import SubscriberState
from station.notify import subscribers
from station.notify.phone import InvalidPhone, to_e164
from station.notify.worker import SmsWorker


def phones(n: int) -> list[str]:
    out: list[str] = []
    exchange = 200
    while len(out) < n:
        for line in range(1000, 10000):
            try:
                out.append(to_e164(f"+1 201 {exchange} {line}"))
            except InvalidPhone:
                continue
            if len(out) == n:
                break
        exchange += 1
    return out


def ingest(station: Station, items: list[str]) -> float:
    desk = ScanDesk(station)
    t0 = time.perf_counter()
    for item in items:
        outcome = desk.record(item, EventKind.OUT_FOR_DELIVERY, facility="BENCH", operator="bench")
        assert outcome.ok, outcome.reason
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=10_000)
    args = parser.parse_args()
    items = [S10.build("CP", 80_000_000 + i, "US").text for i in range(args.scans)]
    numbers = phones(args.scans)
    with tempfile.TemporaryDirectory() as tmp:
        with Station.open(Path(tmp) / "plain.sqlite3", StationConfig()) as plain:
            baseline = ingest(plain, items)
        with Station.open(Path(tmp) / "sms.sqlite3", StationConfig()) as station:
            with station.db.transaction() as conn:  # confirmed subscribers, one per item
                now = station.clock().isoformat()
                for item, phone in zip(items, numbers, strict=True):
                    subscribers.set_state(conn, phone, SubscriberState.ACTIVE, "bench", now)
                    subscribers.follow(conn, phone, item, now)
            worker = SmsWorker(station.db, LogGateway(Path(tmp) / "sent.jsonl"))
            stop = threading.Event()

            def drain() -> None:
                while not stop.is_set():
                    if worker.run_once(limit=200).sent == 0:
                        stop.wait(0.02)

            thread = threading.Thread(target=drain)
            thread.start()
            with_sms = ingest(station, items)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with station.db.reading() as conn:
                    if (
                        conn.execute("SELECT count(*) FROM sms_outbox WHERE state != 'sent'").fetchone()[0]
                        == 0
                    ):
                        break
                time.sleep(0.05)
            stop.set()
            thread.join()
            with station.db.reading() as conn:
                rows = conn.execute("SELECT created_at, sent_at FROM sms_outbox").fetchall()
    delays = [
        (datetime.fromisoformat(s) - datetime.fromisoformat(c)).total_seconds() * 1000 for c, s in rows if s
    ]
    print(f"sms benchmark: {args.scans:,} out-for-delivery scans, one subscriber each; {machine()}")
    print(
        table(
            ["measure", "value"],
            [
                ["scans/s without subscribers (baseline)", f"{args.scans / baseline:,.0f}"],
                ["scans/s with an SMS queued in each scan's transaction", f"{args.scans / with_sms:,.0f}"],
                ["messages queued/s", f"{len(rows) / with_sms:,.0f}"],
                ["messages sent (log gateway, fsync each)", f"{len(delays):,} of {len(rows):,}"],
                ["scan commit -> gateway, median ms", f"{median(delays):.0f}"],
                ["scan commit -> gateway, p99 / max ms", f"{percentile(delays, 99):.0f} / {max(delays):.0f}"],
            ],
        )
    )


if __name__ == "__main__":
    main()
