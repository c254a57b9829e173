"""The depot desk as a sorting-bench clerk uses it: sacks for a destination, wrong items refused."""

from __future__ import annotations

import pytest

from station.app import Station
from station.desks.counter import CounterDesk, Piece
from station.desks.depot import DepotDesk
from station.desks.scan import ScanDesk
from station.ids import Impb
from station.items import containers
from station.labels.model import Text
from station.model.events import EventKind
from station.model.states import SackState
from station.printing.queue import PrintQueue

WHERE = {"facility": "SFO-DEPOT", "operator": "dee"}
GS = "\x1d"
SEATTLE_IMPB = f"]C142098101{GS}9205590164917312345677"
SAN_FRANCISCO_IMPB = f"]C142094105{GS}920559016491731234564"


@pytest.fixture
def depot(station: Station, desk: ScanDesk) -> DepotDesk:
    return DepotDesk(station, desk)


def _fund(station: Station, cents: int = 10_000) -> None:
    desk = CounterDesk(station)
    assert desk.init_meter().ok and desk.credit(cents).ok


def _tag_text(depot: DepotDesk) -> str:
    assert depot.last_tag is not None
    return " ".join(e.text for e in depot.last_tag.label.elements if isinstance(e, Text))


def test_a_new_sack_for_a_destination_gets_an_sscc_an_open_event_and_a_tag(
    depot: DepotDesk, station: Station
) -> None:
    made = depot.new_sack(destination="941", **WHERE)
    assert made.ok and made.id is not None and len(made.id) == 18 and made.line.startswith(f"OK {made.id}")
    assert made.stored is not None and made.stored.event.kind is EventKind.SACK_OPEN
    assert "TO 941xx" in _tag_text(depot) and "0 items" in _tag_text(depot)
    assert [j.description for j in PrintQueue(station.db).jobs()] == [f"sack tag {made.id}"]
    with station.db.reading() as conn:
        record = containers.sack_record(conn, made.id)
    assert record is not None and record.state is SackState.OPEN and record.destination == "941"


def test_an_item_for_another_destination_is_refused_as_a_wrong_sack(depot: DepotDesk) -> None:
    sack = depot.new_sack(destination="941", **WHERE).id
    assert sack is not None
    wrong = depot.sort(SEATTLE_IMPB, sack, **WHERE)
    assert not wrong.ok and wrong.reason is not None
    assert wrong.reason.startswith("WRONG SACK: 9205590164917312345677 goes to 98101")
    right = depot.sort(SAN_FRANCISCO_IMPB, sack, **WHERE)
    assert right.ok and right.message == "into sack (1)" and right.details["items"] == 1


def test_a_near_miss_destination_is_a_wrong_sack_too(depot: DepotDesk) -> None:
    # Issue 30: 94501 (Alameda) shares two digits with a 941 sack; every digit of the prefix counts.
    sack = depot.new_sack(destination="941", **WHERE).id
    assert sack is not None
    for zip_code, fits in (("94501", False), ("94015", False), ("94110", True), ("94199", True)):
        item = Impb.build(f"92055901649173{zip_code}12", zip_code)
        done = depot.sort(f"]C1420{zip_code}{GS}{item.tracking}", sack, **WHERE)
        assert done.ok is fits, (zip_code, done.reason)
        if not fits:
            assert (done.reason or "").startswith(f"WRONG SACK: {item.tracking} goes to {zip_code}")


def test_the_destination_of_an_s10_comes_from_its_acceptance(
    depot: DepotDesk, station: Station, desk: ScanDesk
) -> None:
    _fund(station)
    piece = Piece(
        800,
        "10001",
        "98101",
        "ground",
        ("Ann", "1 Main St"),
        ("Bo", "2 Pike St, Seattle WA"),
        tracking="RR473124829GB",
    )
    accepted = CounterDesk(station).accept(piece, facility="NYC", operator="ann")
    assert accepted.ok
    sack = depot.new_sack(destination="941", **WHERE).id
    assert sack is not None
    refused = depot.sort("RR473124829GB", sack, **WHERE)
    assert not refused.ok and "WRONG SACK: RR473124829GB goes to 98101" in (refused.reason or "")
    seattle = depot.new_sack(destination="981", **WHERE).id
    assert seattle is not None and depot.sort("RR473124829GB", seattle, **WHERE).ok


def test_a_sack_goes_only_into_a_sack_for_its_destination(depot: DepotDesk) -> None:
    # `./dev mutants`: the rule for a sack inside a sack (a depot's sacks into a container for the hub)
    # was never tried.
    outer = depot.new_sack(destination="941", **WHERE).id
    seattle = depot.new_sack(destination="981", **WHERE).id
    oakland = depot.new_sack(destination="94110", **WHERE).id
    anywhere = depot.new_sack(**WHERE).id
    assert outer and seattle and oakland and anywhere
    refused = depot.sort(seattle, outer, **WHERE)
    assert (refused.ok, refused.reason) == (
        False,
        f"WRONG SACK: {seattle} goes to 981, this sack is for 941xx",
    )
    assert depot.sort(oakland, outer, **WHERE).ok  # 94110 is in 941
    assert depot.sort(anywhere, outer, **WHERE).ok  # a sack with no destination is not judged


def test_an_s10_never_accepted_here_has_no_destination_to_judge(depot: DepotDesk) -> None:
    sack = depot.new_sack(destination="941", **WHERE).id
    assert sack is not None
    done = depot.sort("RR473124829GB", sack, **WHERE)  # accepted at another office: its address unknown here
    assert done.ok and done.message == "into sack (1)"


def test_close_prints_the_count_the_journal_holds_and_a_closed_sack_takes_nothing(depot: DepotDesk) -> None:
    sack = depot.new_sack(**WHERE).id
    assert sack is not None
    for item in ("RR473124829GB", "EE123456785US"):
        assert depot.sort(item, sack, **WHERE).ok
    assert depot.remove(sack, "EE123456785US", **WHERE).ok
    closed = depot.close(sack, **WHERE)
    assert closed.ok and closed.details["items"] == 1
    assert "1 item  " in _tag_text(depot)  # one item, not "1 items"
    assert not depot.sort("CP100000003US", sack, **WHERE).ok
    reopened = depot.open_sack(sack, **WHERE)
    assert not reopened.ok and f"sack {sack} is closed (1 item)" in (reopened.reason or "")
    assert not depot.close(sack, **WHERE).ok  # closing twice is refused, no second tag
    assert depot.dispatch(sack, **WHERE).ok
    received = depot.receive(sack, facility="SEA-DEPOT", operator="sam")
    assert received.ok and received.message == "sack received with 1 item"


def test_remove_needs_the_item_to_be_in_that_sack(depot: DepotDesk) -> None:
    sack = depot.new_sack(**WHERE).id
    other = depot.new_sack(**WHERE).id
    assert sack is not None and other is not None
    depot.sort("RR473124829GB", sack, **WHERE)
    refused = depot.remove(other, "RR473124829GB", **WHERE)
    assert not refused.ok and f"it is in sack {sack}" in (refused.reason or "")


def test_a_pre_printed_tag_is_opened_for_the_destination_typed(depot: DepotDesk) -> None:
    opened = depot.open_sack("00106141411234567897", destination="941", **WHERE)
    assert opened.ok and opened.details["destination"] == "941"
    wrong = depot.sort(SEATTLE_IMPB, "106141411234567897", **WHERE)
    assert not wrong.ok and (wrong.reason or "").startswith("WRONG SACK")


@pytest.mark.parametrize("destination", ["94 1", "abc", "9410512", "٩٤١"])
def test_a_destination_that_is_not_a_zip_prefix_is_refused(depot: DepotDesk, destination: str) -> None:
    refused = depot.new_sack(destination=destination, **WHERE)
    assert not refused.ok and "not a sack destination" in (refused.reason or "")
    assert depot.station.journal.count() == 0


def test_an_open_or_empty_sack_is_not_dispatched(depot: DepotDesk) -> None:
    # Issue 31, item 5: F9 then the tag of an open, empty sack answered "dispatched with 0 items".
    sack = depot.new_sack(**WHERE, destination="941").id
    assert sack is not None
    still_open = depot.dispatch(sack, **WHERE)
    assert not still_open.ok
    assert still_open.reason == f"sack {sack} is still open: close it (F8) before it leaves"
    assert depot.close(sack, **WHERE).ok
    empty = depot.dispatch(sack, **WHERE)
    assert not empty.ok and empty.reason == f"sack {sack} is empty: nothing to dispatch"
    kinds = [e.event.kind for e in depot.station.journal.events_for(sack)]
    assert EventKind.DISPATCH not in kinds  # neither refusal wrote a dispatch
    full = depot.new_sack(**WHERE, destination="941").id
    assert full is not None
    assert depot.sort("CP100000003US", full, **WHERE).ok and depot.close(full, **WHERE).ok
    left = depot.dispatch(full, **WHERE)
    assert left.ok and left.message == "sack dispatched with 1 item"


def _accepted_abroad(depot: DepotDesk, item: str, country: str) -> None:
    from datetime import UTC, datetime

    from station.model.events import Event

    event = Event.new(
        item,
        EventKind.ACCEPTANCE,
        facility="NYC",
        station_id=depot.station.station_id,
        operator="ann",
        at=datetime.now(UTC),
        extra={"destination_country": country, "postage_cents": 4_250},
    )
    depot.station.journal.append(event)


def test_an_item_abroad_goes_only_into_the_exchange_sack_for_its_country(depot: DepotDesk) -> None:
    # Issue 31, item 7: a parcel to Berlin went "into sack" for 941xx.
    _accepted_abroad(depot, "CP100000003US", "DE")
    domestic = depot.new_sack(**WHERE, destination="941").id
    germany = depot.new_sack(**WHERE, destination="de").id
    japan = depot.new_sack(**WHERE, destination="JP").id
    assert domestic and germany and japan
    into_941 = depot.sort("CP100000003US", domestic, **WHERE)
    assert into_941.reason == "WRONG SACK: CP100000003US goes abroad (DE), this sack is for 941xx"
    into_japan = depot.sort("CP100000003US", japan, **WHERE)
    assert into_japan.reason == "WRONG SACK: CP100000003US goes to DE, this exchange sack is for JP"
    into_germany = depot.sort("CP100000003US", germany, **WHERE)
    assert into_germany.ok and into_germany.message == "into sack (1)"
    assert depot.sort(SEATTLE_IMPB, germany, **WHERE).reason == (
        "WRONG SACK: 9205590164917312345677 goes to 98101, this exchange sack is for DE (abroad)"
    )


@pytest.mark.parametrize(
    ("typed", "kept"), [("941", "941"), (" de ", "DE"), ("Jp", "JP"), ("94105", "94105")]
)
def test_a_sack_is_for_a_zip_prefix_or_a_country(depot: DepotDesk, typed: str, kept: str) -> None:
    made = depot.new_sack(**WHERE, destination=typed)
    assert made.ok and made.details["destination"] == kept


@pytest.mark.parametrize("typed", ["Seattle", "US", "XZ", "941055", "9A1"])
def test_a_destination_that_is_neither_is_refused(depot: DepotDesk, typed: str) -> None:
    made = depot.new_sack(**WHERE, destination=typed)
    assert not made.ok and f"destination {typed!r} is not a sack destination" in (made.reason or "")


def test_a_piece_in_an_unpaid_basket_stays_at_the_counter(depot: DepotDesk) -> None:
    # Issue 31, item 13: a piece of an unpaid basket was sorted at the Depot without a word.
    from dataclasses import replace

    from station.desks.basket import BasketDesk, Paid
    from tests.station.desks.test_counter import PIECE
    from tests.station.desks.test_supervision import fund

    station = depot.station
    fund(station)
    baskets = BasketDesk(station)
    basket = int(baskets.open("ann").details["basket"])
    added = baskets.add(basket, replace(PIECE, tracking="RR473124829GB"), facility="NYC", operator="ann")
    assert added.tracking == "RR473124829GB"  # type: ignore[union-attr]
    sack = depot.new_sack(**WHERE).id
    assert sack is not None
    unpaid = depot.sort("RR473124829GB", sack, **WHERE)
    assert unpaid.reason == (
        f"RR473124829GB is in basket {basket}, not paid for yet: it stays at the counter until it is"
    )
    assert isinstance(baskets.pay_cash(basket, 100_00, facility="NYC", operator="ann"), Paid)
    assert depot.sort("RR473124829GB", sack, **WHERE).ok  # paid: it may leave
