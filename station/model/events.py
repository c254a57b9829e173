"""Scan events: what happened to an item or a container, where, when, by whom.

`KIND_FACTS` is the one table of what each event kind means; every other module (sack contents, item
status, tracking history, SMS templates, what a scan of a sack may be) reads it instead of keeping a
list of its own. Adding an event kind means adding one `EventKind` member and one row here;
`tests/station/model/test_event_kinds.py` checks that the row is complete and agrees with the rest.

The UPU codes are those of the UPU EMSEVT / Global Postal Model event list a postal operator transmits:
EMA posting, EDD into sorting centre, EDE out of sorting centre, EMC departure from outward office of
exchange, EMD arrival at inward office of exchange, EMG arrival at delivery office, EDG out for delivery,
EMH attempted/unsuccessful delivery, EMI final delivery, EDF on hold, EDH arrived at a collection point
for pickup (the office's pickup shelf, a parcel locker). Kinds without a code are the
station's own (notes, disputes, fraud alerts, opening a sack) and are never transmitted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from station.errors import Refused
from station.model.states import ItemStatus, SackState


class EventKind(StrEnum):
    """What happened; the value is the CLI/journal spelling."""

    ACCEPTANCE = "acceptance"
    SACK_OPEN = "sack-open"
    SORT_IN = "sort-in"
    SACK_REMOVE = "sack-remove"
    SACK_CLOSE = "sack-close"
    DISPATCH = "dispatch"
    ARRIVAL = "arrival"
    DELIVERY_OFFICE = "delivery-office"
    OUT_FOR_DELIVERY = "out-for-delivery"
    DELIVERED = "delivered"
    ATTEMPTED = "attempted"
    DELAYED = "delayed"
    RETURNED = "returned"
    NOTE = "note"
    DISPUTE = "dispute"
    FRAUD_ALERT = "fraud-alert"
    OVERRIDE = "override"
    VOID = "void"
    REPRINT = "reprint"
    CHOICE = "choice"
    HELD = "held"
    PICKED_UP = "picked-up"
    LOCKER_OPEN = "locker-open"

    @property
    def facts(self) -> KindFacts:
        """This kind's row of `KIND_FACTS`."""
        return KIND_FACTS[self]

    @property
    def upu_code(self) -> str | None:
        """The UPU tracking event code, or None for the station's own kinds."""
        return KIND_FACTS[self].upu_code

    @property
    def is_internal(self) -> bool:
        """The station's own kinds (notes, disputes, fraud alerts, sack opening) are never transmitted."""
        return KIND_FACTS[self].upu_code is None

    @property
    def needs_reason(self) -> bool:
        """Attempted, delayed and returned events must say why."""
        return KIND_FACTS[self].needs_reason


class AppliesTo(StrEnum):
    """What may be scanned for a kind: an item (S10, IMpb), a sack (SSCC), or either."""

    ITEM = "item"
    SACK = "sack"
    BOTH = "both"

    def takes_items(self) -> bool:
        """True when an item may be scanned for this kind."""
        return self is not AppliesTo.SACK

    def takes_sacks(self) -> bool:
        """True when a sack may be scanned for this kind."""
        return self is not AppliesTo.ITEM


class Membership(StrEnum):
    """What a scan does to the scanned id's place in a sack."""

    ENTERS = "enters"  # it goes into the event's container (leaving any sack it was in)
    LEAVES = "leaves"  # it leaves the sack it was in


@dataclass(frozen=True, slots=True)
class KindFacts:
    """Everything the station derives from an event kind."""

    description: str  # what the operator did, in words
    upu_code: str | None
    applies_to: AppliesTo
    item_status: ItemStatus | None = None  # the status this scan puts an item in (None: unchanged)
    sack_state: SackState | None = None  # the state this scan puts a scanned sack in (None: unchanged)
    membership: Membership | None = None
    sms_template: str | None = None  # the message followers of the item get (assets/sms/templates.toml)
    needs_reason: bool = False
    needs_container: bool = False
    # A scan that moves the item: what "a scan" means to the rules and the reports (notes, disputes,
    # alerts, sack bookkeeping and the counter's own records are not).
    moves_item: bool = False
    # A kind of the station's own (no UPU code) that the customer still sees on the tracking page: a
    # voided label, a delivery choice taken. hub/sql/0009 `hub.is_public_kind` agrees (a test holds it).
    shown_to_customers: bool = False

    @property
    def public(self) -> bool:
        """Shown on the public tracking page: every transmitted kind, and the few of the station's own
        a customer must see."""
        return self.upu_code is not None or self.shown_to_customers

    @property
    def moves_contents(self) -> bool:
        """A sack travelling (dispatch, arrival) carries its items: they move, and their followers hear."""
        return self.sack_state in (SackState.DISPATCHED, SackState.ARRIVED)


_I, _S, _B = AppliesTo.ITEM, AppliesTo.SACK, AppliesTo.BOTH
_TRANSIT = ItemStatus.IN_TRANSIT
KIND_FACTS: dict[EventKind, KindFacts] = {
    EventKind.ACCEPTANCE: KindFacts(
        "accepted the item at the counter",
        "EMA",
        _I,
        ItemStatus.ACCEPTED,
        sms_template="accepted",
        moves_item=True,
    ),
    EventKind.SACK_OPEN: KindFacts("opened a new sack", None, _S, sack_state=SackState.OPEN),
    EventKind.SORT_IN: KindFacts(
        "sorted an item or sack into a sack",
        "EDD",
        _B,
        _TRANSIT,
        membership=Membership.ENTERS,
        sms_template="in_transit",
        needs_container=True,
        moves_item=True,
    ),
    EventKind.SACK_REMOVE: KindFacts(
        "took the item out of its sack",
        "EDD",
        _I,
        _TRANSIT,
        membership=Membership.LEAVES,
        moves_item=True,
    ),
    EventKind.SACK_CLOSE: KindFacts("closed and tagged the sack", "EDE", _S, _TRANSIT, SackState.CLOSED),
    EventKind.DISPATCH: KindFacts(
        "dispatched a sack or an item",
        "EMC",
        _B,
        _TRANSIT,
        SackState.DISPATCHED,
        sms_template="in_transit",
        moves_item=True,
    ),
    EventKind.ARRIVAL: KindFacts(
        "received a sack or an item",
        "EMD",
        _B,
        _TRANSIT,
        SackState.ARRIVED,
        sms_template="in_transit",
        moves_item=True,
    ),
    EventKind.DELIVERY_OFFICE: KindFacts(
        "received at the delivery office",
        "EMG",
        _B,
        _TRANSIT,
        SackState.ARRIVED,
        sms_template="in_transit",
        moves_item=True,
    ),
    EventKind.OUT_FOR_DELIVERY: KindFacts(
        "loaded the carrier's round",
        "EDG",
        _I,
        ItemStatus.OUT_FOR_DELIVERY,
        membership=Membership.LEAVES,
        sms_template="out_for_delivery",
        moves_item=True,
    ),
    EventKind.DELIVERED: KindFacts(
        "delivered (to the addressee, a neighbour or a safe place)",
        "EMI",
        _I,
        ItemStatus.DELIVERED,
        membership=Membership.LEAVES,
        sms_template="delivered",
        moves_item=True,
    ),
    EventKind.ATTEMPTED: KindFacts(
        "could not deliver (reason code)",
        "EMH",
        _I,
        ItemStatus.ATTEMPTED,
        membership=Membership.LEAVES,
        sms_template="attempted",
        needs_reason=True,
        moves_item=True,
    ),
    EventKind.DELAYED: KindFacts(
        "held the item (reason code)",
        "EDF",
        _I,
        ItemStatus.DELAYED,
        sms_template="delayed",
        needs_reason=True,
        moves_item=True,
    ),
    # UPU has no code of its own for a return to sender: it is transmitted as an unsuccessful delivery.
    EventKind.RETURNED: KindFacts(
        "sent it back to the sender",
        "EMH",
        _I,
        ItemStatus.RETURNED,
        membership=Membership.LEAVES,
        sms_template="returned",
        needs_reason=True,
        moves_item=True,
    ),
    EventKind.NOTE: KindFacts("customer service wrote a note", None, _B),
    EventKind.DISPUTE: KindFacts("customer service opened a dispute", None, _B),
    EventKind.FRAUD_ALERT: KindFacts("a fraud rule flagged the item", None, _B),
    # The counter's exceptions: who authorised what (both people named), a paid piece voided (its
    # postage refunded, its label dead), a label printed again. Never transmitted to UPU.
    EventKind.OVERRIDE: KindFacts("a supervisor authorised an exception", None, _B),
    EventKind.VOID: KindFacts(
        "voided the paid piece: postage refunded, the label is dead",
        None,
        _I,
        ItemStatus.VOIDED,
        membership=Membership.LEAVES,
        shown_to_customers=True,
    ),
    EventKind.REPRINT: KindFacts("printed the item's label again", None, _I),
    # A customer's delivery choice from the tracking page (hold, redirect, safe place, neighbour, another
    # day), taken by the station that delivers: no UPU code, but shown to the customer, who is texted.
    EventKind.CHOICE: KindFacts(
        "took the customer's delivery choice", None, _I, sms_template="choice_taken", shown_to_customers=True
    ),
    # Waiting for its addressee: on the office's pickup shelf (extra: shelf, until) or in a parcel locker
    # (extra: locker, door, until). UPU EDH: arrived at a collection point for pickup.
    EventKind.HELD: KindFacts(
        "put it where the addressee collects it (pickup shelf or locker)",
        "EDH",
        _I,
        ItemStatus.HELD,
        membership=Membership.LEAVES,
        sms_template="held",
        moves_item=True,
    ),
    # Collected by the addressee at the counter (ID checked, a signature or the code) or at a locker (the
    # code): a final delivery, EMI, with the receiver's role in extra.
    EventKind.PICKED_UP: KindFacts(
        "the addressee collected it",
        "EMI",
        _I,
        ItemStatus.DELIVERED,
        membership=Membership.LEAVES,
        sms_template="delivered",
        moves_item=True,
    ),
    # A locker door opened (for a deposit, a pickup, the office taking an item back, or a retry): the
    # station's own record of every open, never transmitted.
    EventKind.LOCKER_OPEN: KindFacts("a locker door was opened", None, _I),
}

# The kinds that move an item (`KindFacts.moves_item`), for the history's rules and reports.
MOVES: frozenset[EventKind] = frozenset(kind for kind, facts in KIND_FACTS.items() if facts.moves_item)

# Reason codes for attempted / delayed / returned events, after the UPU non-delivery reasons.
REASON_CODES: dict[str, str] = {
    "ADDRESSEE_ABSENT": "Addressee absent, notice left",
    "ADDRESS_INCORRECT": "Incorrect or incomplete address",
    "REFUSED": "Refused by addressee",
    "NO_ACCESS": "No access to the delivery point",
    "BUSINESS_CLOSED": "Business closed",
    "ADDRESSEE_MOVED": "Addressee has moved",
    "DAMAGED": "Item damaged",
    "CUSTOMS": "Held for customs",
    "WEATHER": "Delayed by weather",
    "MISSORTED": "Missorted, re-routed",
    "CAPACITY": "Held for lack of transport capacity",
    "UNCLAIMED": "Not collected within the holding period",
    "SENDER_REQUEST": "Returned at the sender's request",
    "UNSPECIFIED": "No reason given at scan time",
}


class EventError(Refused):
    """An event that must not be recorded; the message is for the operator."""


@dataclass(frozen=True, slots=True)
class Event:
    """One scan or note, as recorded in the journal. `occurred_at` is UTC."""

    event_id: str
    item_id: str
    kind: EventKind
    facility: str
    station_id: str
    operator: str
    occurred_at: datetime
    container_id: str | None = None
    weight_g: int | None = None
    reason: str | None = None
    signature_ref: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise EventError("event time must be timezone-aware UTC")
        if not self.item_id:
            raise EventError("event has no item id")
        if self.kind.needs_reason and not self.reason:
            raise EventError(f"a {self.kind} event needs a reason code")
        if self.reason is not None and self.kind.needs_reason and self.reason not in REASON_CODES:
            raise EventError(f"unknown reason code {self.reason!r}; use one of {', '.join(REASON_CODES)}")
        if self.kind.facts.needs_container and not self.container_id:
            raise EventError(f"a {self.kind} event needs the sack (container) id")
        if self.weight_g is not None and self.weight_g < 0:
            raise EventError("weight cannot be negative")

    @classmethod
    def new(
        cls,
        item_id: str,
        kind: EventKind,
        *,
        facility: str,
        station_id: str,
        operator: str,
        at: datetime,
        container_id: str | None = None,
        weight_g: int | None = None,
        reason: str | None = None,
        signature_ref: str | None = None,
        note: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Event:
        """A new event with a fresh UUID (the idempotency key)."""
        return cls(
            event_id=str(uuid.uuid4()),
            item_id=item_id,
            kind=kind,
            facility=facility,
            station_id=station_id,
            operator=operator,
            occurred_at=at.astimezone(UTC),
            container_id=container_id,
            weight_g=weight_g,
            reason=reason,
            signature_ref=signature_ref,
            note=note,
            extra=dict(extra or {}),
        )

    @property
    def upu_code(self) -> str | None:
        """The UPU event code of this event's kind."""
        return self.kind.upu_code


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the journal holds it: with its station sequence number and chained hash."""

    event: Event
    seq: int
    prev_hash: str
    hash: str
