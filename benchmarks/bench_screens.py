"""Every screen under a scanner firing 10 scans a second: scan-to-answer latency on each screen.

Scans arrive the way a serial scanner delivers them (the device bridge's callback, called from a
non-GUI thread at 10 per second); the time from the callback to the banner showing the answer is
measured for each. Baseline, in the same run: the same desk call made directly (no window, no thread
hop), which is what the window adds its cost to; for the counter the scan's classification (the form
fills from it), for the scanner test the answer's text. Target: every scan answered within 100 ms on every
screen, and every scan answered.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_screens.py [--scans 200] [--rate 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from benchmarks._common import machine, median, percentile, table
from hardware.protocols import RawScan
from station.app import Station
from station.config import StationConfig
from station.desks.carrier import CarrierDesk
from station.desks.depot import DepotDesk
from station.desks.track import TrackDesk
from station.ids import S10
from station.ids.scanning import classify
from ui.app import StationApp, build
from ui.modes.carrier import DELIVERING

SACK = "00106141411234567897"
WHERE = {"facility": "BENCH", "operator": "b"}


def _items(first: int, count: int) -> list[str]:
    return [S10.build("CP", first + i, "US").text for i in range(count)]


def _drive(qt: QApplication, app: StationApp, scans: list[str], rate: float) -> tuple[list[float], int]:
    """Scans from a device thread at `rate`; the latency of each answer, and how many were answered."""
    sent: list[float] = []
    latencies: list[float] = []
    answers = [0]

    def shown(_ok: bool, _text: str, at: float) -> None:
        n = answers[0]
        answers[0] += 1
        if n < len(sent):
            latencies.append((at - sent[n]) * 1000)

    app.ctx.feedback.shown.connect(shown)

    def scanner() -> None:
        start = time.monotonic()
        for i, code in enumerate(scans):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent.append(time.monotonic())
            app.ctx.bridge.on_scan(RawScan(code.encode(), "bench"))

    thread = threading.Thread(target=scanner, daemon=True)
    t0 = time.monotonic()
    thread.start()
    while answers[0] < len(scans) and time.monotonic() - t0 < len(scans) / rate + 30:
        qt.processEvents()
        time.sleep(0.001)
    app.ctx.feedback.shown.disconnect(shown)
    return latencies, answers[0]


def _settle(qt: QApplication, app: StationApp) -> None:
    deadline = time.monotonic() + 10
    while app.ctx.background.pending() and time.monotonic() < deadline:
        qt.processEvents()
        time.sleep(0.001)


def _baseline(call: Callable[[str], object], scans: list[str]) -> float:
    times = []
    for code in scans:
        t = time.perf_counter()
        call(code)
        times.append((time.perf_counter() - t) * 1000)
    return median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args()
    n = args.scans
    qt = QApplication.instance() or QApplication(["bench"])
    assert isinstance(qt, QApplication)
    rows = []
    met = True
    with tempfile.TemporaryDirectory() as tmp:
        # Baselines: the desks called directly on their own journal.
        base = Station.open(Path(tmp) / "base.sqlite3", StationConfig())
        depot_desk, carrier_desk = DepotDesk(base), CarrierDesk(base)
        depot_desk.open_sack(SACK, **WHERE)
        baselines = {
            "depot (sort into the sack)": _baseline(
                lambda c: depot_desk.sort(c, SACK, **WHERE), _items(1, n)
            ),
            "carrier (load the round)": _baseline(lambda c: carrier_desk.load(c, **WHERE), _items(1, n)),
            "carrier (at the door)": _baseline(carrier_desk.at_door, _items(1, n)),
            "track (look up)": _baseline(TrackDesk(base).look_up, _items(1, n)),
            # The counter's work on a scan is the classification (the form fills from it); the scanner
            # test's is the answer's text. What the window adds is the rest of each row.
            "counter (item on the form)": _baseline(classify, _items(1, n)),
            "devices (scanner test)": _baseline(lambda c: f"scanner works: {c[:60]!r}", _items(1, n)),
        }
        base.close()
        app = build(Station.open(Path(tmp) / "s.sqlite3", StationConfig()), start_devices=False, sounds=False)
        app.window.show()
        plan: list[tuple[str, str, list[str], Callable[[], None]]] = [
            ("counter (item on the form)", "counter", _items(10_000, n), lambda: None),
            ("depot (sort into the sack)", "depot", _items(20_000, n), lambda: None),
            ("carrier (load the round)", "carrier", _items(20_000, n), lambda: None),
            (
                "carrier (at the door)",
                "carrier",
                _items(20_000, n),
                lambda: app.window.modes["carrier"].stage.setCurrentText(DELIVERING),  # type: ignore[attr-defined]
            ),
            ("track (look up)", "track", _items(20_000, n), lambda: None),
            ("devices (scanner test)", "devices", _items(30_000, n), lambda: None),
        ]
        for label, screen, scans, prepare in plan:
            mode = app.window.show_mode(screen)
            _settle(qt, app)
            if screen == "depot":
                mode.handle_scan(SACK)
                _settle(qt, app)
            prepare()
            latencies, answered = _drive(qt, app, scans, args.rate)
            worst = max(latencies) if latencies else float("inf")
            met = met and worst < 100 and answered == n
            rows.append(
                [
                    label,
                    f"{answered}/{n}",
                    f"{median(latencies):.1f}",
                    f"{percentile(latencies, 99):.1f}",
                    f"{worst:.1f}",
                    f"{baselines[label]:.4f}",
                ]
            )
        app.close()
    print(f"screens benchmark: {n} scans at {args.rate:g}/s into each screen; {machine()}")
    print(
        table(
            [
                "screen",
                "answered",
                "median ms",
                "p99 ms",
                "worst ms (< 100)",
                "baseline: desk alone, median ms",
            ],
            rows,
        )
    )
    print(f"targets {'MET' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
