"""The end of a round (issue 31, item 12): what the carrier did not deliver is back at the office."""

from __future__ import annotations

from typing import Any

from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.scan import ScanDesk
from station.model.events import EventKind

WHERE: dict[str, Any] = {"facility": "SF-DELIVERY", "operator": "joe"}
ITEMS = ("RR473124829GB", "EE123456785US", "CP100000003US")


def test_every_item_not_delivered_comes_off_the_round_and_back_to_the_office(
    station: Station, desk: ScanDesk
) -> None:
    carrier = CarrierDesk(station, desk)
    assert not carrier.back_at_the_office(**WHERE).ok  # nothing out yet
    for item in ITEMS:
        assert desk.record(item, EventKind.ACCEPTANCE, **WHERE).ok
        assert carrier.load(item, **WHERE).ok
    assert carrier.attempt(ITEMS[1], "ADDRESSEE_ABSENT", **WHERE).ok  # nobody in
    assert desk.record(ITEMS[2], EventKind.DELIVERED, **WHERE).ok  # delivered: stays delivered
    back = carrier.back_at_the_office(**WHERE)
    assert back.ok and back.message == "2 items back at the delivery office"
    assert sorted(back.details["items"]) == sorted(ITEMS[:2])
    assert carrier.round("SF-DELIVERY") == []
    for item in ITEMS[:2]:
        kinds = [s.event.kind for s in station.journal.events_for(item)]
        assert kinds[-1] is EventKind.DELIVERY_OFFICE, (item, kinds)
    assert [s.event.kind for s in station.journal.events_for(ITEMS[2])][-1] is EventKind.DELIVERED
    assert not carrier.back_at_the_office(**WHERE).ok  # the round is over
