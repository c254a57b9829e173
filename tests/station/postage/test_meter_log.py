"""The meter's log line by line, its registers field by field, every refusal in the clerk's words: what
`./dev mutants` found the arithmetic and tamper tests let through (a refund logged without its piece, a
log line's registers computed the wrong way round, a refusal whose words were lost)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from station.migrations import open_database
from station.postage.meter import (
    InsufficientFunds,
    LogLine,
    Meter,
    MeterError,
    MeterLocked,
    Registers,
    log_lines,
)
from station.store.db import Database

NOON = datetime(2026, 11, 23, 12, tzinfo=UTC)
KEY = b"k" * 32


def _meter(tmp_path: Path, key: bytes | None = KEY) -> tuple[Database, Meter]:
    db = open_database(tmp_path / "m.sqlite3")
    return db, Meter(db, "PS000001", key, clock=lambda: NOON)


def test_each_operation_is_a_log_line_with_the_registers_after_it(tmp_path: Path) -> None:
    db, meter = _meter(tmp_path)
    assert meter.credit(10_000) == Registers("PS000001", 10_000, 0, 0, 10_000, None)
    assert meter.debit(3_677) == 1
    assert meter.debit(1_000) == 2
    assert meter.refund(1_000, 2) == Registers("PS000001", 6_323, 4_677, 2, 11_000, None)
    with db.reading() as conn:
        lines = log_lines(conn, "PS000001")
        other = log_lines(conn, "PS000002")
    at = NOON.isoformat()
    assert lines == [
        LogLine("credit", 10_000, None, 10_000, 0, at),
        LogLine("debit", 3_677, 1, 6_323, 3_677, at),
        LogLine("debit", 1_000, 2, 5_323, 4_677, at),
        LogLine("refund", 1_000, 2, 6_323, 4_677, at),  # postage printed never goes down
    ]
    assert other == []
    assert meter.registers() == Registers("PS000001", 6_323, 4_677, 2, 11_000, None)
    assert meter.check() is None


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (lambda m: m.credit(0), "a credit must be a positive amount"),
        (lambda m: m.credit(-5), "a credit must be a positive amount"),
        (lambda m: m.refund(0, 1), "a refund must be a positive amount"),
        (lambda m: m.debit(0), "postage must be a positive amount"),
        (lambda m: m.debit(1), "meter PS000001 has $0.00, the piece needs $0.01"),
    ],
)
def test_refusals_are_in_the_clerks_words(tmp_path: Path, act: object, message: str) -> None:
    _db, meter = _meter(tmp_path)
    with pytest.raises(MeterError, match=f"^{re.escape(message)}$"):
        act(meter)  # type: ignore[operator]
    assert meter.registers() == Registers("PS000001", 0, 0, 0, 0, None)


def test_the_smallest_credit_and_piece_are_taken(tmp_path: Path) -> None:
    _db, meter = _meter(tmp_path)
    meter.credit(1)
    assert meter.debit(1) == 1
    with pytest.raises(InsufficientFunds):
        meter.debit(1)


def test_sealing_needs_the_key_and_an_unsealed_meter_is_named(tmp_path: Path) -> None:
    db, meter = _meter(tmp_path, key=None)
    with pytest.raises(MeterError, match=re.escape("sealing the registers needs the meter's key")):
        meter.seal()
    keyed = Meter(db, "PS000001", KEY)  # the row exists already: not sealed by this
    assert keyed.check() == "meter PS000001's registers are not sealed yet: run `station meter init`"
    assert keyed.seal() == Registers("PS000001", 0, 0, 0, 0, None)
    assert keyed.check() is None


def test_edited_registers_lock_the_meter_with_the_reason(tmp_path: Path) -> None:
    _db, meter = _meter(tmp_path)
    meter.credit(5_000)
    with sqlite3.connect(tmp_path / "m.sqlite3") as conn:  # ascending and total moved alike: the sum holds
        conn.execute(
            "UPDATE meter_registers SET ascending = ascending + 1, total_credited = total_credited + 1"
        )
    assert meter.check() == "the registers do not match their MAC: they were edited outside the station"
    with pytest.raises(
        MeterLocked,
        match=re.escape(
            "meter PS000001 locked: the registers do not match their MAC: they were edited outside"
        ),
    ):
        meter.debit(100)
    with pytest.raises(
        MeterLocked,
        match=re.escape("meter PS000001 is locked: the registers do not match their MAC"),
    ):
        meter.credit(100)
    assert (
        meter.registers().locked
        == "the registers do not match their MAC: they were edited outside the station"
    )


def test_a_broken_control_sum_is_named_with_its_figures(tmp_path: Path) -> None:
    _db, meter = _meter(tmp_path, key=None)
    meter.credit(5_000)
    with sqlite3.connect(tmp_path / "m.sqlite3") as conn:
        conn.execute("UPDATE meter_registers SET descending = 4000")
    assert meter.check() == "control sum failed: ascending 0 + descending 4000 != credited 5000"
    with pytest.raises(MeterLocked, match=re.escape("meter PS000001 locked: control sum failed")):
        meter.ensure_sound()
    assert meter.registers().locked == "control sum failed: ascending 0 + descending 4000 != credited 5000"


def test_a_second_meter_in_the_same_journal_starts_empty_and_sealed(tmp_path: Path) -> None:
    db, meter = _meter(tmp_path)
    meter.credit(2_000)
    second = Meter(db, "PS000002", KEY)
    assert second.registers() == Registers("PS000002", 0, 0, 0, 0, None)
    assert second.check() is None and meter.check() is None
    again = Meter(db, "PS000001", KEY)  # opening it again changes nothing
    assert again.registers() == Registers("PS000001", 2_000, 0, 0, 2_000, None)


def test_a_read_only_look_at_a_station_with_no_meter_reads_empty_registers(tmp_path: Path) -> None:
    # `station doctor` and the till open the database read-only: no meter row is made there, and a
    # meter never set up reads as all zeros, unlocked, not as an error or someone else's meter.
    open_database(tmp_path / "s.sqlite3").close()  # a station's database, migrated, no meter in it
    looked = Database(tmp_path / "s.sqlite3", read_only=True)
    try:
        assert Meter(looked, "PS000009").registers() == Registers("PS000009", 0, 0, 0, 0, None)
    finally:
        looked.close()
