"""The meter's registers: the control sum holds under any credit/debit sequence, and a crash between
debit and print charges nothing twice and loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.migrations import open_database
from station.postage.meter import InsufficientFunds, Meter, MeterLocked


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["credit", "debit"]), st.integers(1, 50_000)), max_size=40))
def test_control_sum_holds_for_any_sequence(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, int]]
) -> None:
    meter = Meter(open_database(tmp_path_factory.mktemp("m") / "m.sqlite3"), "PS000001")
    credited = used = pieces = 0
    for kind, cents in ops:
        if kind == "credit":
            meter.credit(cents)
            credited += cents
        elif cents <= credited - used:
            assert meter.debit(cents) == pieces + 1
            used += cents
            pieces += 1
        else:
            with pytest.raises(InsufficientFunds):
                meter.debit(cents)
        r = meter.registers()
        assert r.control_ok
        assert (r.descending, r.ascending, r.pieces, r.total_credited) == (
            credited - used,
            used,
            pieces,
            credited,
        )


def test_a_failed_transaction_after_the_debit_charges_nothing(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.sqlite3")
    meter = Meter(db, "PS000001")
    meter.credit(10_000)
    with pytest.raises(RuntimeError), db.transaction():
        meter.debit(855)
        raise RuntimeError("printer job could not be stored")
    r = meter.registers()
    assert (r.descending, r.ascending, r.pieces) == (10_000, 0, 0)


def test_a_tampered_register_locks_the_meter(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.sqlite3")
    meter = Meter(db, "PS000001")
    meter.credit(10_000)
    with db.transaction() as conn:  # someone edits the descending register directly
        conn.execute("UPDATE meter_registers SET descending = descending + 5000")
    with pytest.raises(MeterLocked, match="control sum failed"):
        meter.debit(100)
    assert meter.registers().locked
    with pytest.raises(MeterLocked):
        meter.credit(100)


CRASHER = textwrap.dedent(
    """
    import os, signal, sys
    from station.migrations import open_database
    from station.postage.meter import Meter
    from station.printing.queue import PrintQueue
    db = open_database(sys.argv[1]); meter = Meter(db, "PS000001"); queue = PrintQueue(db)
    for n in range(int(sys.argv[2])):
        with db.transaction():
            piece = meter.debit(100)
            queue.enqueue("demo:", b"^XA^XZ", "zpl", f"piece {piece}")
        print(piece, flush=True)
    with db.transaction():
        meter.debit(100)
        print("debited", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # dies between the debit and storing its print job
    """
)


def test_kill_9_between_debit_and_print_job_loses_and_doubles_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite3"
    Meter(open_database(path), "PS000001").credit(100_000)
    proc = subprocess.run(
        [sys.executable, "-c", CRASHER, str(path), "5"],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout.split() == ["1", "2", "3", "4", "5", "debited"]
    db = open_database(path)
    r = Meter(db, "PS000001").registers()
    with db.reading() as conn:
        jobs = conn.execute("SELECT count(*) FROM print_jobs").fetchone()[0]
    assert r.control_ok
    assert (r.pieces, r.ascending, jobs) == (5, 500, 5)  # the sixth, killed piece: not charged, no job
