"""The tracking site under load: `GET /api/v1/track/{id}` and `GET /track/{id}` at a fixed rate, with
--events rows at the hub (default 10 million: 2 million items, five scans each, none in a sack: an item
in a sack costs one more query per level of sacks), next to a bare `SELECT` of the same item's public
events over a pool of the same size, at the same rate, in the same run.

The load is open-loop: request i is due at start + i / rate, and its latency counts from when it was
due, so a slow answer delays nothing behind it and is not hidden (no coordinated omission). The site
runs as `station hub web` (uvicorn, one process) with learning off (`--learn-days 0`: the serving path
is measured, not the learner) and the per-client limits raised (every request comes from 127.0.0.1).
Target: p99 under 50 ms at 200 requests a second.

Needs PostgreSQL 15 (./dev test installs it); skips cleanly without it.

    python benchmarks/bench_web.py [--events 10000000] [--rate 200] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, percentile, table
from tests.pg import Cluster, available

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("acceptance", "arrival", "delivery-office", "out-for-delivery", "delivered")
FACILITIES = ("NYC-COUNTER", "NJ-DEPOT", "SFO-OFFICE", "OAK-OFFICE")


def load(cluster: Cluster, events: int) -> int:
    """Bulk rows (the checks off: loading is not measured); the number of items."""
    import psycopg

    items = max(1, events // len(KINDS))
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        for month in (10, 11, 12):
            conn.execute("SELECT hub.ensure_month(%s)", (datetime(2026, month, 15, tzinfo=UTC),))
        conn.execute("SET session_replication_role = replica")
        # Real S10 numbers (UPU S10 check digit: weights 8 6 4 2 3 5 9 7, mod 11), as counters issue them.
        conn.execute(
            "CREATE FUNCTION pg_temp.s10(s bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$"
            " SELECT 'CP' || lpad(s::text, 8, '0') || (CASE c WHEN 10 THEN 0 WHEN 11 THEN 5 ELSE c END)::text"
            " || 'US' FROM (SELECT 11 - sum(substr(lpad(s::text, 8, '0'), i, 1)::int"
            " * (ARRAY[8, 6, 4, 2, 3, 5, 9, 7])[i]) % 11 AS c FROM generate_series(1, 8) i) x $$"
        )
        done, chunk = 0, 1_000_000
        item = "pg_temp.s10(g / 5)"
        kind = "(ARRAY['acceptance','arrival','delivery-office','out-for-delivery','delivered'])[g %% 5 + 1]"
        facility = "(ARRAY['NYC-COUNTER','NJ-DEPOT','SFO-OFFICE','SFO-OFFICE','SFO-OFFICE'])[g %% 5 + 1]"
        at = "timestamptz '2026-10-20' + (g / 5) * interval '500 ms' + (g %% 5) * interval '7 hours'"
        while done < events:
            size = min(chunk, events - done)
            conn.execute(
                "INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, upu_code, facility,"
                " operator, occurred_at, extra, body, prev_hash, hash, recorded_at)"
                f" SELECT 'BULK' || (g %% 7), g, 'e' || g, {item}, {kind}, 'EMD', {facility}, 'o', {at},"
                ' CASE WHEN g %% 5 = 0 THEN \'{"service": "priority", "destination_zip": "94105"}\'::jsonb'
                " ELSE '{}'::jsonb END, '', repeat('0', 64), md5(g::text) || md5((g + 1)::text), now()"
                " FROM generate_series(%s::bigint, %s::bigint) g",
                (done, done + size - 1),
            )
            done += size
        for facility_id, town in (
            ("NYC-COUNTER", "New York"),
            ("NJ-DEPOT", "Newark sorting centre"),
            ("SFO-OFFICE", "San Francisco"),
        ):
            conn.execute(
                "INSERT INTO hub.places VALUES (%s, %s, 'America/New_York') ON CONFLICT DO NOTHING",
                (facility_id, town),
            )
        conn.execute("ANALYZE hub.events")
    return items


async def _http_get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept-Language: en\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def drive_http(
    port: int, paths: list[str], rate: float, connections: int
) -> tuple[list[float], float, int]:
    """Open-loop GETs at `rate` a second over keep-alive connections: latencies (ms), rps, errors."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter() + 0.05

    async def one(i: int, path: str) -> None:
        nonlocal errors
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        conn = await pool.get()
        try:
            status = await _http_get(*conn, path)
            if status != 200:
                errors += 1
        finally:
            pool.put_nowait(conn)
        latencies.append((time.perf_counter() - due) * 1000)

    await asyncio.gather(*(one(i, p) for i, p in enumerate(paths)))
    took = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait()[1].close()
    return latencies, len(paths) / took, errors


async def drive_sql(dsn: str, ids: list[str], rate: float, size: int) -> tuple[list[float], float]:
    """The same items' public events by a bare SELECT over a pool, at the same rate."""
    from psycopg_pool import AsyncConnectionPool

    latencies: list[float] = []
    async with AsyncConnectionPool(dsn, min_size=size, max_size=size, kwargs={"autocommit": True}) as pool:
        await pool.wait()
        start = time.perf_counter() + 0.05

        async def one(i: int, item: str) -> None:
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            async with pool.connection() as conn:
                cur = await conn.execute(
                    "SELECT item_id, kind, facility, occurred_at, reason, container_id, station_id, seq,"
                    " event_id, hash, prev_hash FROM hub.track_events WHERE item_id = ANY(%s)"
                    " ORDER BY occurred_at",
                    ([item],),
                )
                await cur.fetchall()
            latencies.append((time.perf_counter() - due) * 1000)

        await asyncio.gather(*(one(i, item) for i, item in enumerate(ids)))
        took = time.perf_counter() - start
    return latencies, len(ids) / took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    if not available():
        print("SKIP: needs PostgreSQL 15 (./dev test installs it)")
        return 0
    from hub.admin import enrol_web, init

    print(machine())
    cluster = Cluster.create("shared_buffers = 512MB\n")
    site = None
    try:
        init(cluster.dsn())
        t = time.perf_counter()
        items = load(cluster, args.events)
        print(f"loaded {args.events:,} events of {items:,} items in {time.perf_counter() - t:.0f} s")
        login = enrol_web(cluster.dsn(), "bench")
        dsn = cluster.passfile_dsn(cluster.database, login.role, login.password)
        from tests.hub.web_site import free_port

        port = free_port()
        site = subprocess.Popen(
            [sys.executable, "-m", "ui", "hub", "web", "--dsn", dsn, "--port", str(port), "--learn-days", "0",
             "--lookups-per-minute", "100000000"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        rng = random.Random(32)
        n = int(args.rate * args.seconds)
        from station.ids import S10

        ids = [S10.build("CP", rng.randrange(items), "US").text for _ in range(n)]
        warm = [f"/api/v1/track/{i}" for i in ids[:200]]
        asyncio.run(drive_http(port, warm, args.rate, 32))
        rows = []
        sql, sql_rps = asyncio.run(drive_sql(dsn, ids, args.rate, 8))
        for label, prefix in (
            ("GET /api/v1/track/{id}", "/api/v1/track/"),
            ("GET /track/{id} (page)", "/track/"),
        ):
            got, rps, errors = asyncio.run(drive_http(port, [prefix + i for i in ids], args.rate, 32))
            rows.append([
                label, f"{median(got):.1f} / {percentile(got, 99):.1f}", f"{rps:.0f}", str(errors),
                f"{median(sql):.1f} / {percentile(sql, 99):.1f} ({sql_rps:.0f}/s)", "p99 < 50 ms at 200/s",
            ])  # fmt: skip
        print(
            table(
                ["at the hub", "p50 / p99 ms", "req/s", "errors", "bare SELECT p50 / p99 ms", "target"],
                rows,
            )
        )
    finally:
        if site is not None:
            site.terminate()
            site.wait(10)
        cluster.remove()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
