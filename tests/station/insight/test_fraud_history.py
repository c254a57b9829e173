"""The batch fraud rules over months of generated history: the bursts the generator planted are found,
a clean history raises nothing, a copied label scanned in two cities minutes apart is caught against the
lane's learned fastest transit, and alerts are reviewed by a supervisor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.demo.history import fill_history
from station.desks.fraud import FraudDesk
from station.desks.operators import OperatorDesk
from station.insight.exchange import HistoryEvent, import_events
from station.insight.fraud import ReviewState
from station.model.events import Event, EventKind


def at_end() -> datetime:
    return datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def _station(path: Path, anomalies: bool) -> tuple[Station, int]:
    station = Station.open(path, StationConfig(station_id="HQ-1", time_zone="UTC"), at_end)
    summary = fill_history(
        station.db, days=70, per_day=180, seed=6, end=date(2026, 11, 30), anomalies=anomalies
    )
    return station, summary.bursts


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Station, int]]:
    station, bursts = _station(tmp_path_factory.mktemp("planted") / "s.sqlite3", True)
    yield station, bursts
    station.close()


def test_a_clean_history_raises_no_alert(tmp_path: Path) -> None:
    station, bursts = _station(tmp_path / "clean.sqlite3", False)
    with station:
        assert bursts == 0
        assert FraudDesk(station).scan(facility="HQ", operator="audit").findings == []


def test_the_planted_bursts_are_found_and_nothing_else(planted: tuple[Station, int]) -> None:
    station, bursts = planted
    report = FraudDesk(station).scan(facility="HQ", operator="audit")
    assert bursts >= 1
    assert [f.rule for f in report.findings] == ["delivery-burst"] * bursts
    assert {(f.operator, f.facility) for f in report.findings} == {("carrier.zed", "CHICAGO IL 60601")}
    assert FraudDesk(station).scan(facility="HQ", operator="audit").new == 0  # journalled once


def test_a_copied_label_in_two_cities_is_faster_than_the_lanes_fastest_transit(
    planted: tuple[Station, int],
) -> None:
    station, _ = planted
    with station.db.reading() as conn:
        item, at = conn.execute(
            "SELECT e.item_id, e.occurred_at FROM events e JOIN recipients r ON r.item_id = e.item_id"
            " WHERE e.kind='dispatch' AND r.zip LIKE '941%' ORDER BY e.occurred_at DESC LIMIT 1"
        ).fetchone()
    # A copy of a San Francisco item's label scanned at the Boston depot an hour after it left New York:
    # an hour is more than the 30-minute floor, but far below any New York -> Boston trip in the history.
    copy = Event.new(
        item,
        EventKind.ARRIVAL,
        facility="BOSTON MA P&DC",
        station_id="DEP-BOS",
        operator="sorter.bos",
        at=datetime.fromisoformat(at) + timedelta(hours=1),
    )
    import_events(station.db, "HQ-1", iter([HistoryEvent(1, copy)]))
    found = [
        f for f in FraudDesk(station).scan(facility="HQ", operator="audit").findings if f.item_id == item
    ]
    assert [f.rule for f in found] == ["impossible-travel"]
    assert "the lane's fastest" in found[0].detail


def test_alerts_are_acknowledged_and_resolved_by_a_supervisor(planted: tuple[Station, int]) -> None:
    station, _ = planted
    desk = FraudDesk(station)
    desk.scan(facility="HQ", operator="audit")
    open_alerts = desk.alerts()
    assert open_alerts and all(a.state is ReviewState.OPEN for a in open_alerts)
    first = open_alerts[0]
    people = OperatorDesk(station)
    assert people.add("ada", "admin", "739164").ok
    assert people.add("sam", "supervisor", "582046", by="ada", by_pin="739164").ok
    assert people.add("carl", "clerk", "918273", by="ada", by_pin="739164").ok
    needs = desk.acknowledge(first.event_id[:8], by="sam", facility="HQ")
    assert not needs.ok and "needs a supervisor" in (needs.reason or "")
    clerk = desk.acknowledge(first.event_id[:8], by="carl", pin="918273", facility="HQ")
    assert not clerk.ok and "not a supervisor" in (clerk.reason or "")
    assert desk.acknowledge(first.event_id[:8], by="sam", pin="582046", facility="HQ").ok
    assert not desk.resolve(first.event_id[:8], "  ", by="sam", pin="582046", facility="HQ").ok
    done = desk.resolve(
        first.event_id, "carrier interviewed: scanned at the unit", by="sam", signed_in=True, facility="HQ"
    )
    assert done.ok, done.reason
    assert first.event_id not in [a.event_id for a in desk.alerts()]
    resolved = next(a for a in desk.alerts(include_resolved=True) if a.event_id == first.event_id)
    assert resolved.state is ReviewState.RESOLVED and resolved.reviewed_by == "sam"
    again = desk.resolve(first.event_id[:8], "again", by="sam", signed_in=True, facility="HQ")
    assert not again.ok and "was resolved by sam" in (again.reason or "")
    notes = [e for e in station.journal.events_for(first.item_id) if e.event.kind is EventKind.NOTE]
    assert [n.event.extra["fraud_review"] for n in notes] == ["acknowledged", "resolved"]
