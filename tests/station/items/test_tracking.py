"""Tracking: status from events, sack-level events in each item's history, impossible sequences flagged."""

from __future__ import annotations

from station.app import Station
from station.desks.scan import ScanDesk
from station.items.tracking import track
from station.model.events import EventKind
from station.model.status import ItemStatus
from tests.station.conftest import OTHER_SACK, SACK, SACK_ID

ITEM = "RR473124829GB"
PALLET = "00006141410000000012"
PALLET_ID = "006141410000000012"


def _kinds(station: Station, item: str) -> list[tuple[str, str | None]]:
    report = track(station.db, item)
    assert report is not None
    return [(str(h.event.kind), h.via_container) for h in report.history]


def test_an_unknown_id_has_no_report(station: Station) -> None:
    assert track(station.db, "EE123456785US") is None


def test_a_full_journey_ends_delivered_with_every_scan_in_order(desk: ScanDesk) -> None:
    station = desk.station
    assert desk.record(ITEM, EventKind.ACCEPTANCE, facility="F", operator="o").ok
    assert desk.record(ITEM, EventKind.SORT_IN, facility="F", operator="o", container_id=SACK).ok
    for kind in (EventKind.SACK_CLOSE, EventKind.DISPATCH, EventKind.ARRIVAL):
        assert desk.record(SACK, kind, facility="F", operator="o").ok
    report = track(station.db, ITEM)
    assert report is not None and report.status is ItemStatus.IN_TRANSIT
    assert report.current_sack == SACK_ID
    for kind in (EventKind.OUT_FOR_DELIVERY, EventKind.DELIVERED):
        assert desk.record(ITEM, kind, facility="F", operator="o").ok
    report = track(station.db, ITEM)
    assert report is not None
    assert report.status is ItemStatus.DELIVERED
    assert report.flags == []
    assert report.current_sack is None
    assert _kinds(station, ITEM) == [
        ("acceptance", None),
        ("sort-in", None),
        ("sack-close", SACK_ID),
        ("dispatch", SACK_ID),
        ("arrival", SACK_ID),
        ("out-for-delivery", None),
        ("delivered", None),
    ]


def test_dispatch_of_an_outer_sack_counts_for_items_in_nested_sacks(desk: ScanDesk) -> None:
    station = desk.station
    assert desk.record(ITEM, EventKind.ACCEPTANCE, facility="F", operator="o").ok
    assert desk.record(ITEM, EventKind.SORT_IN, facility="F", operator="o", container_id=SACK).ok
    assert desk.record(SACK, EventKind.SACK_CLOSE, facility="F", operator="o").ok
    assert desk.record(SACK, EventKind.SORT_IN, facility="F", operator="o", container_id=PALLET).ok
    assert desk.record(PALLET, EventKind.SACK_CLOSE, facility="F", operator="o").ok
    assert desk.record(PALLET, EventKind.DISPATCH, facility="F", operator="o").ok
    history = _kinds(station, ITEM)
    assert ("dispatch", PALLET_ID) in history
    assert ("sort-in", SACK_ID) in history  # the sack going into the pallet
    with station.db.reading() as conn:
        row = conn.execute("SELECT status, last_kind FROM item_status WHERE item_id=?", (ITEM,)).fetchone()
    assert tuple(row) == ("in-transit", "dispatch")
    outer = track(station.db, PALLET_ID)
    assert outer is not None and outer.is_sack and outer.sack_contents == [SACK_ID]


def test_sack_events_after_the_item_left_the_sack_are_not_in_its_history(desk: ScanDesk) -> None:
    station = desk.station
    assert desk.record(ITEM, EventKind.SORT_IN, facility="F", operator="o", container_id=SACK).ok
    assert desk.record(ITEM, EventKind.SACK_REMOVE, facility="F", operator="o").ok
    assert desk.record("EE123456785US", EventKind.SORT_IN, facility="F", operator="o", container_id=SACK).ok
    assert desk.record(SACK, EventKind.SACK_CLOSE, facility="F", operator="o").ok
    assert desk.record(SACK, EventKind.DISPATCH, facility="F", operator="o").ok
    assert all(via is None for _kind, via in _kinds(station, ITEM))
    assert desk.record(ITEM, EventKind.SORT_IN, facility="F", operator="o", container_id=OTHER_SACK).ok


def test_impossible_sequences_are_flagged_not_hidden(desk: ScanDesk) -> None:
    station = desk.station
    assert desk.record(ITEM, EventKind.DELIVERED, facility="F", operator="o").ok
    assert desk.record(ITEM, EventKind.ARRIVAL, facility="F", operator="o").ok
    report = track(station.db, ITEM)
    assert report is not None
    assert any("without an out-for-delivery" in f for f in report.flags)
    assert any("arrival scan" in f and "after the item was delivered" in f for f in report.flags)
    assert report.status is ItemStatus.IN_TRANSIT


def test_attempted_delayed_and_returned_statuses(desk: ScanDesk) -> None:
    station = desk.station
    desk.record(ITEM, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o")
    desk.record(ITEM, EventKind.ATTEMPTED, facility="F", operator="o", reason="ADDRESSEE_ABSENT")
    assert track(station.db, ITEM).status is ItemStatus.ATTEMPTED  # type: ignore[union-attr]
    desk.record(ITEM, EventKind.DELAYED, facility="F", operator="o", reason="WEATHER")
    assert track(station.db, ITEM).status is ItemStatus.DELAYED  # type: ignore[union-attr]
    desk.record(ITEM, EventKind.RETURNED, facility="F", operator="o", reason="UNCLAIMED")
    report = track(station.db, ITEM)
    assert report is not None and report.status is ItemStatus.RETURNED
    assert report.to_json()["history"][-1]["reason_text"] == "Not collected within the holding period"


def test_expected_delivery_follows_the_service_and_the_latest_scan(desk: ScanDesk) -> None:
    from datetime import date

    from station.insight.eta import expected_delivery
    from station.model.delivery_week import add_delivery_days

    station = desk.station
    desk.record(ITEM, EventKind.ACCEPTANCE, facility="F", operator="o", extra={"service": "priority"})
    report = track(station.db, ITEM)
    assert report is not None
    accepted = report.history[0].event.occurred_at.date()  # Monday 2026-11-02 in these tests
    assert expected_delivery(report) == add_delivery_days(accepted, 2)
    assert add_delivery_days(date(2026, 11, 6), 1) == date(2026, 11, 7)  # Friday -> Saturday
    assert add_delivery_days(date(2026, 11, 7), 1) == date(2026, 11, 9)  # Saturday -> Monday
    desk.record(ITEM, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o")
    assert expected_delivery(track(station.db, ITEM)) == accepted  # type: ignore[arg-type]
    desk.record(ITEM, EventKind.DELIVERED, facility="F", operator="o")
    assert expected_delivery(track(station.db, ITEM)) is None  # type: ignore[arg-type]
