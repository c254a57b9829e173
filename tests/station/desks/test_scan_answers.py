"""Every answer of the scan desk pinned whole: refused or recorded, the id it names, the operator's words,
the warning, the details, and the fraud alert a blocked scan journals. `./dev mutants` found the scan
tests asking "refused?" and a word of the reason, so an answer that lost its id (the window's tray links
a reject to its item by it), an alert journalled under another rule, or a reason replaced passed them."""

from __future__ import annotations

import json
from typing import Any

from station.desks.outcome import Outcome
from station.desks.scan import ScanDesk
from station.model.events import EventKind
from tests.station.conftest import OTHER_SACK, SACK, SACK_ID

ITEM, ITEM2, ITEM3 = "RR473124829GB", "EE123456785US", "CP100000003US"
OTHER_SACK_ID = OTHER_SACK[2:]
WHERE: dict[str, Any] = {"facility": "NYC", "operator": "ann"}


def _answer(outcome: Outcome) -> tuple[bool, str | None, str | None, str | None]:
    return outcome.ok, outcome.id, outcome.reason, outcome.warning


def _alerts(desk: ScanDesk) -> list[tuple[str, str | None, dict[str, object]]]:
    with desk.station.db.reading() as conn:
        rows = conn.execute(
            "SELECT item_id, note, extra FROM events WHERE kind = 'fraud-alert' ORDER BY seq"
        ).fetchall()
    return [(str(r[0]), r[1], json.loads(r[2])) for r in rows]


def test_what_is_no_item_or_sack_is_refused_naming_what_it_is(desk: ScanDesk) -> None:
    assert _answer(desk.record("HELLO", EventKind.ACCEPTANCE, **WHERE)) == (
        False,
        None,
        "not an S10, IMpb or SSCC identifier: HELLO",
        None,
    )
    assert _answer(desk.record("4006381333931", EventKind.ACCEPTANCE, **WHERE)) == (
        False,
        None,
        "not a postal item or sack id: 4006381333931",
        None,
    )
    long_code = "]Q1" + "A" * 30 + "B" * 30
    assert _answer(desk.record(long_code, EventKind.ACCEPTANCE, **WHERE)) == (
        False,
        None,
        "not a postal item or sack id: " + "A" * 30 + "B" * 10,  # the first 40 characters
        None,
    )


def test_a_sack_where_an_item_belongs_and_an_item_where_a_sack_belongs(desk: ScanDesk) -> None:
    assert _answer(desk.record(SACK, EventKind.ACCEPTANCE, **WHERE)) == (
        False,
        SACK_ID,
        f"{SACK_ID} is a sack (SSCC): scan the item itself for acceptance",
        None,
    )
    assert _answer(desk.record(ITEM, EventKind.SACK_CLOSE, **WHERE)) == (
        False,
        ITEM,
        f"{ITEM} is an item, not a sack: scan the sack tag for sack-close",
        None,
    )


def test_a_sort_needs_a_good_open_sack(desk: ScanDesk) -> None:
    sort = EventKind.SORT_IN
    assert _answer(desk.record(ITEM, sort, container_id="HELLO", **WHERE)) == (
        False,
        ITEM,
        "sack id: not an S10, IMpb or SSCC identifier: HELLO",
        None,
    )
    assert _answer(desk.record(ITEM, sort, container_id=ITEM2, **WHERE)) == (
        False,
        ITEM,
        "sack id must be an SSCC (GS1 AI 00), not s10",
        None,
    )
    assert _answer(desk.record(SACK, sort, container_id=SACK, **WHERE)) == (
        False,
        SACK_ID,
        "a sack cannot go into itself",
        None,
    )
    assert _answer(desk.record(ITEM, sort, **WHERE)) == (
        False,
        ITEM,
        "no sack open: scan or create a sack tag first",
        None,
    )
    into = desk.record(ITEM, sort, container_id=SACK, **WHERE)
    assert _answer(into) == (True, ITEM, None, None) and into.details == {"kind": "s10"}
    assert into.stored is not None and into.stored.event.container_id == SACK_ID
    assert _answer(desk.record(ITEM, sort, container_id=SACK, **WHERE)) == (
        False,
        ITEM,
        f"duplicate: {ITEM} is already in this sack",
        None,
    )
    assert _answer(desk.record(ITEM, sort, container_id=OTHER_SACK, **WHERE)) == (
        False,
        ITEM,
        f"{ITEM} is in sack {SACK_ID}: remove it from that sack first",
        None,
    )
    assert desk.record(SACK, EventKind.SACK_CLOSE, **WHERE).ok
    assert _answer(desk.record(ITEM2, sort, container_id=SACK, **WHERE)) == (
        False,
        ITEM2,
        f"sack {SACK_ID} is closed: open a new sack",
        None,
    )
    assert _answer(desk.record(SACK, EventKind.SACK_CLOSE, **WHERE)) == (
        False,
        SACK_ID,
        f"sack {SACK_ID} is closed",
        None,
    )
    assert _answer(desk.record(OTHER_SACK, EventKind.SACK_CLOSE, **WHERE)) == (
        False,
        OTHER_SACK_ID,
        f"sack {OTHER_SACK_ID} is not open here (nothing sorted into it)",
        None,
    )


def test_a_duplicate_acceptance_is_blocked_with_its_alert_journalled(desk: ScanDesk) -> None:
    assert desk.record(ITEM, EventKind.ACCEPTANCE, **WHERE).ok
    again = desk.record(f" {ITEM.lower()} ", EventKind.ACCEPTANCE, facility="BKN", operator="raj")
    assert _answer(again) == (False, ITEM, f"{ITEM} already accepted at NYC: duplicate id, fraud alert", None)
    assert _alerts(desk) == [
        (ITEM, "acceptance refused: already accepted at NYC", {"rule": "duplicate-id", "raw": ITEM.lower()})
    ]


def test_a_voided_label_is_dead_and_its_scan_raises_an_alert(desk: ScanDesk) -> None:
    assert desk.record(ITEM, EventKind.ACCEPTANCE, **WHERE).ok
    desk.station.journal.append(desk.event(ITEM, EventKind.VOID, "NYC", "sue", note="customer changed mind"))
    refused = desk.record(ITEM, EventKind.ARRIVAL, facility="OAK", operator="bo")
    assert _answer(refused) == (
        False,
        ITEM,
        f"{ITEM} was voided at NYC: the label is dead (fraud alert)",
        None,
    )
    assert _alerts(desk) == [
        (
            ITEM,
            "arrival refused: the item was voided and its postage refunded",
            {"rule": "voided-label", "raw": ITEM},
        )
    ]


def test_a_delivered_item_is_not_delivered_again_and_later_scans_carry_a_warning(desk: ScanDesk) -> None:
    assert desk.record(ITEM, EventKind.ACCEPTANCE, **WHERE).ok
    assert desk.record(ITEM, EventKind.DELIVERED, facility="DLV", operator="cy", signature_ref="sig").ok
    assert _answer(
        desk.record(ITEM, EventKind.DELIVERED, facility="DLV", operator="cy", signature_ref="s")
    ) == (
        False,
        ITEM,
        f"{ITEM} was already delivered (at DLV): not delivered again",
        None,
    )
    later = desk.record(ITEM, EventKind.ARRIVAL, facility="OAK", operator="bo")
    assert _answer(later) == (True, ITEM, None, f"{ITEM} was already delivered")
    assert desk.record(ITEM3, EventKind.ACCEPTANCE, **WHERE).warning is None
