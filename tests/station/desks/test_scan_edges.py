"""The scan desk's journal rules at their edges (`./dev mutants`): the sort rules apply to a sort only,
the "already delivered" warning to scans that move an item only, and a sack never seen here may go
into a sack with a destination."""

from __future__ import annotations

from typing import Any

from station.desks.depot import DepotDesk
from station.desks.scan import ScanDesk
from station.model.events import EventKind

WHERE: dict[str, Any] = {"facility": "SFO-DEPOT", "operator": "sam"}
SACK = "00106141411234567897"
UNKNOWN_INNER_SACK = "00106141410000000019"


def test_a_scan_naming_its_sack_is_no_sort_and_keeps_the_sort_rules_out(desk: ScanDesk) -> None:
    assert desk.record(SACK, EventKind.SACK_OPEN, **WHERE).ok
    assert desk.record("RR473124829GB", EventKind.ACCEPTANCE, **WHERE).ok
    assert desk.record("RR473124829GB", EventKind.SORT_IN, **WHERE, container_id=SACK).ok
    # An arrival noting the sack it came in: not a second sort into the same sack ("duplicate").
    arrived = desk.record("RR473124829GB", EventKind.ARRIVAL, **WHERE, container_id=SACK)
    assert arrived.ok and arrived.warning is None


def test_only_a_scan_that_moves_a_delivered_item_is_warned_about(desk: ScanDesk) -> None:
    for kind in (EventKind.ACCEPTANCE, EventKind.DELIVERED):
        assert desk.record("EE123456785US", kind, **WHERE).ok
    reprinted = desk.record("EE123456785US", EventKind.REPRINT, **WHERE)
    assert reprinted.ok and reprinted.warning is None  # its label printed again: nothing moved
    returned = desk.record("EE123456785US", EventKind.ARRIVAL, **WHERE)
    assert returned.ok and returned.warning == "EE123456785US was already delivered"


def test_a_sack_never_seen_here_goes_into_a_sack_with_a_destination(station: object) -> None:
    from station.app import Station

    assert isinstance(station, Station)
    depot = DepotDesk(station)
    outer = depot.new_sack(**WHERE, destination="941").id
    assert outer is not None
    inner = depot.sort(UNKNOWN_INNER_SACK, outer, **WHERE)  # a sack made at another depot
    assert inner.ok, inner
