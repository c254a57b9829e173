"""Signed checkpoints make a shortened or rewritten journal visible, though its hash chain still verifies."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.ids import S10
from station.model.events import EventKind
from station.store.journal import GENESIS, event_hash, row_to_event
from tests.cli_runner import Ran, run_station


def station_cli(home: Path, *args: str, stdin: str = "") -> Ran:
    return run_station(*args, home=home, stdin=stdin)


def _journal(home: Path, events: int) -> None:
    with Station.open(home / "station.sqlite3", StationConfig()) as station:
        desk = ScanDesk(station)
        for i in range(events):
            item = S10.build("RR", 70_000_000 + i, "US").text
            assert desk.record(item, EventKind.ACCEPTANCE, facility="F", operator="o").ok


def _checkpointed(home: Path) -> list[int]:
    lines = (home / "checkpoints.jsonl").read_text().splitlines()
    return [json.loads(line)["seq"] for line in lines]


def test_checkpoints_every_100_events_and_at_a_clean_stop(tmp_path: Path) -> None:
    _journal(tmp_path, 250)
    assert _checkpointed(tmp_path) == [100, 200, 250]
    lines = "\n".join(S10.build("CP", 71_000_000 + i, "US").text for i in range(3)) + "\n"
    scanned = station_cli(
        tmp_path, "scan", "--event", "acceptance", "--facility", "F", "--operator", "o", stdin=lines
    )
    assert scanned.returncode == 0 and _checkpointed(tmp_path)[-1] == 253  # the end of the scan run
    verified = station_cli(tmp_path, "journal", "verify")
    assert verified.returncode == 0 and "4 signed checkpoint(s) agree" in verified.stdout


def test_deleting_the_newest_events_is_reported(tmp_path: Path) -> None:
    _journal(tmp_path, 250)
    with sqlite3.connect(tmp_path / "station.sqlite3") as conn:
        conn.execute("DROP TRIGGER events_no_delete")  # someone with the file and a SQLite shell
        conn.execute("DELETE FROM events WHERE seq > 220")
    before = station_cli(tmp_path, "journal", "verify")
    assert before.returncode == 1
    assert (
        "the journal ends at 220 but was checkpointed at 250" in before.stdout
        and "30 events" in before.stdout
    )


def test_rewriting_an_event_and_every_hash_after_it_is_reported(tmp_path: Path) -> None:
    _journal(tmp_path, 250)
    with sqlite3.connect(tmp_path / "station.sqlite3") as conn:
        conn.row_factory = sqlite3.Row
        conn.execute("DROP TRIGGER events_no_update")
        rows = conn.execute("SELECT * FROM events ORDER BY seq").fetchall()
        prev = GENESIS
        for row in rows:
            event = row_to_event(row)
            if row["seq"] == 50:
                conn.execute("UPDATE events SET facility='ELSEWHERE' WHERE seq=50")
                event = row_to_event(conn.execute("SELECT * FROM events WHERE seq=50").fetchone())
            digest = event_hash(prev, row["seq"], event)
            conn.execute("UPDATE events SET prev_hash=?, hash=? WHERE seq=?", (prev, digest, row["seq"]))
            prev = digest
    result = station_cli(tmp_path, "journal", "verify")
    assert result.returncode == 1
    assert "event 100 is not the one checkpointed" in result.stdout  # the chain itself verifies again


def test_an_edited_checkpoint_line_is_named(tmp_path: Path) -> None:
    _journal(tmp_path, 120)
    path = tmp_path / "checkpoints.jsonl"
    lines = path.read_text().splitlines()
    edited = json.loads(lines[0]) | {"seq": 99}
    path.write_text("\n".join([json.dumps(edited), *lines[1:]]) + "\n")
    result = station_cli(tmp_path, "journal", "verify")
    assert result.returncode == 1 and "is not signed by this station's checkpoint key" in result.stdout


def test_a_checkpoint_that_cannot_be_written_never_fails_a_committed_scan(tmp_path: Path) -> None:
    (tmp_path / "checkpoints.jsonl").mkdir()  # a folder where the file should be: every write fails
    _journal(tmp_path, 150)  # the 100th scan's checkpoint fails after its commit: the scans go on
    with Station.open(tmp_path / "station.sqlite3", StationConfig()) as station:
        assert station.journal.count() == 150 and station.journal.verify().ok
