"""Issue 31, item 16: the set-up of a real office makes its first admin with a PIN, refuses an operator
name the operator rules would refuse later, and takes demo devices only at a training station; the
doctor warns about demo devices at any other."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hardware.doctor import probes
from station.config import DeviceUrls, StationConfig
from station.desks.operators import OperatorDesk
from station.desks.setup import FirstRun, first_run, problems
from station.doctor import examine
from station.office import operators
from station.paths import StationPaths

REAL_DEVICES = DeviceUrls(
    scanner="wedge:",
    scale="scale+serial:///dev/ttyUSB0?protocol=sics",
    printer="tcp://192.0.2.10:9100",
    receipt_printer="usb:///dev/usb/lp0",
)
OFFICE = FirstRun(
    "SFO01", "San Francisco Main", "dana.kim", "94105", "", 0, REAL_DEVICES, "30000000-30999999", pin="4821"
)


def test_a_real_office_gives_a_name_the_operator_rules_take_and_a_pin() -> None:
    assert problems(OFFICE) == []
    [name] = problems(replace(OFFICE, operator="Dana Kim"))
    assert name.startswith("operator name 'Dana Kim': 2 to 32 letters")
    assert problems(replace(OFFICE, pin="")) == [
        "a passphrase has at least 8 characters (or use a PIN of 4 to 12 digits)"
    ]
    assert problems(replace(OFFICE, pin="1111")) == ["a PIN of one digit repeated is refused: choose another"]


def test_demo_devices_only_at_a_training_station() -> None:
    demo = replace(OFFICE, devices=replace(REAL_DEVICES, scale="demo:", receipt_printer="demo:"))
    said = problems(demo)
    assert [line.split(":")[0] for line in said] == ["scale", "receipt printer"], said
    assert "give the real one, or tick 'training station'" in said[0]
    assert problems(replace(demo, training=True)) == []
    assert problems(replace(OFFICE, devices=replace(REAL_DEVICES, printer="demo:")))[0].startswith(
        "label printer: demo:"
    )


def test_the_set_up_makes_the_operator_the_first_admin(tmp_path: Path) -> None:
    paths = StationPaths.resolve(tmp_path)
    outcome, station = first_run(paths, replace(OFFICE, devices=DeviceUrls(), training=True))
    assert outcome.ok and station is not None, outcome.text
    try:
        assert "dana.kim is its admin (badge OP-" in outcome.text
        with station.db.reading() as conn:
            [admin] = operators.listing(conn)
        assert (admin.name, admin.role, admin.badge) == ("dana.kim", "admin", outcome.details["badge"])
        assert OperatorDesk(station).sign_in("dana.kim", "4821").ok
        assert not OperatorDesk(station).sign_in("dana.kim", "4822").ok
        assert station.config.training
    finally:
        station.close()


def test_the_doctor_warns_about_demo_devices_unless_it_is_a_training_station(tmp_path: Path) -> None:
    paths = StationPaths.resolve(tmp_path)
    office = examine(probes(StationConfig(devices=replace(DeviceUrls(), scanner="demo:")), paths))
    warned = {c.name: c for c in office.checks if c.warning}
    assert set(warned) == {"scanner", "scale", "label printer", "receipt printer"}
    assert (
        warned["scale"].detail == "a DEMO device (demo scale (weights are made up)): not for a real counter"
    )
    assert "set [devices] scale to the real one" in warned["scale"].fix
    assert "set [devices] receipt_printer to the real one" in warned["receipt printer"].fix
    assert "set [devices] printer to the real one" in warned["label printer"].fix
    training = examine(probes(StationConfig(training=True), paths))
    assert not any(c.warning for c in training.checks if c.name != "SMS gateway")
