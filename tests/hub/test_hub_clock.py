"""A station whose clock runs ahead (issue 28, finding 6): the hub keeps its own receive time, flags the
station with its offset, and look-ups place such an event at the time the hub received it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub import doctor as hub_doctor
from hub.client import PostgresHub
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from tests.hub.conftest import Hub, hub_client, open_station

ITEM = S10.build("CP", 606, "US").text


def test_issue_28_finding_6_an_event_from_a_clock_years_ahead_is_flagged_and_placed_when_received(
    hub: Hub, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    office = open_station(tmp_path, "OFF01", now - timedelta(hours=2))
    ahead = open_station(tmp_path, "FUT01", now + timedelta(days=5 * 365))
    office_hub, ahead_hub = hub_client(hub, "OFF01"), hub_client(hub, "FUT01")
    desk = ScanDesk(office)
    for kind in (EventKind.ACCEPTANCE, EventKind.OUT_FOR_DELIVERY, EventKind.DELIVERED):
        assert desk.record(ITEM, kind, facility="F", operator="dee").ok
    assert SyncDesk(office, office_hub).push().pushed == 3
    assert (
        ScanDesk(ahead).record(ITEM, EventKind.ARRIVAL, facility="F", operator="dee").ok
    )  # dated five years from now
    assert ScanDesk(ahead).record(ITEM, EventKind.NOTE, note="x", facility="F", operator="dee").ok
    assert SyncDesk(ahead, ahead_hub).push().pushed == 2
    alerts = hub.rows("SELECT kind, station_id, detail FROM hub.alerts")
    assert len(alerts) == 1  # one alert for the station, not one for each of its events
    kind, station_id, detail = alerts[0]
    assert (kind, station_id) == ("clock", "FUT01") and "runs ahead" in detail and "1825 days" in detail
    seen = office_hub.events_for(ITEM)
    arrival = next(e for e in seen if e.kind is EventKind.ARRIVAL)
    assert abs(arrival.occurred_at - datetime.now(UTC)) < timedelta(minutes=5)  # when the hub got it
    assert arrival.extra["dated_by_its_station"].startswith(str((now + timedelta(days=5 * 365)).year))
    # No event claims the years ahead: the next real scan anywhere will be the item's newest.
    assert max(e.occurred_at for e in seen) < datetime.now(UTC) + timedelta(minutes=5)


def test_issue_28_finding_6_the_doctor_compares_the_stations_clock_with_the_hubs(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = StationConfig(station_id="CLK01", hub=hub.station_dsn("CLK01"))
    same = hub_doctor.clock(config)
    assert same.ok and "within" in same.detail  # this machine and its cluster share a clock
    real = PostgresHub.clock_offset

    def years_ahead(self: PostgresHub) -> timedelta:
        return real(self) + timedelta(days=5 * 365, hours=3)

    monkeypatch.setattr(PostgresHub, "clock_offset", years_ahead)
    off = hub_doctor.clock(config)
    assert not off.ok and off.detail == "this station's clock is 1825 d 3 h ahead of the hub's"
    assert "timedatectl set-ntp true" in off.fix
