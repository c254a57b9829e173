"""Scales: protocol parsing with exact units, and the driver against a simulator on a pty."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hardware.protocols import WeightReading, WeightStatus
from hardware.registry import parse_url
from hardware.scales.parsing import parse_continuous, parse_nci, parse_sics, to_milligrams
from hardware.scales.serial_scale import SerialScale
from tests.pseudo_devices.scale_simulator import ScaleSimulator


def test_units_are_converted_exactly() -> None:
    assert to_milligrams("1.250", "kg") == 1_250_000
    assert to_milligrams("250", "g") == 250_000
    assert to_milligrams("1", "lb") == 453_592  # 453.59237 g by definition
    assert to_milligrams("16", "oz") == 453_592
    assert to_milligrams("2.2046", "lb") == 999_990  # 999,989.739 mg, rounded half up


def test_mt_sics_answers() -> None:
    assert parse_sics(b"S S      1.234 kg\r\n") == WeightReading(
        WeightStatus.OK, 1_234_000, True, b"S S      1.234 kg\r\n"
    )
    moving = parse_sics(b"S D      1.234 kg\r\n")
    assert moving.status is WeightStatus.MOTION and moving.grams is None and not moving.usable
    assert parse_sics(b"S +\r\n").status is WeightStatus.OVERLOAD
    assert parse_sics(b"S -\r\n").status is WeightStatus.UNDERZERO
    assert parse_sics(b"ES\r\n").status is WeightStatus.ERROR
    assert parse_sics(b"garbage\r\n").status is WeightStatus.ERROR


def test_nci_answers_use_the_status_bits() -> None:
    assert parse_nci(b"\n   2.50lb\r\n\nS00\r\x03").milligrams == 1_133_981
    assert parse_nci(b"\n   2.50lb\r\n\nS10\r\x03").status is WeightStatus.MOTION
    assert parse_nci(b"\n   ^^^^^^\r\n\nS02\r\x03").status is WeightStatus.OVERLOAD
    assert parse_nci(b"\n   ______\r\n\nS01\r\x03").status is WeightStatus.UNDERZERO


def test_continuous_output_lines() -> None:
    assert parse_continuous(b"ST,GS,+0001.234 kg\r\n").grams == 1234
    assert parse_continuous(b"US,GS,+0001.234 kg\r\n").status is WeightStatus.MOTION
    assert parse_continuous(b"OL,GS,+9999.999 kg\r\n").status is WeightStatus.OVERLOAD
    assert parse_continuous(b"ST,GS,-0000.020 kg\r\n").status is WeightStatus.UNDERZERO


@pytest.mark.parametrize(
    ("protocol", "unit", "value", "grams"),
    [("sics", "kg", "1.250", 1250), ("nci", "lb", "2.50", 1134), ("continuous", "g", "640", 640)],
)
def test_scale_driver_reads_a_simulated_scale_over_a_pty(
    tmp_path: Path, protocol: str, unit: str, value: str, grams: int
) -> None:
    sim = ScaleSimulator(tmp_path / "ttyScale", protocol, value, unit)
    readings: list[WeightReading] = []
    scale = SerialScale(
        parse_url(f"scale+serial://{sim.path}?protocol={protocol}&interval=0.02"), readings.append
    )
    scale.start()
    try:
        assert _wait(lambda: any(r.usable for r in readings))
        assert next(r for r in readings if r.usable).grams == grams
        sim.state = "motion"
        mark = len(readings)
        assert _wait(lambda: any(r.status is WeightStatus.MOTION for r in readings[mark:]))
        sim.state = "overload"
        mark = len(readings)
        assert _wait(lambda: any(r.status is WeightStatus.OVERLOAD for r in readings[mark:]))
        assert all(r.grams is None for r in readings[mark:] if r.status is not WeightStatus.OK)
        if protocol != "continuous":
            assert sim.commands and sim.commands[0] == (b"SI" if protocol == "sics" else b"W")
    finally:
        scale.stop()
        sim.close()


def _wait(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False
