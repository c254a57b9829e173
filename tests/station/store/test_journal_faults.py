"""A damaged or edited journal is named, never written to; look-ups never wait on a writer; the files that
hold phone numbers and addresses are the owner's alone."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.desks.track import TrackDesk
from station.ids import S10
from station.migrations import open_database
from station.model.events import EventKind
from station.paths import StationPaths
from station.store.db import JournalDamaged
from tests.cli_runner import Ran, run_station

FIRST = S10.build("RR", 60_000_000, "US").text


def station_cli(home: Path, *args: str) -> Ran:
    return run_station(*args, home=home)


def _journal(home: Path, items: int = 300) -> Path:
    path = home / "station.sqlite3"
    with Station.open(path, StationConfig()) as station:
        desk = ScanDesk(station)
        for i in range(items):
            desk.record(
                S10.build("RR", 60_000_000 + i, "US").text, EventKind.ACCEPTANCE, facility="F", operator="o"
            )
    return path


def _page_of(path: Path, name: str) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (name,)).fetchone()[0]
    return (root - 1) * page_size, page_size


def _index_pages(path: Path, name: str) -> list[int]:
    with sqlite3.connect(path) as conn:  # SQLite's dbstat table says which pages an index has
        return [
            r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name=? AND pagetype='leaf'", (name,))
        ]


def test_a_flipped_index_byte_fails_verify_though_the_chain_is_intact(tmp_path: Path) -> None:
    path = _journal(tmp_path)
    item = S10.build("RR", 60_000_150, "US").text
    _offset, size = _page_of(path, "events")
    data = bytearray(path.read_bytes())
    for page in _index_pages(path, "events_by_item"):
        at = data.find(item.encode(), (page - 1) * size, page * size)
        if at >= 0:
            data[at + 5] ^= 0x01  # one digit of the item id in the index: look-ups by item miss the event
            break
    else:
        raise AssertionError("the item id is in no leaf of the index")
    path.write_bytes(bytes(data))
    assert station_cli(tmp_path, "track", item).returncode == 1  # the look-up is fooled...
    result = station_cli(tmp_path, "journal", "verify")
    assert result.returncode == 1 and result.stdout.startswith(
        "journal DAMAGED: SQLite's integrity check fails"
    )


def test_a_station_does_not_write_to_a_journal_that_fails_its_quick_check(tmp_path: Path) -> None:
    path = _journal(tmp_path)
    offset, _size = _page_of(path, "events")
    data = bytearray(path.read_bytes())
    data[offset + (100 if offset == 0 else 0)] = 0x42  # the b-tree page's type byte: not a page type at all
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(JournalDamaged, match="fails SQLite's quick check"):
        open_database(path)
    scanned = station_cli(tmp_path, "scan", "--event", "acceptance", "--facility", "F", "--operator", "o")
    assert scanned.returncode == 1 and "will not write" in scanned.stderr
    assert path.read_bytes() == before


def test_look_ups_do_not_wait_for_another_process_holding_a_write_transaction(tmp_path: Path) -> None:
    # The holder never lets go (it is killed at the end): a look-up that waited for its lock would sit
    # out SQLite's busy timeout and fail with "database is locked", so answering at all proves it did
    # not wait. How fast it answers is benchmarks/bench_track.py's row "while another process holds a
    # write transaction".
    path = _journal(tmp_path, items=5)
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
        for command in (
            ["track", FIRST],
            ["journal", "verify"],
            ["sms", "outbox"],
            ["printers", "status"],
        ):
            result = station_cli(tmp_path, *command)
            assert result.returncode == 0 and "locked" not in result.stderr, (command, result.stderr)
        paths = StationPaths.resolve(tmp_path)
        with Station.at(paths, StationConfig(), read_only=True) as reader:
            assert TrackDesk(reader).look_up(FIRST).ok
        writer = sqlite3.connect(path, timeout=0, isolation_level=None)  # the holder really holds it
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("BEGIN IMMEDIATE")
        writer.close()
    finally:
        holder.kill()
        holder.wait()


def test_look_ups_work_on_a_read_only_copy(tmp_path: Path) -> None:
    original = _journal(tmp_path / "live", items=3)
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "station.sqlite3").write_bytes(original.read_bytes())
    os.chmod(copy / "station.sqlite3", 0o444)
    # SQLite reads a WAL-mode file through its -shm file, which cannot be made here: a read-only folder
    # (and, for root, who may write anywhere, the name taken by a folder) leaves only an immutable read.
    (copy / "station.sqlite3-shm").mkdir()
    (copy / "logs").mkdir()
    os.chmod(copy, 0o555)
    try:
        tracked = station_cli(copy, "track", FIRST)
        assert tracked.returncode == 0, tracked.stderr
        assert f"{FIRST}: Accepted" in tracked.stdout
    finally:
        os.chmod(copy, 0o755)


def test_the_journal_and_its_folder_are_the_owners_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert station_cli(home, "load", "RR473124829GB").returncode == 0
    assert stat.S_IMODE((home / "station.sqlite3").stat().st_mode) == 0o600
    holder = sqlite3.connect(home / "station.sqlite3")  # while a connection is open the WAL file exists
    try:
        holder.execute("SELECT count(*) FROM events").fetchone()
        assert stat.S_IMODE((home / "station.sqlite3-wal").stat().st_mode) == 0o600
    finally:
        holder.close()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_signatures_and_proofs_of_delivery_are_the_owners_alone(tmp_path: Path) -> None:
    import json
    import math

    home = tmp_path / "home"
    strokes = [[[20 + t * 5, 60 - 25 * math.sin(t / 3)] for t in range(61)]]
    signature = tmp_path / "sig.json"
    signature.write_text(json.dumps({"width": 400, "height": 120, "strokes": strokes}))
    done = station_cli(home, "deliver", "RR473124829GB", "--signature", str(signature), "--name", "Bo Lee")
    assert done.returncode == 0, done.stderr
    for folder in (home / "signatures", home / "pod"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(f.stat().st_mode) for f in folder.iterdir()} == {0o600}
