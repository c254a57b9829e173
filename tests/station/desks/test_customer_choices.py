"""Customers' delivery choices at the station that delivers (issue 32): kept once, journalled where they
take effect, loading refused for hold, redirect and a later day with the reason in words, a safe place
and a neighbour shown on the round and at the door, the follower texted that the choice took."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.choices import RECEIVED_BY, ChoicesDesk
from station.desks.counter import Acceptance, CounterDesk
from station.desks.scan import ScanDesk
from station.model.choices import CustomerChoice
from station.model.events import EventKind
from station.notify.consent import handle_inbound
from station.notify.outbox import listing
from station.store.journal import events_of
from tests.station.desks.test_counter import PIECE, _fund

OFFICE: dict[str, Any] = {"facility": "DEMO-COUNTER", "operator": "joe"}
MADE = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _here(station: Station, tracking: str = "EE123456785US", phone: str | None = None) -> str:
    """An item accepted and received at this office (the station's facility)."""
    _fund(station)
    done = CounterDesk(station).accept(replace(PIECE, tracking=tracking), phone=phone, **OFFICE)
    assert isinstance(done, Acceptance), done
    assert ScanDesk(station).record(tracking, EventKind.DELIVERY_OFFICE, **OFFICE).ok
    return tracking


def _choice(item: str, choice: str, number: int = 1, **detail: Any) -> CustomerChoice:
    return CustomerChoice(number, item, choice, MADE, detail)


def _choices_journalled(station: Station, item: str) -> list[dict[str, Any]]:
    with station.db.reading() as conn:
        return [e.extra for e in events_of(conn, item) if e.kind is EventKind.CHOICE]


def test_a_hold_taken_while_the_item_is_here_is_journalled_and_its_load_refused_with_hold(
    station: Station,
) -> None:
    item = _here(station)
    assert ChoicesDesk(station).receive([_choice(item, "hold")]) == 1
    assert _choices_journalled(station, item) == [{"choice": "hold", "choice_id": 1}]
    with station.db.reading() as conn:
        taken = [e for e in events_of(conn, item) if e.kind is EventKind.CHOICE]
    assert taken[0].operator == RECEIVED_BY and taken[0].facility == station.config.facility
    refused = CarrierDesk(station).load(item, **OFFICE)
    assert not refused.ok and "hold it at the office for pickup" in (refused.reason or "")
    door = CarrierDesk(station).at_door(item)
    assert not door.ok and "hold" in (door.reason or "")
    assert len(_choices_journalled(station, item)) == 1  # refusing again journals nothing more


def test_the_same_choice_handed_over_twice_is_kept_and_journalled_once(station: Station) -> None:
    item = _here(station)
    desk = ChoicesDesk(station)
    assert desk.receive([_choice(item, "hold")]) == 1
    assert desk.receive([_choice(item, "hold")]) == 0
    assert len(_choices_journalled(station, item)) == 1


def test_a_redirect_for_an_item_not_here_yet_waits_and_is_journalled_when_its_load_is_refused(
    station: Station,
) -> None:
    _fund(station)
    done = CounterDesk(station).accept(PIECE, facility="NYC-COUNTER", operator="ann")  # another office's
    assert isinstance(done, Acceptance)
    item = done.tracking
    ChoicesDesk(station).receive([_choice(item, "redirect", office="OAK1-DEPOT")])
    assert _choices_journalled(station, item) == []  # not here: nothing taken yet
    assert ScanDesk(station).record(item, EventKind.DELIVERY_OFFICE, **OFFICE).ok
    refused = CarrierDesk(station).load(item, **OFFICE)
    assert not refused.ok
    assert "redirect it to office OAK1-DEPOT: forward it there" in (refused.reason or "")
    assert _choices_journalled(station, item) == [
        {"choice": "redirect", "choice_id": 1, "office": "OAK1-DEPOT"}
    ]


def test_a_safe_place_goes_on_the_round_and_is_said_at_load_and_at_the_door(station: Station) -> None:
    item = _here(station)
    ChoicesDesk(station).receive([_choice(item, "safe-place", place="behind the blue bin")])
    loaded = CarrierDesk(station).load(item, **OFFICE)
    assert loaded.ok and "the customer chose: leave at a safe place: behind the blue bin" in loaded.message
    door = CarrierDesk(station).at_door(item)
    assert door.ok and door.details["choice"] == "leave at a safe place: behind the blue bin"
    assert door.message.startswith("the customer chose: leave at a safe place")


def test_a_neighbour_is_named_at_the_door_and_kept_out_of_what_other_stations_read(station: Station) -> None:
    item = _here(station)
    ChoicesDesk(station).receive([_choice(item, "neighbour", name="Ada Jones", house="14")])
    assert CarrierDesk(station).load(item, **OFFICE).ok
    door = CarrierDesk(station).at_door(item)
    assert door.details["choice"] == "deliver to the neighbour Ada Jones at 14"
    # The journalled event keeps the neighbour under the one key the hub strips for other stations.
    assert _choices_journalled(station, item)[0]["neighbour"] == {"name": "Ada Jones", "house": "14"}


def test_another_day_holds_the_item_until_that_day(station: Station) -> None:
    item = _here(station)
    today = station.today()
    later = date.fromordinal(today.toordinal() + 3)
    ChoicesDesk(station).receive([_choice(item, "another-day", day=later.isoformat())])
    refused = CarrierDesk(station).load(item, **OFFICE)
    assert not refused.ok and f"delivery on {later:%a %d %b}: keep it until then" in (refused.reason or "")
    ChoicesDesk(station).receive([_choice(item, "another-day", number=2, day=today.isoformat())])
    assert CarrierDesk(station).load(item, **OFFICE).ok  # the latest choice is in force: today


def test_the_follower_is_texted_that_the_choice_took(station: Station) -> None:
    item = _here(station, phone="(201) 555-0123")
    handle_inbound(station, "+12015550123", "YES")
    ChoicesDesk(station).receive([_choice(item, "hold")])
    with station.db.reading() as conn:
        texts = [r for r in listing(conn) if r["item_id"] == item]
    taken = [r for r in texts if r["template"] == "choice_taken"]
    assert len(taken) == 1 and "your delivery choice for item" in str(taken[0]["body"])
    assert "hold" not in str(taken[0]["body"]).lower()  # what was chosen is not in a text


def test_each_load_keeps_its_place_in_the_round(station: Station) -> None:
    first = _here(station, "EE123456785US")
    second = _here(station, "EE123456799US")
    stops = []
    for item in (first, second):
        loaded = CarrierDesk(station).load(item, **OFFICE)
        assert loaded.ok and loaded.stored is not None
        stops.append(loaded.stored.event.extra["stop"])
    assert stops == [1, 2]


def test_a_sender_who_forbids_choices_is_written_in_the_acceptance(station: Station) -> None:
    _fund(station)
    done = CounterDesk(station).accept(replace(PIECE, no_choices=True), **OFFICE)
    assert isinstance(done, Acceptance)
    assert done.event.event.extra["no_choices"] is True
    plain = CounterDesk(station).accept(replace(PIECE, tracking="EE123456799US"), **OFFICE)
    assert isinstance(plain, Acceptance) and "no_choices" not in plain.event.event.extra


def test_a_redirect_makes_the_item_a_forward_sorted_for_the_new_offices_zip(station: Station) -> None:
    from station.desks.depot import DepotDesk
    from station.items import containers

    item = _here(station)  # addressed to 94105
    ChoicesDesk(station).receive([_choice(item, "redirect", office="OAK1-DEPOT", zip="94607")])
    with station.db.reading() as conn:
        record = containers.item_record(conn, item)
    assert record is not None and record.destination_zip == "94607"
    depot = DepotDesk(station)
    old_area = depot.new_sack(destination="941", **OFFICE)
    new_area = depot.new_sack(destination="946", **OFFICE)
    assert old_area.id and new_area.id
    wrong = ScanDesk(station).record(item, EventKind.SORT_IN, container_id=old_area.id, **OFFICE)
    assert not wrong.ok and "goes to 94607" in (wrong.reason or "")
    assert ScanDesk(station).record(item, EventKind.SORT_IN, container_id=new_area.id, **OFFICE).ok


def test_at_the_office_it_was_redirected_to_the_item_is_loaded(station: Station) -> None:
    item = _here(station)
    here = station.config.facility
    ChoicesDesk(station).receive([_choice(item, "redirect", office=here, zip="94105")])
    loaded = CarrierDesk(station).load(item, **OFFICE)
    assert loaded.ok and f"redirect to office {here}" in loaded.message
