"""The depot screen under a scanner firing 10 scans a second: 1,000 scans, worst scan-to-feedback latency.

Scans arrive the way a serial scanner delivers them (the device bridge's callback, called from a
non-GUI thread at 10 per second); the time from the callback to the banner showing the answer is
measured for each. Target: worst latency under 100 ms, and exactly 1,000 scans recorded.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_depot.py [--scans 1000] [--rate 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from benchmarks._common import machine, median, percentile, table
from hardware.protocols import RawScan
from station.app import Station
from station.config import StationConfig
from station.ids import S10
from ui.app import build
from ui.modes.depot import DepotMode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args()
    qt = QApplication.instance() or QApplication(["bench"])
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Station.open(Path(tmp) / "s.sqlite3", StationConfig()), start_devices=False, sounds=False)
        depot = app.window.show_mode("depot")
        assert isinstance(depot, DepotMode)
        app.window.show()
        depot.handle_scan("00106141411234567897")
        while app.ctx.background.pending():  # the sack's opening is answered before the scans start
            qt.processEvents()
        sent: dict[int, float] = {}
        latencies: list[float] = []
        answers = [0]

        def shown(ok: bool, text: str, at: float) -> None:
            answers[0] += 1
            n = answers[0] - 1  # answers to the scans, in order (the sack was opened before connecting)
            if n in sent:
                latencies.append((at - sent[n]) * 1000)

        app.ctx.feedback.shown.connect(shown)
        items = [S10.build("CP", 70_000_000 + i, "US").text for i in range(args.scans)]

        def scanner() -> None:
            start = time.monotonic()
            for i, item in enumerate(items):
                delay = start + i / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                sent[i] = time.monotonic()
                app.ctx.bridge.on_scan(RawScan(item.encode(), "bench"))

        thread = threading.Thread(target=scanner, daemon=True)
        t0 = time.monotonic()
        thread.start()
        while answers[0] < args.scans and time.monotonic() - t0 < args.scans / args.rate + 30:
            qt.processEvents()
            time.sleep(0.001)
        recorded = depot.count
        with app.ctx.station.db.reading() as conn:
            stored = conn.execute("SELECT count(*) FROM events WHERE kind='sort-in'").fetchone()[0]
        app.close()
    print(f"depot benchmark: {args.scans} scans at {args.rate:g}/s into the Depot screen; {machine()}")
    print(
        table(
            ["measure", "value", "target"],
            [
                ["scan-to-feedback median ms", f"{median(latencies):.1f}", ""],
                ["scan-to-feedback p99 ms", f"{percentile(latencies, 99):.1f}", ""],
                ["scan-to-feedback worst ms", f"{max(latencies):.1f}", "< 100"],
                ["scans recorded (screen / journal)", f"{recorded} / {stored}", f"{args.scans}"],
            ],
        )
    )
    met = max(latencies) < 100 and recorded == stored == args.scans
    print(f"targets {'MET' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
