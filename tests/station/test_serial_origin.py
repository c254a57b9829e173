"""Where a station's tracking numbers come from (issue 28, finding 3): the set-up refuses the demo's
identity, a station without a hub is warned that its block is not network-unique, and a station of a
network issues only from the blocks its hub leased it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from station import doctor
from station.app import Station
from station.config import ConfigError, DeviceUrls, StationConfig, load_config
from station.desks.scan import ScanDesk
from station.desks.setup import FirstRun, default_answers, first_run, problems
from station.ids import S10
from station.model.events import EventKind
from station.paths import StationPaths
from station.store import serials
from station.store.serials import SerialSpaceExhausted

ANSWERS = FirstRun(
    "SFO01",
    "San Francisco Main",
    "dana.kim",
    "94105",
    "",
    0,
    DeviceUrls(),
    "30000000-30999999",
    pin="4821",
    training=True,  # the default devices are the demo's
)


def test_the_set_up_refuses_the_demo_identity_and_starts_with_none(tmp_path: Path) -> None:
    start = default_answers(StationConfig())
    assert (start.station_id, start.facility) == ("", "")  # never pre-filled with the demo's STN01
    assert start.serial_block == "10000000-19999999"
    assert problems(replace(ANSWERS, station_id="STN01")) == [
        "station id: STN01 is the demo's; give this office its own, e.g. SFO01"
    ]
    assert problems(replace(ANSWERS, facility="DEMO-COUNTER")) == [
        "facility: DEMO-COUNTER is the demo's; name this office"
    ]
    for block in ("30000000", "2-1", "30000000-30000100", "99999000-100000000", "x-y"):
        assert problems(replace(ANSWERS, serial_block=block)), block
    assert problems(ANSWERS) == []


def test_the_set_up_gives_the_station_its_own_serial_block(tmp_path: Path) -> None:
    paths = StationPaths.resolve(tmp_path)
    outcome, station = first_run(paths, ANSWERS)
    assert outcome.ok and station is not None
    try:
        config = load_config(paths.config_file)
        assert (config.s10_serial_first, config.s10_serial_last) == (30_000_000, 30_999_999)
        assert station.allocator.allocate("EE", "US")[0].text == S10.build("EE", 30_000_000, "US").text
    finally:
        station.close()


def test_doctor_warns_a_station_without_a_hub_and_one_with_the_demo_identity() -> None:
    demo = doctor.serials("", "STN01", "DEMO-COUNTER", 10_000_000, 19_999_999)
    assert demo.ok and demo.warning and "demo's identity" in demo.detail
    alone = doctor.serials("", "SFO01", "San Francisco Main", 30_000_000, 30_999_999)
    assert alone.ok and alone.warning
    assert "30000000-30999999 come from this station's set-up, not from a hub" in alone.detail
    networked = doctor.serials("postgresql://station_sfo01@hub/post", "SFO01", "SFO", 10_000_000, 19_999_999)
    assert networked.ok and not networked.warning


def test_a_networked_station_issues_only_from_its_leases_and_steps_over_known_ids(tmp_path: Path) -> None:
    paths = StationPaths.beside(tmp_path / "station.sqlite3")
    config = StationConfig(station_id="SFO01", facility="SFO", hub="postgresql://station_sfo01@hub/post")
    station = Station.at(paths, config)
    try:
        with pytest.raises(SerialSpaceExhausted, match="no block of s10:EE:US leased from the hub yet"):
            station.allocator.allocate("EE", "US")
        with station.db.transaction() as conn:
            serials.record_lease(conn, 7, "s10:EE:US", 501, 505, "2026-12-07T09:00:00+00:00")
            serials.record_lease(conn, 9, "s10:EE:US", 900, 999, "2026-12-07T09:00:00+00:00")
        taken = S10.build("EE", 502, "US").text
        assert ScanDesk(station).record(taken, EventKind.ACCEPTANCE, facility="SFO", operator="dee").ok
        made = [int(s.serial) for s in station.allocator.allocate("EE", "US", 6)]
        assert made == [501, 503, 504, 505, 900, 901]  # 502 is known: stepped over; then the next block
        with station.db.reading() as conn:
            assert serials.used_up_untold(conn) == [7]
        with pytest.raises(SerialSpaceExhausted, match="no leased serials left for s10:EE:US"):
            station.allocator.allocate("EE", "US", 99)  # 98 left: nothing is handed out
        assert int(station.allocator.allocate("EE", "US")[0].serial) == 902
    finally:
        station.close()


def test_a_station_with_a_mailer_id_issues_valid_impb_numbers_and_one_without_issues_none(
    tmp_path: Path,
) -> None:
    none = Station.at(StationPaths.beside(tmp_path / "a" / "s.sqlite3"), StationConfig(station_id="SFO01"))
    try:
        assert none.impb_allocator is None
    finally:
        none.close()
    six = Station.at(
        StationPaths.beside(tmp_path / "b" / "s.sqlite3"),
        StationConfig(station_id="SFO01", mailer_id="901234"),
    )
    try:
        assert six.impb_allocator is not None
        first = six.impb_allocator.allocate("001", 3)
        assert [i.tracking[:11] for i in first] == ["93001901234"] * 3  # 93: a 6-digit Mailer ID
        assert [int(i.tracking[11:21]) for i in first] == [1, 2, 3]
        taken = six.impb_allocator._build("001", 4)  # a pre-printed label of the next serial, seen already
        assert ScanDesk(six).record(taken, EventKind.ACCEPTANCE, facility="SFO", operator="dee").ok
        assert [int(i.tracking[11:21]) for i in six.impb_allocator.allocate("001", 2)] == [5, 6]
    finally:
        six.close()
    bad = tmp_path / "c"
    bad.mkdir()
    (bad / "station.toml").write_text('[station]\nmailer_id = "12345"\n')
    with pytest.raises(ConfigError, match="a USPS Mailer ID has 6 or 9 digits"):
        load_config(bad / "station.toml")
