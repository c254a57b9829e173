"""A till day is the station's own calendar day, wherever the computer's clock is set, and every time is
compared as the journal writes it (UTC text). `./dev mutants` found the day's bounds, the closed-day
refusal and who worked the day taken in the computer's zone unseen, since the tests ran in UTC."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.desks.till import TillDesk
from station.model.events import Event, EventKind
from station.office import till
from station.office.till import DayClosed, DayReport
from station.postage.meter import LogLine
from tests.station.conftest import computer_in
from tests.station.desks.test_supervision import fund

NEW_YORK = "America/New_York"
LATE_ON_THE_2ND = datetime(2026, 11, 3, 3, 30, tzinfo=UTC)  # 22:30 on 2 November in New York
EARLY_ON_THE_3RD = datetime(2026, 11, 3, 5, 30, tzinfo=UTC)  # 00:30 on 3 November in New York


@pytest.fixture
def new_york_station(tmp_path: object) -> Station:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    return Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN01", time_zone=NEW_YORK))


@pytest.fixture
def computer_in_new_york() -> Iterator[None]:
    with computer_in(NEW_YORK):
        yield


def test_a_moment_late_in_the_evening_belongs_to_that_local_day() -> None:
    assert till.local_day(LATE_ON_THE_2ND, NEW_YORK) == date(2026, 11, 2)
    assert till.local_day(EARLY_ON_THE_3RD, NEW_YORK) == date(2026, 11, 3)


def test_who_worked_a_day_and_a_closed_day_follow_the_stations_zone(new_york_station: Station) -> None:
    station = new_york_station
    fund(station)
    late = Event.new(
        "RR473124829GB",
        EventKind.ACCEPTANCE,
        facility="NYC",
        station_id="STN01",
        operator="ann",
        at=LATE_ON_THE_2ND,
    )
    station.journal.append(late)
    with station.db.reading() as conn:
        assert till.operators_of_day(conn, "STN01", date(2026, 11, 2), NEW_YORK) == {"ann"}
        assert till.operators_of_day(conn, "STN01", date(2026, 11, 3), NEW_YORK) == set()
    closed = TillDesk(station).close(date(2026, 11, 2), 0, "sue")
    assert isinstance(closed, DayReport)
    with station.db.reading() as conn:
        with pytest.raises(DayClosed, match="the till of 2026-11-02 is closed"):
            till.refuse_if_closed(conn, LATE_ON_THE_2ND, NEW_YORK)
        till.refuse_if_closed(conn, EARLY_ON_THE_3RD, NEW_YORK)  # the next local day is open


def test_a_time_with_its_offset_is_compared_as_utc_text_wherever_the_computer_is(
    computer_in_new_york: None,
) -> None:
    assert till._utc("2026-11-02T22:30:00-05:00") == "2026-11-03T03:30:00.000000+00:00"
    assert till._utc("2026-11-03T03:30:00+00:00") == "2026-11-03T03:30:00.000000+00:00"


def test_the_registers_before_the_log_kept_times_are_those_of_its_last_untimed_line() -> None:
    untimed = [
        LogLine("credit", 10_000, None, 10_000, 0, None),
        LogLine("debit", 1_000, 1, 9_000, 1_000, None),
        LogLine("debit", 500, 2, 8_500, 1_500, None),
    ]
    timed = [LogLine("debit", 200, 3, 8_300, 1_700, "2026-11-02T15:00:00+00:00")]
    assert till._registers_at(untimed + timed, "2026-11-02T05:00:00.000000+00:00") == (8_500, 1_500)
    assert till._registers_at(untimed + timed, "2026-11-03T05:00:00.000000+00:00") == (8_300, 1_700)
    assert till._registers_at([], "2026-11-02T05:00:00.000000+00:00") == (0, 0)


def test_a_void_scanned_with_no_money_back_counts_as_a_void_of_nothing(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    station = Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN01"))
    fund(station)
    desk = ScanDesk(station)
    assert desk.record("RR473124829GB", EventKind.ACCEPTANCE, facility="NYC", operator="ann").ok
    assert desk.record("RR473124829GB", EventKind.VOID, facility="NYC", operator="ann").ok  # `station scan`
    report = TillDesk(station).report(TillDesk(station).today())
    assert isinstance(report, DayReport)
    assert report.voids == {"count": 1, "refund_cents": 0}
