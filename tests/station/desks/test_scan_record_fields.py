"""What the scan desk journals and answers, field by field, where `./dev mutants` found the scan tests
looking at `ok` only: a delivery's signature and note kept, the routing ZIP only on an IMpb's
acceptance, and the refused item named in a refusal (the window's reject tray lists it)."""

from __future__ import annotations

from typing import Any

from station.app import Station
from station.desks.depot import DepotDesk
from station.desks.scan import ScanDesk
from station.model.events import EventKind

WHERE: dict[str, Any] = {"facility": "NYC", "operator": "ann"}
GS = "\x1d"


def test_a_delivery_keeps_its_signature_and_note(station: Station, desk: ScanDesk) -> None:
    done = desk.record(
        "RR473124829GB", EventKind.DELIVERED, signature_ref="sig-42", note="received by Bo Lee", **WHERE
    )
    assert done.ok and done.stored is not None
    [stored] = station.journal.events_for("RR473124829GB")
    assert (stored.event.signature_ref, stored.event.note) == ("sig-42", "received by Bo Lee")


def test_only_an_impb_acceptance_carries_a_routing_zip(station: Station, desk: ScanDesk) -> None:
    assert desk.record("RR473124829GB", EventKind.ACCEPTANCE, **WHERE).ok
    assert desk.record(f"]C142098101{GS}9205590164917312345677", EventKind.ACCEPTANCE, **WHERE).ok
    s10 = station.journal.events_for("RR473124829GB")[0].event.extra
    impb = station.journal.events_for("9205590164917312345677")[0].event.extra
    assert "routing_zip" not in s10 and impb["routing_zip"] == "98101"


def test_refusals_name_the_item_they_refuse(station: Station, desk: ScanDesk) -> None:
    missing_reason = desk.record("RR473124829GB", EventKind.ATTEMPTED, **WHERE)  # an attempt needs a reason
    assert (missing_reason.ok, missing_reason.id) == (False, "RR473124829GB")
    depot = DepotDesk(station, desk)
    sack = depot.new_sack(destination="941", facility="SFO", operator="dee").id
    assert sack is not None
    wrong = depot.sort(f"]C142098101{GS}9205590164917312345677", sack, facility="SFO", operator="dee")
    assert (wrong.ok, wrong.id) == (False, "9205590164917312345677")
