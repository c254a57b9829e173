"""Start-up: the cold wall time of a `station` command, next to a bare Python in the same run.

Each command runs as its own process (the installed `station` entry point), RUNS times, interleaved with
the baselines so that a busy moment of the machine falls on all of them alike: `python -c pass`, and
`python -c "import sqlite3, cryptography"` (what any command that opens a journal needs at the least).
The look-up runs on a journal with a day of demo work in it. Target: `station track ID` at or under 0.4 s.

    python benchmarks/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, percentile, table

TARGET_TRACK_S = 0.4


def _station() -> list[str]:
    """The installed entry point beside this Python (as an operator's shell starts it)."""
    found = Path(sys.executable).with_name("station")
    return [str(found)] if found.exists() else [sys.executable, "-m", "ui.cli.main"]


def _time(command: list[str], stdin: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    station = [*_station(), "--home", str(home)]
    try:
        subprocess.run([*station, "demo", "--items", "200"], capture_output=True, check=True, env=env)
        item = "RR473124829GB"
        subprocess.run(
            [*station, "scan", "--event", "acceptance", "--facility", "BENCH", "--operator", "bench"],
            input=f"{item}\n",
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        cases: list[tuple[str, list[str], str]] = [
            ("python -c pass (baseline)", [sys.executable, "-c", "pass"], ""),
            (
                "python: import sqlite3, cryptography (baseline)",
                [sys.executable, "-c", "import sqlite3, cryptography"],
                "",
            ),
            ("station --help", [*station, "--help"], ""),
            ("station ids check ID", [*station, "ids", "check", item], ""),
            ("station track ID", [*station, "track", item], ""),
            (
                "station scan (one line)",
                [*station, "scan", "--event", "arrival", "--facility", "BENCH", "--operator", "bench"],
                f"{item}\n",
            ),
        ]
        times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        # A warm-up each: the files in the page cache, as on a machine in use.
        for _name, command, stdin in cases:
            _time(command, stdin, env)
        for _ in range(args.runs):
            for name, command, stdin in cases:
                times[name].append(_time(command, stdin, env))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    base = median(times[cases[0][0]])
    rows = [
        (
            name,
            f"{median(t) * 1000:.0f}",
            f"{min(t) * 1000:.0f}",
            f"{percentile(t, 90) * 1000:.0f}",
            f"{median(t) / base:.1f}",
        )
        for name, t in times.items()
    ]
    print(machine())
    print(f"{args.runs} runs of each, interleaved; wall time of the whole process (ms)")
    print(table(("command", "median", "min", "p90", "x python -c pass"), rows))
    track = median(times["station track ID"])
    verdict = "met" if track <= TARGET_TRACK_S else "MISSED"
    print(f"station track ID: {track:.3f} s median, target {TARGET_TRACK_S} s: {verdict}")


if __name__ == "__main__":
    main()
