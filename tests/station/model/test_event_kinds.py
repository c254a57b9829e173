"""The one table of facts per event kind is complete and agrees with everything that reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.model.events import KIND_FACTS, REASON_CODES, AppliesTo, Event, EventKind, Membership
from station.model.states import ItemStatus, SackState
from station.notify import templates

# UPU EMSEVT codes a station may transmit for its scans (UPU Global Postal Model event list).
EMSEVT = {"EMA", "EDD", "EDE", "EMC", "EMD", "EMG", "EDG", "EMH", "EMI", "EDF", "EDH"}
ITEM = "RR473124829GB"
SACK = "106141411234567897"


def test_every_kind_has_exactly_one_row_of_facts() -> None:
    assert set(KIND_FACTS) == set(EventKind)
    for kind, facts in KIND_FACTS.items():
        assert facts.description, kind
        assert facts.upu_code is None or facts.upu_code in EMSEVT, kind


def test_each_named_sms_template_exists_and_fits_one_segment() -> None:
    named = {f.sms_template for f in KIND_FACTS.values() if f.sms_template}
    assert named  # the table does name templates
    for template in named:
        message = templates.render(template, item_id="RR473124829GB", date="Dec 01")
        assert message.segments == 1, template


def test_the_facts_agree_with_each_other() -> None:
    for kind, f in KIND_FACTS.items():
        if f.sack_state is not None:
            assert f.applies_to.takes_sacks(), f"{kind} sets a sack state but cannot be scanned on a sack"
        if f.membership is not None:
            assert f.applies_to.takes_items(), f"{kind} moves an item in or out of a sack but takes no items"
        if f.needs_container:
            assert f.membership is Membership.ENTERS, kind
        if not f.public:
            assert f.sms_template is None, f"{kind} is the station's own record: no customer hears of it"
        if f.sms_template is not None and not f.shown_to_customers:
            # (a choice taken is texted though it moves nothing: the customer's own act, confirmed)
            assert f.item_status is not None, f"{kind} texts the customer but does not move the item"
    assert {k for k, f in KIND_FACTS.items() if f.needs_reason} == {
        EventKind.ATTEMPTED,
        EventKind.DELAYED,
        EventKind.RETURNED,
    }
    assert {f.item_status for f in KIND_FACTS.values()} - {None} == set(ItemStatus)
    assert {f.sack_state for f in KIND_FACTS.values()} - {None} == set(SackState)
    assert KIND_FACTS[EventKind.SACK_CLOSE].applies_to is AppliesTo.SACK


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_kind_is_journalled_with_all_its_hooks(kind: EventKind, tmp_path: Path) -> None:
    # A kind the hooks do not know would roll back every scan of it: each one goes in and is read back.
    with Station.open(tmp_path / "s.sqlite3", StationConfig()) as station:
        target = SACK if kind.facts.applies_to is AppliesTo.SACK else ITEM
        event = Event.new(
            target,
            kind,
            facility="HUB",
            station_id=station.station_id,
            operator="ann",
            at=station.clock(),
            container_id=SACK if kind.facts.needs_container else None,
            reason=next(iter(REASON_CODES)) if kind.needs_reason else None,
        )
        stored = station.journal.append(event)
        assert stored.seq == 1
        assert [s.event.kind for s in station.journal.events_for(target)] == [kind]
        assert station.journal.verify().ok
