"""What the counter says at the scan (issue 31, item 9): a piece sold, voided or delivered already is
refused there, not at F9, and a label paid for with another postage provider is a drop-off, not a sale."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.desks.counter import CounterDesk
from station.desks.scan import ScanDesk
from station.model.events import EventKind

FOREIGN_IMPB = "9205590164917312345677"  # Mailer ID 901649173: not this station's


def test_a_new_label_is_addressed_and_a_sold_voided_or_delivered_one_is_refused_at_the_scan(
    station: Station, desk: ScanDesk
) -> None:
    counter = CounterDesk(station)
    fresh = counter.on_the_counter("EE123456785US")
    assert fresh.ok and fresh.message == "address it, then F9"
    for item in ("RR473124829GB", "CP100000003US", "EE123456785US"):
        assert desk.record(item, EventKind.ACCEPTANCE, facility="NYC", operator="ann").ok
    assert desk.record("CP100000003US", EventKind.VOID, facility="NYC", operator="ann").ok
    assert desk.record("EE123456785US", EventKind.DELIVERED, facility="NYC", operator="ann").ok
    sold = counter.on_the_counter("RR473124829GB")
    assert not sold.ok
    assert sold.reason == (
        "RR473124829GB was accepted already at NYC (accepted): nothing to sell; Track (F5) shows where it is"
    )
    voided = counter.on_the_counter("CP100000003US")
    assert voided.reason == "CP100000003US was voided: its label is no good; leave Item empty for a new label"
    delivered = counter.on_the_counter("EE123456785US")
    assert delivered.reason == "EE123456785US was delivered already: nothing to sell"


def test_another_providers_prepaid_label_is_a_drop_off_and_this_stations_own_is_a_sale(
    station: Station, tmp_path: Path
) -> None:
    prepaid = CounterDesk(station).on_the_counter(FOREIGN_IMPB)
    # Issue 34, item 1: a drop-off, taken in by F9 with nothing charged (before: refused as no sale).
    assert prepaid.ok and prepaid.details["prepaid"] is True
    assert prepaid.message == "prepaid: F9 takes it in"
    config = replace(StationConfig(station_id="STN-T2"), mailer_id="901649173")
    with Station.open(tmp_path / "own.sqlite3", config) as own:
        mine = CounterDesk(own).on_the_counter(FOREIGN_IMPB)  # the same number, issued by this station
    assert mine.ok and mine.message == "address it, then F9"


def test_a_sack_tag_or_garbage_at_the_counter_is_named(station: Station) -> None:
    counter = CounterDesk(station)
    sack = counter.on_the_counter("00106141411234567897")
    assert sack.reason == "106141411234567897 is not an item id (S10, IMpb or USPS 20-digit)"
    garbage = counter.on_the_counter("NOT-A-CODE-42")
    assert not garbage.ok and "not an S10, IMpb or SSCC identifier" in (garbage.reason or "")
