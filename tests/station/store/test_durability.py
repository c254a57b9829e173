"""Acknowledged scans survive `kill -9`: a real `station scan` process is killed mid-stream.

The test feeds thousands of scans to `station scan` and reads its `OK` lines; each `OK` is printed only
after the scan's transaction committed. At a different moment in each round the process is killed with
SIGKILL while it is still writing. Every acknowledged id must then be in the journal, the database must
open, and every station chain must verify.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.ids import S10
from station.items.tracking import track


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 37, 211, 640])
def test_kill_9_mid_stream_loses_no_acknowledged_scan(tmp_path: Path, kill_after: int) -> None:
    db = tmp_path / "journal.sqlite3"
    ids = [S10.build("RR", n, "US").text for n in range(30_000_000, 30_003_000)]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui.cli.main",
            "--db",
            str(db),
            "scan",
            "--event",
            "acceptance",
            "--facility",
            "NYC",
            "--operator",
            "ann",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "STATION_HOME": str(tmp_path)},
    )
    assert proc.stdin is not None and proc.stdout is not None

    def feed() -> None:
        try:
            for item in ids:
                proc.stdin.write(f"{item}\r\n".encode())  # type: ignore[union-attr]
                proc.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, ValueError):
            pass  # the reader was killed: expected

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    acknowledged: list[str] = []
    for line in proc.stdout:
        assert line.startswith(b"OK "), line
        acknowledged.append(line.split()[1].decode())
        if len(acknowledged) == kill_after:
            os.kill(proc.pid, signal.SIGKILL)  # while later scans are still being written
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    feeder.join(timeout=10)

    with Station.open(db, StationConfig()) as station:
        stored = station.journal.count()
        missing = [item for item in acknowledged if track(station.db, item) is None]
        result = station.journal.verify()
    assert missing == []
    assert stored >= len(acknowledged)  # scans committed but not yet acknowledged may also be there
    assert result.ok, result.first_break
