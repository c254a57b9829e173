"""Every date a person reads is the station's own day (issue 31, item 10): at 8:30 pm in New York the
UTC date is already tomorrow, and the label, its indicia and the sack tag said so."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.desks.counter import Acceptance, CounterDesk
from station.desks.depot import DepotDesk
from station.postage.indicia import decode
from tests.station.desks.test_counter import PIECE
from tests.station.desks.test_supervision import fund

EVENING_IN_NEW_YORK = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)  # 20:30 on 1 November in New York


def _new_york(tmp_path: Path) -> Station:
    return Station.open(
        tmp_path / "s.sqlite3",
        replace(StationConfig(station_id="STN-NY"), time_zone="America/New_York"),
        lambda: EVENING_IN_NEW_YORK,
    )


def test_the_label_and_its_indicia_are_dated_the_stations_day(tmp_path: Path) -> None:
    station = _new_york(tmp_path)
    assert station.today() == date(2026, 11, 1)
    fund(station)
    done = CounterDesk(station).accept(
        replace(PIECE, tracking="EE123456785US"), facility="NYC", operator="ann"
    )
    assert isinstance(done, Acceptance), done
    assert decode(done.indicia)[0].mailed_on == date(2026, 11, 1)
    texts = [getattr(part, "text", "") for part in done.label.elements]
    assert "2026-11-01" in texts and "2026-11-02" not in texts


def test_a_sack_tag_is_dated_the_stations_day(tmp_path: Path) -> None:
    station = _new_york(tmp_path)
    depot = DepotDesk(station)
    sack = depot.new_sack(facility="NYC", operator="sam", destination="941").id
    assert sack is not None
    assert depot.sort("RR473124829GB", sack, facility="NYC", operator="sam").ok
    depot.last_tag = None
    assert depot.close(sack, facility="NYC", operator="sam").ok
    tag = depot.last_tag
    assert tag is not None
    texts = [getattr(part, "text", "") for part in tag.label.elements]
    assert any("2026-11-01" in text for text in texts), texts


def test_a_search_by_day_finds_the_items_of_the_stations_day(tmp_path: Path) -> None:
    # Issue 31, item 10: Track's search by day missed the evening's items (it took the computer's day).
    from station.desks.track import TrackDesk

    station = _new_york(tmp_path)
    fund(station)
    done = CounterDesk(station).accept(
        replace(PIECE, tracking="EE123456785US"), facility="NYC", operator="ann"
    )
    assert isinstance(done, Acceptance), done
    desk = TrackDesk(station)
    assert [h.item_id for h in desk.search("2026-11-01").hits] == ["EE123456785US"]  # 20:30 in New York
    assert desk.search("2026-11-02").hits == []
