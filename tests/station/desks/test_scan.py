"""The scan path as operators use it: counter acceptance, depot sacks, carrier delivery."""

from __future__ import annotations

from station.desks.scan import ScanDesk
from station.items.tracking import track
from station.model.events import EventKind
from tests.station.conftest import OTHER_SACK, SACK, SACK_ID

ITEM = "RR473124829GB"
ITEM2 = "EE123456785US"
GS = "\x1d"
IMPB_SCAN = b"]C142094105" + GS.encode() + b"920559016491731234564\r\n"


def test_counter_accepts_a_scanned_impb_and_keeps_its_routing_zip(desk: ScanDesk) -> None:
    outcome = desk.record(IMPB_SCAN, EventKind.ACCEPTANCE, facility="NYC", operator="ann", weight_g=1200)
    assert outcome.ok and outcome.id == "920559016491731234564"
    assert outcome.line == "OK 920559016491731234564"
    assert outcome.stored is not None and outcome.stored.event.extra["routing_zip"] == "94105"
    assert outcome.stored.event.weight_g == 1200


def test_garbage_is_refused_with_the_reason_and_nothing_is_journalled(desk: ScanDesk) -> None:
    for raw in [b"", b"\x00\x01\x02", b"x" * 10_000, b"RR473124828GB", b"]C142010001"]:
        outcome = desk.record(raw, EventKind.ACCEPTANCE, facility="NYC", operator="ann")
        assert not outcome.ok
        assert outcome.reason
        assert outcome.line.startswith("REJECT ")
    assert desk.station.journal.count() == 0


def test_a_second_acceptance_of_the_same_id_is_refused_and_raises_a_fraud_alert(desk: ScanDesk) -> None:
    assert desk.record(ITEM, EventKind.ACCEPTANCE, facility="NYC", operator="ann").ok
    again = desk.record(ITEM.lower(), EventKind.ACCEPTANCE, facility="BKN", operator="raj")
    assert not again.ok and "already accepted at NYC" in (again.reason or "")
    report = track(desk.station.db, ITEM)
    assert report is not None
    assert [h.event.kind for h in report.history] == [EventKind.ACCEPTANCE, EventKind.FRAUD_ALERT]
    assert any("fraud alert" in f for f in report.flags)


def test_depot_refuses_an_item_already_in_the_sack_or_in_another_sack(desk: ScanDesk) -> None:
    assert desk.record(ITEM, EventKind.SORT_IN, facility="DEP", operator="kim", container_id=SACK).ok
    dup = desk.record(ITEM, EventKind.SORT_IN, facility="DEP", operator="kim", container_id=SACK)
    assert not dup.ok and "already in this sack" in (dup.reason or "")
    other = desk.record(ITEM, EventKind.SORT_IN, facility="DEP", operator="kim", container_id=OTHER_SACK)
    assert not other.ok and SACK_ID in (other.reason or "")


def test_a_closed_sack_takes_no_more_items(desk: ScanDesk) -> None:
    assert desk.record(ITEM, EventKind.SORT_IN, facility="DEP", operator="kim", container_id=SACK).ok
    assert desk.record(SACK, EventKind.SACK_CLOSE, facility="DEP", operator="kim").ok
    late = desk.record(ITEM2, EventKind.SORT_IN, facility="DEP", operator="kim", container_id=SACK)
    assert not late.ok and "closed" in (late.reason or "")


def test_sort_in_needs_a_valid_sack_tag(desk: ScanDesk) -> None:
    no_sack = desk.record(ITEM, EventKind.SORT_IN, facility="DEP", operator="kim")
    bad_sack = desk.record(
        ITEM, EventKind.SORT_IN, facility="DEP", operator="kim", container_id="00106141411234567898"
    )
    item_as_sack = desk.record(ITEM, EventKind.SORT_IN, facility="DEP", operator="kim", container_id=ITEM2)
    assert not no_sack.ok and "sack" in (no_sack.reason or "")
    assert not bad_sack.ok and "check digit" in (bad_sack.reason or "")
    assert not item_as_sack.ok and "SSCC" in (item_as_sack.reason or "")


def test_a_sack_cannot_be_delivered_and_an_item_cannot_be_closed(desk: ScanDesk) -> None:
    sack_delivered = desk.record(SACK, EventKind.DELIVERED, facility="DLV", operator="joe")
    item_closed = desk.record(ITEM, EventKind.SACK_CLOSE, facility="DEP", operator="kim")
    assert not sack_delivered.ok and "is a sack" in (sack_delivered.reason or "")
    assert not item_closed.ok and "not a sack" in (item_closed.reason or "")


def test_attempted_delivery_needs_a_known_reason_code(desk: ScanDesk) -> None:
    missing = desk.record(ITEM, EventKind.ATTEMPTED, facility="DLV", operator="joe")
    unknown = desk.record(ITEM, EventKind.ATTEMPTED, facility="DLV", operator="joe", reason="DOG")
    ok = desk.record(ITEM, EventKind.ATTEMPTED, facility="DLV", operator="joe", reason="ADDRESSEE_ABSENT")
    assert not missing.ok and "reason" in (missing.reason or "")
    assert not unknown.ok and "unknown reason code" in (unknown.reason or "")
    assert ok.ok


def test_a_delivered_item_is_not_delivered_again_and_other_scans_warn(desk: ScanDesk) -> None:
    desk.record(ITEM, EventKind.OUT_FOR_DELIVERY, facility="DLV", operator="joe")
    desk.record(ITEM, EventKind.DELIVERED, facility="DLV", operator="joe", signature_ref="sig-1")
    again = desk.record(ITEM, EventKind.DELIVERED, facility="DLV", operator="joe")
    assert not again.ok and again.reason == f"{ITEM} was already delivered (at DLV): not delivered again"
    later = desk.record(ITEM, EventKind.RETURNED, facility="DLV", operator="joe", reason="REFUSED")
    assert later.ok and later.warning == f"{ITEM} was already delivered"
