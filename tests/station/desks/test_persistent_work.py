"""What a restarted window carries on with, read from the journal: the bench's open sack, the carrier's
round with its addresses; customer service's search by recipient, phone, ZIP and day."""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

import pytest

from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.counter import Acceptance, CounterDesk, Piece
from station.desks.depot import DepotDesk
from station.desks.scan import ScanDesk
from station.desks.track import TrackDesk
from station.postage.receipt import Receipt


class _Where(TypedDict):
    facility: str
    operator: str


WHERE: _Where = {"facility": "SFO", "operator": "dee"}


def _accept(station: Station, recipient: tuple[str, ...], to_zip: str, phone: str | None = None) -> str:
    done = CounterDesk(station).accept(
        Piece(500, "10001", to_zip, "ground", ("Ann", "1 Main St", "New York NY 10001"), recipient),
        phone=phone,
        facility="SFO",
        operator="dee",
    )
    assert isinstance(done, Acceptance), done
    return done.tracking


@pytest.fixture
def funded(station: Station) -> Station:
    desk = CounterDesk(station)
    assert desk.init_meter().ok and desk.credit(10_000).ok
    return station


def test_the_open_sack_of_this_bench_is_found_again_with_its_contents(
    funded: Station, desk: ScanDesk
) -> None:
    depot = DepotDesk(funded, desk)
    assert not depot.working_sack("SFO").ok  # nothing open yet
    first = depot.new_sack(destination="941", **WHERE)
    second = depot.new_sack(destination="981", **WHERE)
    assert first.id and second.id
    item = _accept(funded, ("Bo Lee", "2 Elm St", "San Francisco CA 94105"), "94105")
    assert depot.sort(item, first.id, **WHERE).ok  # the bench went back to the first sack
    found = depot.working_sack("SFO")
    assert (found.id, found.details["contents"], found.details["destination"]) == (first.id, [item], "941")
    assert not depot.working_sack("OTHER-DEPOT").ok  # another bench's sacks are not this one's
    assert depot.close(first.id, **WHERE).ok
    assert depot.working_sack("SFO").id == second.id  # a closed sack is never carried on with


def test_undo_takes_the_last_item_sorted_back_out(funded: Station, desk: ScanDesk) -> None:
    depot = DepotDesk(funded, desk)
    sack = depot.new_sack(**WHERE).id
    assert sack is not None
    assert not depot.undo_last(sack, **WHERE).ok  # empty: nothing to undo
    for item in ("RR473124829GB", "EE123456785US"):
        assert depot.sort(item, sack, **WHERE).ok
    undone = depot.undo_last(sack, **WHERE)
    assert undone.ok and undone.id == "EE123456785US" and "1 left" in undone.message
    assert depot.working_sack("SFO").details["contents"] == ["RR473124829GB"]


def test_the_round_survives_and_shows_each_address(funded: Station, desk: ScanDesk) -> None:
    carrier = CarrierDesk(funded, desk)
    item = _accept(funded, ("Bo Lee", "2 Elm St", "San Francisco CA 94105"), "94105")
    loaded = carrier.load(item, **WHERE)
    assert loaded.ok and loaded.details["address"] == "Bo Lee, 2 Elm St, San Francisco CA 94105"
    assert carrier.load("RR473124829GB", **WHERE).ok  # an item from elsewhere: no address here
    fresh = CarrierDesk(funded)  # a restarted window asks the journal
    assert [(s.item_id, s.address) for s in fresh.round("SFO")] == [
        (item, "Bo Lee, 2 Elm St, San Francisco CA 94105"),
        ("RR473124829GB", "address not known here"),
    ]
    assert carrier.attempt(item, "ADDRESSEE_ABSENT", **WHERE).ok
    assert [s.item_id for s in fresh.round("SFO")] == ["RR473124829GB"]


def test_search_by_name_phone_zip_and_day(funded: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    lee = _accept(funded, ("Bo Lee", "2 Elm St", "San Francisco CA 94105"), "94105", phone="(206) 555-0134")
    ode = _accept(funded, ("Ann Ode", "9 Pike St", "Seattle WA 98101"), "98101")
    lees = _accept(funded, ("Kim LEE", "4 Pike St", "Seattle WA 98101"), "98101")
    desk = TrackDesk(funded)
    assert {h.item_id for h in desk.search("lee").hits} == {lee, lees}  # any part of the name, any case
    assert [h.item_id for h in desk.search("Lee 98101").hits] == [lees]
    assert [h.item_id for h in desk.search("+1 206-555-0134").hits] == [lee]
    assert [h.item_id for h in desk.search("94105 (206) 555-0134").hits] == [lee]  # phone and ZIP
    today = funded.clock().date().isoformat()
    assert {h.item_id for h in desk.search(today).hits} == {lee, ode, lees}
    assert desk.search("2020-01-01").hits == []
    hit = desk.search("Ode").hits[0]
    assert (hit.address, hit.status) == ("Ann Ode, 9 Pike St, Seattle WA 98101", "Accepted")
    assert desk.search("   ").understood.startswith("nothing")


def test_screens_and_paper_show_local_time_the_journal_keeps_utc(funded: Station) -> None:
    funded.config = replace(funded.config, time_zone="America/Los_Angeles")
    done = CounterDesk(funded).accept(
        Piece(500, "10001", "94105", "ground", ("Ann", "1 Main St"), ("Bo", "2 Elm St", "SF CA 94105")),
        facility="SFO",
        operator="dee",
    )
    assert isinstance(done, Acceptance)
    assert isinstance(done.receipt, Receipt)
    assert " PST  clerk dee" in done.receipt.text_lines()[1]  # 09:0x UTC is 01:0x in San Francisco
    assert done.receipt.text_lines()[1].startswith("2026-11-02 01:")
    offset = done.event.event.occurred_at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
