"""Ingest: 100,000 raw scans through the scanner's own path vs a bare SQLite WAL insert of the same rows.

The station path is `ScanDesk.record` (normalise, validate, hash-chain append, sack/status update), one
committed transaction per scan, exactly as a scanner drives it. The baseline inserts the same rows into
a bare table on the same kind of file with the same pragmas (WAL, synchronous=FULL), one commit per row,
in the same run. Target: station rate >= 0.5 x bare rate.

    python benchmarks/bench_ingest.py [--scans 100000]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, percentile, table
from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.ids import S10
from station.model.events import EventKind


def raw_scans(n: int) -> list[bytes]:
    """What a serial scanner sends: S10 ids with a CR suffix, every tenth in lower case."""
    out = []
    for i in range(n):
        text = S10.build("RR", 40_000_000 + i, "US").text
        out.append((text.lower() if i % 10 == 0 else text).encode() + b"\r")
    return out


def bench_station(path: Path, scans: list[bytes]) -> list[float]:
    latencies = []
    with Station.open(path, StationConfig(station_id="BENCH1")) as station:
        desk = ScanDesk(station)
        for raw in scans:
            t0 = time.perf_counter()
            outcome = desk.record(raw, EventKind.ACCEPTANCE, facility="NYC", operator="bench")
            latencies.append(time.perf_counter() - t0)
            if not outcome.ok:
                raise SystemExit(f"scan refused: {outcome.reason}")
    return latencies


def bench_bare(path: Path, scans: list[bytes]) -> list[float]:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, item_id TEXT, kind TEXT,"
        " facility TEXT, operator TEXT, occurred_at TEXT)"
    )
    latencies = []
    now = datetime.now(UTC).isoformat()
    for raw in scans:
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO events (event_id, item_id, kind, facility, operator, occurred_at)"
            " VALUES (?,?,?,?,?,?)",
            (str(uuid.uuid4()), raw.strip().decode().upper(), "acceptance", "NYC", "bench", now),
        )
        conn.execute("COMMIT")
        latencies.append(time.perf_counter() - t0)
    conn.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=100_000)
    parser.add_argument("--dir", help="where to put the database files (default: a temp dir on /tmp)")
    args = parser.parse_args()
    scans = raw_scans(args.scans)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        bare = bench_bare(Path(tmp) / "bare.sqlite3", scans)
        station = bench_station(Path(tmp) / "station.sqlite3", scans)
    rows = []
    for name, lat in (("bare SQLite WAL insert", bare), ("station scan path", station)):
        total = sum(lat)
        rows.append(
            [name, f"{len(lat) / total:,.0f}", f"{median(lat) * 1e3:.3f}", f"{percentile(lat, 99) * 1e3:.3f}"]
        )
    ratio = (len(station) / sum(station)) / (len(bare) / sum(bare))
    print(f"ingest benchmark: {args.scans:,} scans, one commit each, WAL + synchronous=FULL; {machine()}")
    print(table(["path", "scans/s", "p50 ms", "p99 ms"], rows))
    print(f"ratio station/bare: {ratio:.2f} (target >= 0.50) -> {'MET' if ratio >= 0.5 else 'NOT MET'}")


if __name__ == "__main__":
    main()
