"""Operations insight at depot scale: history import, `eta backtest` and `fraud scan` on a year of one
depot's history (about 2 million events), each printed next to a baseline measured in the same run.

- import: 100,000 rows of an export imported into a fresh station (every row checked, hashed, chained
  and de-duplicated), against the same rows inserted bare into a table of the same columns; target
  under 30 s;
- backtest and fraud scan on the year: against reading the journal's rows alone (what both must do).

The year is generated once (`station demo --days 365` shape, a fixed seed) and kept in --cache.

    python benchmarks/bench_insight.py [--per-day 1000] [--cache DIR] [--import-rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, table
from station.app import Station
from station.config import StationConfig
from station.demo.history import fill_history
from station.desks.fraud import FraudDesk
from station.desks.history import HistoryDesk
from station.insight import estimates, history
from station.insight.exchange import CHUNK, COLUMNS, OPTIONAL

END = date(2026, 11, 30)


def now() -> datetime:
    return datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def year(cache: Path, per_day: int) -> Path:
    path = cache / f"insight-year-{per_day}.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_name(path.name + ".partial")
        for leftover in cache.glob(partial.name + "*"):
            leftover.unlink()
        with Station.open(partial, StationConfig(station_id="HQ-1", time_zone="UTC"), now) as station:
            made = fill_history(station.db, days=365, per_day=per_day, seed=2026, end=END)
            station.db.close()
        partial.rename(path)
        print(
            f"generated the year: {made.items} items, {made.events} events"
            f" in {time.perf_counter() - started:.0f} s"
        )
    return path


def bench_import(work: Path, rows_wanted: int) -> list[list[object]]:
    source = work / "source.sqlite3"
    with Station.open(source, StationConfig(station_id="HQ-S", time_zone="UTC"), now) as station:
        fill_history(station.db, days=max(rows_wanted // 1000 + 20, 7), per_day=200, seed=7, end=END)
        exported = HistoryDesk(station).export_file(work / "all.csv")
    with (work / "all.csv").open(encoding="utf-8") as handle:
        lines = handle.readlines()[: rows_wanted + 1]
    (work / "rows.csv").write_text("".join(lines), encoding="utf-8")
    rows = len(lines) - 1
    # Baseline: the same rows parsed by csv and inserted bare (no checks, no hash, no chain, no index),
    # committed as the import commits them: a transaction every CHUNK rows, in a journal-mode WAL file.
    started = time.perf_counter()
    bare = sqlite3.connect(work / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute(f"CREATE TABLE rows ({', '.join((*COLUMNS, *OPTIONAL))})")
    insert = f"INSERT INTO rows VALUES ({','.join('?' * (len(COLUMNS) + 1))})"
    with (work / "rows.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        while chunk := list(itertools.islice(reader, CHUNK)):
            bare.execute("BEGIN")
            bare.executemany(insert, chunk)
            bare.execute("COMMIT")
    bare.close()
    bare_s = time.perf_counter() - started
    with Station.open(
        work / "target.sqlite3", StationConfig(station_id="HQ-T", time_zone="UTC"), now
    ) as target:
        started = time.perf_counter()
        report = HistoryDesk(target).import_file(work / "rows.csv")
        took = time.perf_counter() - started
        started = time.perf_counter()
        again = HistoryDesk(target).import_file(work / "rows.csv")
        again_s = time.perf_counter() - started
    assert report.ok and report.added == rows and again.added == 0, (report.line, again.line)
    del exported
    return [
        ["import (checked, hashed, chained)", rows, f"{took:.1f} s", f"{rows / took:,.0f} rows/s", "< 30 s"],
        [
            f"  baseline: bare csv + INSERT, a commit every {CHUNK:,} rows",
            rows,
            f"{bare_s:.2f} s",
            f"{rows / bare_s:,.0f} rows/s",
            "",
        ],
        ["  the same file again (adds 0)", rows, f"{again_s:.1f} s", f"{rows / again_s:,.0f} rows/s", ""],
    ]


def bench_year(path: Path) -> list[list[object]]:
    with Station.open(path, StationConfig(station_id="HQ-1", time_zone="UTC"), now) as station:
        events = station.journal.count()
        started = time.perf_counter()
        with station.db.reading() as conn:
            rows = history.rows(conn)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        lines = history.timelines(rows)
        replay_s = time.perf_counter() - started
        started = time.perf_counter()
        found = estimates.backtest(lines.values(), 0.8, None)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        report = FraudDesk(station).scan(facility="HQ", operator="bench")
        fraud_s = time.perf_counter() - started
    ratio = found.model_mae_days / found.baseline_mae_days
    return [
        ["baseline: read the journal's rows", events, f"{read_s:.1f} s", "", ""],
        ["  items' journeys (sacks replayed)", len(lines), f"{replay_s:.1f} s", "", ""],
        [
            "eta backtest (read + replay + fit/test)",
            found.test_items,
            f"{read_s + replay_s + fit_s:.1f} s",
            f"MAE {found.model_mae_days:.2f} vs {found.baseline_mae_days:.2f} d (x{ratio:.2f}),"
            f" p80 {found.p80_coverage:.0%}",
            "",
        ],
        [
            "fraud scan (every batch rule, journalled)",
            len(report.findings),
            f"{fraud_s:.1f} s",
            f"{report.new} new alerts",
            "",
        ],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=1000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "parcel-station-bench")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    print(machine())
    with tempfile.TemporaryDirectory() as work:
        rows = bench_import(Path(work), args.import_rows)
    rows += bench_year(year(args.cache, args.per_day))
    print(table(["measure", "n", "time", "rate / result", "target"], rows))


if __name__ == "__main__":
    main()
