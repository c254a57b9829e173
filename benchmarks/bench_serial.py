"""Serial scanner throughput: 10,000 frames through a pseudo-terminal at 115,200 baud.

The scanner side writes S10 ids with a CR LF suffix into the master end of a pty pair; the station
opens the slave end as `serial://...?baud=115200&suffix=CRLF` with its real reader thread and records
every frame through the scan path into a journal (one commit per scan). Prints frames per second of
the reader alone and end to end, and checks every frame was recorded exactly once. (A pty ignores the
baud rate, so this measures the station, not the wire: 115,200 baud carries ~740 such frames/s.)

    python benchmarks/bench_serial.py [--frames 10000]
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import tempfile
import threading
import time
import tty
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, table
from hardware.protocols import DeviceState, DeviceStatus, RawScan
from hardware.registry import parse_url
from hardware.scanners.serial_scanner import SerialScanner
from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.ids import S10
from station.model.events import EventKind


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=10_000)
    args = parser.parse_args()
    ids = [S10.build("RR", 60_000_000 + i, "US").text for i in range(args.frames)]
    master, slave = os.openpty()
    path = os.ttyname(slave)
    os.close(slave)
    scans: queue.Queue[RawScan] = queue.Queue()
    connected = threading.Event()

    def on_status(s: DeviceStatus) -> None:
        if s.state is DeviceState.CONNECTED:
            connected.set()

    scanner = SerialScanner(parse_url(f"serial://{path}?baud=115200&suffix=CRLF"), scans.put, on_status)
    scanner.start()
    connected.wait(5)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Station.open(Path(tmp) / "j.sqlite3", StationConfig()) as station,
    ):
        desk = ScanDesk(station)

        def feed() -> None:
            for item in ids:
                os.write(master, item.encode() + b"\r\n")

        writer = threading.Thread(target=feed)
        t0 = time.perf_counter()
        writer.start()
        recorded: list[str] = []
        first_all_read = None
        while len(recorded) < len(ids):
            raw = scans.get(timeout=30)
            if scanner.frames == len(ids) and first_all_read is None:
                first_all_read = time.perf_counter()
            outcome = desk.record(raw.data, EventKind.ACCEPTANCE, facility="BENCH", operator="serial")
            if outcome.ok and outcome.id:
                recorded.append(outcome.id)
        end_to_end = time.perf_counter() - t0
        writer.join()
        reader_time = (first_all_read or time.perf_counter()) - t0
        stored = station.journal.count()
    scanner.stop()
    os.close(master)
    exactly_once = recorded == ids and stored == len(ids)
    raw_s = _bare_pty(ids)
    journal_s = _journal_alone(ids)
    print(f"serial benchmark: {len(ids):,} frames over a pty at 115200 baud; {machine()}")
    print(
        table(
            ["stage", "frames/s", "seconds"],
            [
                ["reader thread (frames framed)", f"{len(ids) / reader_time:,.0f}", f"{reader_time:.2f}"],
                ["end to end (normalised, journalled)", f"{len(ids) / end_to_end:,.0f}", f"{end_to_end:.2f}"],
                [
                    "baseline: the pty read raw and split (no driver)",
                    f"{len(ids) / raw_s:,.0f}",
                    f"{raw_s:.2f}",
                ],
                [
                    "baseline: the scan desk alone (no serial)",
                    f"{len(ids) / journal_s:,.0f}",
                    f"{journal_s:.2f}",
                ],
            ],
        )
    )
    print(f"every frame recorded exactly once, in order: {'YES' if exactly_once else 'NO'} ({stored} events)")


def _bare_pty(ids: list[str]) -> float:
    """The same frames through a pty read with os.read and split on CR LF: the floor of the reader."""
    master, slave = os.openpty()
    tty.setraw(slave)
    payload = b"".join(item.encode() + b"\r\n" for item in ids)
    writer = threading.Thread(target=lambda: os.write(master, payload))
    frames = 0
    buffer = b""
    t0 = time.perf_counter()
    writer.start()
    while frames < len(ids):
        buffer += os.read(slave, 65536)
        *done, buffer = buffer.split(b"\r\n")
        frames += len(done)
    took = time.perf_counter() - t0
    writer.join()
    os.close(master)
    os.close(slave)
    return took


def _journal_alone(ids: list[str]) -> float:
    """The same scans recorded straight through the scan desk (a commit each), no device."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        Station.open(Path(tmp) / "j.sqlite3", StationConfig()) as station,
    ):
        desk = ScanDesk(station)
        t0 = time.perf_counter()
        for item in ids:
            desk.record(item.encode(), EventKind.ACCEPTANCE, facility="BENCH", operator="serial")
        return time.perf_counter() - t0


if __name__ == "__main__":
    main()
