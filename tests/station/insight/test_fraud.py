"""The batch fraud rules: each raises its alert where it should and none on a clean history, journals
each finding once, and takes a station's own threshold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.fraud import FraudDesk
from station.desks.scan import ScanDesk
from station.ids import S10
from station.model.events import EventKind

GS = "\x1d"
SF_IMPB = f"]C142094105{GS}920559016491731234564"  # routed to 94105


class Clock:
    """Time the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def wait(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def station(tmp_path: Path, clock: Clock) -> Iterator[Station]:
    with Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN-F"), clock) as s:
        yield s


def _item(n: int) -> str:
    return S10.build("CP", 100 + n, "US").text


def _scan(
    station: Station, item: str, kind: EventKind, facility: str = "SFO", operator: str = "dee", **kw: object
) -> None:
    done = ScanDesk(station).record(item, kind, facility=facility, operator=operator, **kw)  # type: ignore[arg-type]
    assert done.ok, done.reason


def _rules(station: Station) -> list[str]:
    report = FraudDesk(station).scan(facility="HQ", operator="audit")
    return sorted(f.rule for f in report.findings)


def _journey(station: Station, clock: Clock, item: str, carrier: str = "joe") -> None:
    _scan(station, item, EventKind.ACCEPTANCE, "NYC")
    clock.wait(hours=3)
    _scan(station, item, EventKind.DISPATCH, "NYC")
    clock.wait(hours=20)
    _scan(station, item, EventKind.ARRIVAL, "SFO")
    clock.wait(hours=2)
    _scan(station, item, EventKind.OUT_FOR_DELIVERY, "SFO", carrier)
    clock.wait(minutes=40)
    _scan(station, item, EventKind.DELIVERED, "SFO", carrier, signature_ref="sig")


def test_a_clean_history_raises_nothing(station: Station, clock: Clock) -> None:
    for n in range(12):
        _journey(station, clock, _item(n))
    assert _rules(station) == []


def test_ten_deliveries_in_five_minutes_at_the_unit_is_a_burst_and_is_journalled_once(
    station: Station, clock: Clock
) -> None:
    items = [_item(n) for n in range(11)]
    for item in items:
        _scan(station, item, EventKind.ACCEPTANCE, "NYC")
    clock.wait(hours=26)
    for item in items:
        _scan(station, item, EventKind.OUT_FOR_DELIVERY, "SFO", "joe")
    clock.wait(hours=4)
    for item in items:
        clock.wait(seconds=25)  # 11 "deliveries" in under five minutes, all at the delivery unit
        _scan(station, item, EventKind.DELIVERED, "SFO", "joe", signature_ref="sig")
    first = FraudDesk(station).scan(facility="HQ", operator="audit")
    assert [f.rule for f in first.findings] == ["delivery-burst"] and first.new == 1
    assert "11 delivered scans by joe at SFO" in first.findings[0].detail
    again = FraudDesk(station).scan(facility="HQ", operator="audit")
    assert (len(again.findings), again.new) == (1, 0)  # re-running journals nothing more
    alerts = [e for e in station.journal.events_for(items[0]) if e.event.kind is EventKind.FRAUD_ALERT]
    assert len(alerts) == 1 and alerts[0].event.extra["rule"] == "delivery-burst"


def test_a_station_sets_its_own_threshold(station: Station, clock: Clock) -> None:
    items = [_item(n) for n in range(4)]
    for item in items:
        _scan(station, item, EventKind.ACCEPTANCE, "NYC")
    clock.wait(hours=26)
    for item in items:
        _scan(station, item, EventKind.OUT_FOR_DELIVERY, "SFO", "joe")
    clock.wait(hours=2)
    for item in items:
        clock.wait(seconds=30)
        _scan(station, item, EventKind.DELIVERED, "SFO", "joe", signature_ref="sig")
    assert _rules(station) == []  # 4 in two minutes: under the default of 10
    with station.db.transaction() as conn:
        conn.execute("INSERT INTO fraud_settings VALUES ('delivery-burst', 'count', 4)")
    assert _rules(station) == ["delivery-burst"]


def test_delivered_unloaded_scanned_after_delivery_and_impossible_travel(
    station: Station, clock: Clock
) -> None:
    unloaded, after, fast = _item(1), _item(2), _item(3)
    _scan(station, unloaded, EventKind.ACCEPTANCE, "NYC")
    clock.wait(hours=30)
    _scan(station, unloaded, EventKind.DELIVERED, "SFO", signature_ref="sig")  # never out for delivery
    _journey(station, clock, after)
    clock.wait(hours=1)
    _scan(station, after, EventKind.ARRIVAL, "OAK")  # moved after it was delivered
    _scan(station, fast, EventKind.ACCEPTANCE, "NYC")
    clock.wait(minutes=5)
    _scan(station, fast, EventKind.ARRIVAL, "LAX")  # New York to Los Angeles in five minutes
    assert _rules(station) == [
        "delivered-without-out-for-delivery",
        "impossible-travel",
        "scan-after-delivered",
    ]


def test_a_routing_mismatch_a_reprint_after_a_scan_and_a_void_rate_outlier(
    station: Station, clock: Clock
) -> None:
    _scan(station, SF_IMPB, EventKind.ACCEPTANCE, "NYC", extra={"destination_zip": "98101"})
    item = _item(7)
    _scan(station, item, EventKind.ACCEPTANCE, "NYC")
    clock.wait(hours=2)
    _scan(station, item, EventKind.DISPATCH, "NYC")
    station.journal.append(station.event(item, EventKind.REPRINT, "NYC", "ann", extra={"reprint": 1}))
    for n in range(20):  # the office: 20 pieces by amy, one void; 5 by bob, 3 voided
        piece = _item(20 + n)
        _scan(station, piece, EventKind.ACCEPTANCE, "NYC", "amy")
    station.journal.append(station.event(_item(20), EventKind.VOID, "NYC", "amy"))
    for n in range(5):
        _scan(station, _item(50 + n), EventKind.ACCEPTANCE, "NYC", "bob")
    for n in range(3):
        station.journal.append(station.event(_item(50 + n), EventKind.VOID, "NYC", "bob"))
    found = FraudDesk(station).scan(facility="HQ", operator="audit").findings
    assert sorted(f.rule for f in found) == ["reprint-after-scan", "routing-mismatch", "void-rate-outlier"]
    outlier = next(f for f in found if f.rule == "void-rate-outlier")
    assert outlier.operator == "bob" and "voided 3 of 5 pieces (60%)" in outlier.detail
