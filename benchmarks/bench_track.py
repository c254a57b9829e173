"""Look-up: `track` on a journal of 5 million events; target p99 under 5 ms.

The journal is built once (and reused from --cache on later runs) with valid hash chains: items are
accepted at 4 counters, sorted into sacks of 100 at a depot, the sacks are closed, dispatched and
received, and the items go out for delivery and are delivered -- so each look-up has to assemble the
item's own events plus its sack's events, exactly as `station track` does. Look-ups are of random
items (not warmed one by one), measured with the same function the CLI calls, next to a baseline in the
same run (a bare indexed SELECT of the item's rows) and again while another process holds a write
transaction on the journal.

    python benchmarks/bench_track.py [--events 5000000] [--lookups 2000] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, percentile, table
from station.app import Station
from station.config import StationConfig
from station.ids import S10, Sscc
from station.items.tracking import track
from station.model.events import Event, EventKind
from station.store.journal import GENESIS, INSERT_SQL, canonical_content, event_hash, event_row

SACK_SIZE = 100
# Per item: acceptance, sort-in, out-for-delivery, delivered; per sack of 100: close, dispatch, arrival.
EVENTS_PER_ITEM = 4 + 3 / SACK_SIZE


class ChainWriter:
    """Writes events straight into the journal table with correct per-station chains (bulk build)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.heads: dict[str, tuple[int, str]] = {}
        self.rows: list[tuple[object, ...]] = []

    def add(self, event: Event) -> None:
        seq, prev = self.heads.get(event.station_id, (0, GENESIS))
        seq += 1
        c = canonical_content(event)
        digest = event_hash(prev, seq, event, c)
        self.heads[event.station_id] = (seq, digest)
        self.rows.append(event_row(c, seq, prev, digest, c["occurred_at"]))
        if len(self.rows) >= 50_000:
            self.flush()

    def flush(self) -> None:
        self.conn.executemany(INSERT_SQL, self.rows)
        self.rows.clear()


def build(path: Path, target_events: int) -> list[str]:
    with Station.open(path, StationConfig(station_id="DEP-1")):
        pass  # creates the schema, triggers and indexes exactly as the station does
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")  # bulk build only; the look-ups don't care how it was written
    conn.execute("BEGIN")
    writer = ChainWriter(conn)
    rng = random.Random(5)
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    n_items = int(target_events / EVENTS_PER_ITEM)
    items = []
    t = start
    for first in range(0, n_items, SACK_SIZE):
        sack = Sscc.build(0, "0614141", first // SACK_SIZE).text
        conn.execute(
            "INSERT INTO sacks (container_id, state, facility, destination, changed_at) VALUES (?,?,?,?,?)",
            (sack, "arrived", "DEPOT", None, t.isoformat()),
        )
        batch = [
            S10.build("CP", 10_000_000 + i, "US").text for i in range(first, min(first + SACK_SIZE, n_items))
        ]
        for item in batch:
            t += timedelta(seconds=1)
            station = f"CTR-{rng.randrange(4)}"
            writer.add(_ev(item, EventKind.ACCEPTANCE, station, t, weight_g=rng.randrange(100, 9000)))
            writer.add(_ev(item, EventKind.SORT_IN, "DEP-1", t + timedelta(hours=3), container_id=sack))
        for k, kind in enumerate((EventKind.SACK_CLOSE, EventKind.DISPATCH, EventKind.ARRIVAL)):
            writer.add(_ev(sack, kind, "DEP-1" if k < 2 else "DEP-2", t + timedelta(hours=4 + 6 * k)))
        for item in batch:
            writer.add(_ev(item, EventKind.OUT_FOR_DELIVERY, "DLV-1", t + timedelta(hours=20)))
            writer.add(
                _ev(item, EventKind.DELIVERED, "DLV-1", t + timedelta(hours=22), signature_ref=f"sig-{item}")
            )
        items += batch
        if len(items) % 100_000 == 0:
            print(f"  built {len(items):,} items", file=sys.stderr)
    writer.flush()
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return items


def _ev(item: str, kind: EventKind, station: str, at: datetime, **fields: Any) -> Event:
    return Event(
        str(uuid.UUID(int=random.getrandbits(128), version=4)),
        item,
        kind,
        station,
        station,
        "bench",
        at,
        **fields,
    )


def _lookups(station: Station, ids: list[str], known: bool = True) -> list[float]:
    latencies = []
    for item in ids:
        t0 = time.perf_counter()
        report = track(station.db, item)
        latencies.append(time.perf_counter() - t0)
        assert (report is not None and len(report.history) == 7) if known else report is None, item
    return latencies


def _bare_reads(path: Path, ids: list[str]) -> list[float]:
    """The floor under a look-up, in the same run: one indexed read of the item's own rows."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    latencies = []
    for item in ids:
        t0 = time.perf_counter()
        rows = conn.execute("SELECT * FROM events WHERE item_id = ?", (item,)).fetchall()
        latencies.append(time.perf_counter() - t0)
        assert len(rows) == 4, item
    conn.close()
    return latencies


def _while_another_process_writes(path: Path, look_ups: Callable[[], list[float]]) -> list[float]:
    """Look-ups while another process holds a write transaction on the journal (a busy counter):
    WAL readers do not wait for it, so these are no slower than the others."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            " c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(3600)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        return look_ups()
    finally:
        holder.kill()
        holder.wait()


def _drop_page_cache() -> bool:
    """Start from cold disk reads where the OS lets us (root on Linux); say whether it did."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument(
        "--cache", default="/tmp/parcel-station-bench", help="where the built journal is kept"
    )
    args = parser.parse_args()
    path = Path(args.cache) / f"track-{args.events}.sqlite3"
    items_file = path.with_suffix(".items")
    if not path.exists() or not items_file.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        t0 = time.perf_counter()
        print(f"building a {args.events:,}-event journal at {path} (once) ...", file=sys.stderr)
        items = build(path, args.events)
        items_file.write_text("\n".join(items))
        print(f"  built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    items = items_file.read_text().split()
    rng = random.Random(11)
    with Station.open(path, StationConfig(station_id="DEP-1")) as station:
        total = station.journal.count()
        unknown = [S10.build("EE", 90_000_000 + i, "US").text for i in range(args.lookups // 10)]
        latencies, misses = [], []
        for item in rng.sample(items, args.lookups):
            t0 = time.perf_counter()
            report = track(station.db, item)
            latencies.append(time.perf_counter() - t0)
            assert report is not None and len(report.history) == 7, report
        for item in unknown:
            t0 = time.perf_counter()
            assert track(station.db, item) is None
            misses.append(time.perf_counter() - t0)
        sample = rng.sample(items, min(200, len(items)))
        held = _while_another_process_writes(path, lambda: _lookups(station, sample))
    bare = _bare_reads(path, rng.sample(items, args.lookups))
    print(f"track benchmark: {total:,} events, {len(items):,} items; {machine()}")
    rows = [
        [
            name,
            len(lat),
            f"{median(lat) * 1e3:.3f}",
            f"{percentile(lat, 99) * 1e3:.3f}",
            f"{max(lat) * 1e3:.3f}",
        ]
        for name, lat in (
            ("known item (7-line history incl. 3 sack events)", latencies),
            ("unknown id", misses),
            ("known item while another process holds a write transaction", held),
            ("baseline: bare indexed SELECT of the item's rows (no sack, no history)", bare),
        )
    ]
    print(table(["look-up", "n", "p50 ms", "p99 ms", "max ms"], rows))
    p99 = percentile(latencies, 99) * 1e3
    print(f"p99 {p99:.3f} ms (target < 5 ms) -> {'MET' if p99 < 5 else 'NOT MET'}")


if __name__ == "__main__":
    main()
