"""Known senders (issue 34, item 7): kept once, found by name or account, the most used first; an item
abroad with no sender is refused."""

from __future__ import annotations

from dataclasses import replace

from station.app import Station
from station.desks.counter import Acceptance, CounterDesk
from station.desks.senders import SendersDesk
from tests.station.desks.test_abroad import MOSCOW, SENDER, parcel

ACME = ("Acme Widgets", "5 Industrial Way", "Newark NJ 07105")
BO = ("Bo Lee", "2 Elm St", "San Francisco CA 94105")


def test_kept_once_found_by_name_or_account_and_the_most_used_first(station: Station) -> None:
    desk = SendersDesk(station)
    assert desk.add(BO).ok
    first = desk.add(ACME, account="ACME-0042", business=True)
    assert first.ok
    again = desk.add(("acme widgets ", "5  Industrial Way", "Newark NJ 07105"))  # spaces: the same sender
    assert again.details["id"] == first.details["id"]
    assert [s.lines for s in desk.find("WIDG")] == [ACME]
    assert [s.account for s in desk.find("ACME-0042")] == ["ACME-0042"]
    assert desk.find("zzz") == []
    assert not desk.add(("Acme",)).ok  # a name alone is no address
    assert not desk.add(ACME, account="   ").ok
    counter = CounterDesk(station)
    assert counter.init_meter().ok and counter.credit(100_000).ok
    done = counter.accept(replace(parcel(MOSCOW), sender=ACME), facility="NYC", operator="ann")
    assert isinstance(done, Acceptance), done.reason
    everyone = desk.find("")
    assert [s.lines for s in everyone] == [ACME, BO]  # Acme sent once: offered first
    assert everyone[0].uses == 1 and everyone[1].uses == 0


def test_an_item_abroad_without_a_sender_is_refused_and_charges_nothing(station: Station) -> None:
    counter = CounterDesk(station)
    assert counter.init_meter().ok and counter.credit(100_000).ok
    before = counter.balance().details["descending_cents"]
    for sender in ((), ("Ann Lee",)):
        done = counter.accept(replace(parcel(MOSCOW), sender=sender), facility="NYC", operator="ann")
        assert not isinstance(done, Acceptance) and "an item abroad needs its sender" in str(done.reason)
    assert counter.balance().details["descending_cents"] == before
    done = counter.accept(replace(parcel(MOSCOW), sender=SENDER), facility="NYC", operator="ann")
    assert isinstance(done, Acceptance), done.reason
