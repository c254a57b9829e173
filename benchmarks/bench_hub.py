"""The hub on a private PostgreSQL cluster: ingest, push lag under 50 stations, catch-up, network look-up.

Each figure is printed next to a baseline measured in the same run:
- ingest: the station's push path (COPY into a temporary table, then hub.push_rows: every hash
  recomputed, the chain followed, each row's columns checked against the text it hashed, duplicate
  acceptances looked for) against a bare COPY of the same rows, every column, into the same table
  with the triggers off (session_replication_role = replica), both from the same rows in memory;
  target ratio >= 0.5. Rows of whole journeys (one acceptance in five, as in a network's journal) and
  of acceptances only (the worst case: each one is looked up for a duplicate acceptance). Also a
  station's whole push (its SQLite journal read as well);
- 50 stations scanning 10 items a second each for --seconds: push lag from the local commit to the hub
  commit (p50, p99; target p99 < 2 s), 0 lost and 0 duplicated, next to the local commit's own latency;
- catch-up: one station back with 30,000 waiting events (target < 30 s), next to the bare COPY;
- track on the hub with --events rows (default 10 million; target p99 < 10 ms), next to a round trip.

Needs PostgreSQL 15 (./dev test installs it); skips cleanly without it.

    python benchmarks/bench_hub.py [--stations 50] [--seconds 60] [--events 10000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, percentile, table
from station.app import Station
from tests.pg import Cluster, available


def _station(folder: Path, station_id: str) -> Station:
    from station.config import StationConfig

    (folder / station_id).mkdir(parents=True, exist_ok=True)
    return Station.open(folder / station_id / "s.sqlite3", StationConfig(station_id=station_id))


def _fill(station: object, n: int, first: int = 1, *, journeys: bool = False) -> None:
    """n acceptances; or, with `journeys`, n events of whole journeys (accepted, arrived, at the
    delivery office, out for delivery, delivered: one acceptance in five, as a network's journal is)."""
    from station.desks.scan import ScanDesk
    from station.ids import S10
    from station.model.events import EventKind

    desk = ScanDesk(station)  # type: ignore[arg-type]
    steps = [EventKind.ACCEPTANCE]
    if journeys:
        steps += [
            EventKind.ARRIVAL,
            EventKind.DELIVERY_OFFICE,
            EventKind.OUT_FOR_DELIVERY,
            EventKind.DELIVERED,
        ]
    for i in range(n):
        kind = steps[i % len(steps)]
        item = S10.build("CP", first + i // len(steps), "US").text
        signature = "sig-1" if kind is EventKind.DELIVERED else None
        assert desk.record(item, kind, facility="F", operator="o", signature_ref=signature).ok


INGEST_COLUMNS = (
    "station_id, seq, event_id, item_id, kind, upu_code, facility, operator, occurred_at, container_id,"
    " weight_g, reason, signature_ref, note, extra, body, prev_hash, hash, recorded_at"
)


def _bare_copy(dsn: str, rows: list[Any], station_id: str) -> float:
    """The same rows, every column, into hub.events with the triggers off: the seconds it took."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT hub.ensure_month(now())")
        conn.commit()
        t = time.perf_counter()
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            with conn.cursor().copy(f"COPY hub.events ({INGEST_COLUMNS}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(
                        (station_id, r.seq, r.event_id, r.item_id, r.kind, r.upu_code, r.facility,
                         r.operator, r.occurred_at, r.container_id, r.weight_g, r.reason, r.signature_ref,
                         r.note, r.extra, r.body, r.prev_hash, r.hash, r.recorded_at)
                    )  # fmt: skip
        return time.perf_counter() - t


def bench_ingest(
    cluster: Cluster, folder: Path, n: int, *, journeys: bool, repeats: int = 5
) -> list[list[str]]:
    """The push path against a bare COPY of the same rows, `repeats` times, each into a fresh hub
    database of its own (the bare COPY and the push in turns, which goes first alternating), so that a
    busy machine's moments fall on both; the medians are reported, and the median of the rounds' ratios.
    Then a second station's whole push from its journal."""
    import psycopg

    from hub.admin import enrol, init
    from hub.client import PostgresHub
    from station.desks.sync import BATCH, SyncDesk
    from station.network.port import HubHead
    from station.network.sync import outgoing
    from station.store.journal import GENESIS

    tag = "J" if journeys else "A"
    station = _station(folder, f"INGEST{tag}")
    _fill(station, n, journeys=journeys)
    with station.db.reading() as conn:
        rows = outgoing(conn, f"INGEST{tag}", 0, n)
    station.close()
    bare_times, push_times = [], []

    def fresh(database: str) -> str:
        with psycopg.connect(cluster.dsn(database="postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {database}")
        init(cluster.dsn(database=database))
        return cluster.dsn(database=database)

    for k in range(repeats):
        # Each into a database of its own: the bare rows in the push's database would be other stations'
        # acceptances of the same items, and every pushed acceptance would raise a duplicate alert.
        bare_dsn = fresh(f"bare_{tag.lower()}_{k}")
        push_dsn = fresh(f"push_{tag.lower()}_{k}")
        role = enrol(push_dsn, f"INGEST{tag}")
        hub = PostgresHub(cluster.dsn(role.role, role.password, f"push_{tag.lower()}_{k}"))
        hub.head(f"INGEST{tag}")  # connected before the clock starts, as the bare COPY's connection is

        def push(hub: PostgresHub = hub) -> float:
            claim = HubHead(rows[-1].seq, rows[-1].hash)
            t = time.perf_counter()
            for first in range(0, n, BATCH):
                part = rows[first : first + BATCH]
                answer = hub.push(part, claim, rows[first - 1].hash if first else GENESIS)
                assert answer.problem is None and answer.accepted == len(part)
            return time.perf_counter() - t

        if k % 2 == 0:
            bare_times.append(_bare_copy(bare_dsn, rows, f"INGEST{tag}"))
            push_times.append(push())
        else:
            push_times.append(push())
            bare_times.append(_bare_copy(bare_dsn, rows, f"INGEST{tag}"))
        hub.close()
    bare_s, ingest_s = median(bare_times), median(push_times)
    ratios = [b / p for b, p in zip(bare_times, push_times, strict=True)]
    ratio = median(ratios)
    init(cluster.dsn())
    whole = _station(folder, f"WHOLE{tag}")
    _fill(whole, n, first=n + 1, journeys=journeys)
    role = enrol(cluster.dsn(), f"WHOLE{tag}")
    desk = SyncDesk(whole, PostgresHub(cluster.dsn(role.role, role.password)))
    t = time.perf_counter()
    report = desk.push(batch=BATCH)
    whole_s = time.perf_counter() - t
    assert report.waiting == 0 and report.pushed == n
    whole.close()
    what = "journeys (1 acceptance in 5)" if journeys else "acceptances only (worst case)"
    return [
        [
            f"hub ingest, {what}: push path, batches of {BATCH} (events/s, median of {repeats})",
            f"{n / ingest_s:,.0f}",
            "bare COPY, same rows",
            f"{n / bare_s:,.0f}",
            f"ratio {ratio:.2f} (>= 0.5; rounds {min(ratios):.2f}-{max(ratios):.2f})",
        ],
        [
            "  with the station's journal read (events/s)",
            f"{n / whole_s:,.0f}",
            "bare COPY, same rows",
            f"{n / bare_s:,.0f}",
            f"ratio {bare_s / whole_s:.2f} (SQLite read included)",
        ],
    ]


def bench_fleet(cluster: Cluster, folder: Path, stations: int, seconds: float) -> list[list[str]]:
    import psycopg

    from hub.admin import enrol
    from hub.client import PostgresHub
    from station.desks.scan import ScanDesk
    from station.desks.sync import SyncDesk
    from station.ids import S10
    from station.model.events import EventKind

    fleet = []
    for k in range(stations):
        sid = f"F{k:03d}"
        role = enrol(cluster.dsn(), sid)
        fleet.append((sid, _station(folder, sid), cluster.dsn(role.role, role.password)))
    commit_ms: list[float] = []
    stop = threading.Event()

    def scanner(k: int, station: object) -> None:
        desk = ScanDesk(station)  # type: ignore[arg-type]
        start, i = time.monotonic(), 0
        while time.monotonic() - start < seconds:
            t = time.perf_counter()
            desk.record(
                S10.build("CP", k * 100_000 + i + 1, "US").text, EventKind.ARRIVAL, facility="F", operator="o"
            )
            commit_ms.append((time.perf_counter() - t) * 1000)
            i += 1
            time.sleep(max(0.0, start + i / 10 - time.monotonic()))

    def pusher(station: object, dsn: str) -> None:
        desk = SyncDesk(station, PostgresHub(dsn))  # type: ignore[arg-type]
        while not stop.is_set():
            desk.push(batch=500)
            stop.wait(0.25)
        desk.push(batch=500)

    threads = [threading.Thread(target=scanner, args=(k, s)) for k, (_, s, _) in enumerate(fleet)]
    pushers = [threading.Thread(target=pusher, args=(s, d)) for _, s, d in fleet]
    for t in threads + pushers:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    for t in pushers:
        t.join()
    with psycopg.connect(cluster.dsn()) as conn:
        lags = [
            float(r[0])
            for r in conn.execute(
                "SELECT extract(epoch FROM received_at - recorded_at) * 1000 FROM hub.events"
                " WHERE station_id LIKE 'F%%' AND kind = 'arrival'"
            ).fetchall()
        ]
        held: dict[str, int] = dict(
            conn.execute(
                "SELECT station_id, count(DISTINCT seq) FROM hub.events"
                " WHERE station_id LIKE 'F%%' GROUP BY 1"
            ).fetchall()
        )
        total = conn.execute("SELECT count(*) FROM hub.events WHERE station_id LIKE 'F%%'").fetchone()
    local = {}
    for sid, station, _ in fleet:
        local[sid] = station.journal.count()
        station.close()
    lost = sum(local[s] - held.get(s, 0) for s in local)
    duplicated = (int(total[0]) if total else 0) - sum(held.values())
    return [
        [
            f"{stations} stations x 10/s x {seconds:g} s: push lag p50 / p99 ms",
            f"{median(lags):.0f} / {percentile(lags, 99):.0f}",
            "local commit p50 / p99 ms",
            f"{median(commit_ms):.1f} / {percentile(commit_ms, 99):.1f}",
            f"p99 < 2000; {len(lags):,} events, lost {lost}, duplicated {duplicated}",
        ],
    ]


def bench_catch_up(cluster: Cluster, folder: Path, n: int) -> list[list[str]]:
    from hub.admin import enrol
    from hub.client import PostgresHub
    from station.desks.sync import BATCH, SyncDesk

    station = _station(folder, "LATE")
    _fill(station, n, first=5_000_000)
    role = enrol(cluster.dsn(), "LATE")
    t = time.perf_counter()
    report = SyncDesk(station, PostgresHub(cluster.dsn(role.role, role.password))).push(batch=BATCH)
    took = time.perf_counter() - t
    station.close()
    assert report.waiting == 0
    return [[f"catch-up of {n:,} waiting events (s)", f"{took:.1f}", "", "", "< 30"]]


def bench_track(cluster: Cluster, events: int) -> list[list[str]]:
    import psycopg

    from hub.client import PostgresHub

    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        conn.execute("SELECT hub.ensure_month(%s)", (datetime(2026, 11, 15, tzinfo=UTC),))
        conn.execute(
            "SET session_replication_role = replica"
        )  # a bulk load: the checks are not measured here
        done, chunk = 0, 1_000_000
        while done < events:
            size = min(chunk, events - done)
            item = "'CP' || lpad((g %% 2000000)::text, 9, '0') || 'US'"
            at = "timestamptz '2026-11-01' + g * interval '100 ms'"
            conn.execute(
                "INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, facility, operator,"
                " occurred_at, extra, body, prev_hash, hash, recorded_at)"
                f" SELECT 'BULK', g, 'e' || g, {item}, 'arrival', 'F', 'o', {at}, '{{}}',"
                f" json_build_object('event_id', 'e' || g, 'item_id', {item}, 'kind', 'arrival',"
                " 'facility', 'F', 'station_id', 'BULK', 'operator', 'o',"
                f" 'occurred_at', to_char({at}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US+00:00'),"
                " 'upu_code', 'EMD', 'container_id', null, 'weight_g', null, 'reason', null,"
                " 'signature_ref', null, 'note', null, 'extra', '{}'::json)::text, '', '', now()"
                " FROM generate_series(%s::bigint, %s::bigint) g",
                (done + 1, done + size),
            )
            done += size
        conn.execute("ANALYZE hub.events")
    hub = PostgresHub(cluster.dsn())
    times, rtt = [], []
    import random

    rng = random.Random(5)
    with psycopg.connect(cluster.dsn()) as conn:
        for _ in range(2000):
            t = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            rtt.append((time.perf_counter() - t) * 1000)
    for _ in range(2000):
        item = f"CP{rng.randrange(2_000_000):09d}US"
        t = time.perf_counter()
        found = hub.events_for(item)
        times.append((time.perf_counter() - t) * 1000)
        assert found or events < 2_000_000
    return [
        [
            f"track on the hub with {events:,} events: p50 / p99 ms",
            f"{median(times):.2f} / {percentile(times, 99):.2f}",
            "round trip p50 / p99 ms",
            f"{median(rtt):.2f} / {percentile(rtt, 99):.2f}",
            "p99 < 10",
        ]
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ingest", type=int, default=50_000)
    parser.add_argument("--catch-up", type=int, default=30_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    if not available():
        print(
            "hub benchmark: PostgreSQL 15 is not installed (./dev bench installs it): nothing measured",
            file=sys.stderr,
        )
        return 2
    os.environ.pop("STATION_HUB", None)
    cluster = Cluster.create("shared_buffers = 512MB\nsynchronous_commit = on\n")
    rows: list[list[str]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            rows += bench_ingest(cluster, folder, args.ingest, journeys=True)
            rows += bench_ingest(cluster, folder, args.ingest, journeys=False)
            rows += bench_fleet(cluster, folder, args.stations, args.seconds)
            rows += bench_catch_up(cluster, folder, args.catch_up)
            rows += bench_track(cluster, args.events)
    finally:
        cluster.remove()
    print(f"hub benchmark; {machine()}")
    print(table(["measure", "value", "baseline", "baseline value", "target / notes"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
