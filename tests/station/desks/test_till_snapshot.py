"""The till report reads the meter's registers and the meter's log as one state of the database. Another
counter's debit committed between the two reads made them disagree, and a sound day was reported as
"edited outside" (seen once, under load, in the six-counter race of test_till_load). Here the other
counter debits at exactly that moment, through its own connection to the same file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.counter import CounterDesk
from station.desks.till import TillDesk
from station.model.clock import SteppingClock
from station.office.till import DayReport
from station.postage.meter import Meter
from tests.station.desks.test_counter import PIECE
from tests.station.desks.test_supervision import fund
from tests.station.desks.test_till import DAY


def test_a_debit_at_another_counter_between_the_reports_reads_is_not_an_edit(
    tmp_path: Path, clock: SteppingClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = StationConfig(station_id="STN-T1")
    here = Station.open(tmp_path / "station.sqlite3", config, clock)
    there = Station.open(tmp_path / "station.sqlite3", config, clock)  # the next counter
    fund(here)
    assert CounterDesk(here).accept(PIECE, facility="NYC", operator="ann").ok
    registers = Meter.registers
    raced: list[bool] = []

    def read_then_another_counter_debits(meter: Meter) -> object:
        read = registers(meter)
        if not raced:
            raced.append(True)
            late = CounterDesk(there).accept(
                replace(PIECE, tracking="CP000000014US"), facility="NYC", operator="bo"
            )
            assert late.ok, late
        return read

    monkeypatch.setattr(Meter, "registers", read_then_another_counter_debits)
    report = TillDesk(here).report(DAY)
    assert raced and isinstance(report, DayReport), report
    assert not any("edited outside" in p for p in report.problems), report.problems
    assert report.meter["close"] == report.meter["now"]  # the registers and the log: the same moment
