"""Scan events: what happened to an item or a container, where, when, by whom.

Each event kind maps to the UPU tracking event code (UPU EMSEVT / Global Postal Model event list) that a
postal operator would transmit for it:

| kind             | UPU | UPU meaning                               | what the operator did             |
|------------------|-----|-------------------------------------------|-----------------------------------|
| acceptance       | EMA | Posting/collection                        | accepted the item at the counter  |
| sort-in          | EDD | Item into sorting centre                  | sorted an item or sack into a sack|
| sack-remove      | EDD | Item into sorting centre (re-sorted)      | took the item out of its sack     |
| sack-close       | EDE | Item out of sorting centre                | closed and tagged the sack        |
| dispatch         | EMC | Departure from outward office of exchange | dispatched a sack or an item      |
| arrival          | EMD | Arrival at inward office of exchange      | received a sack or an item        |
| delivery-office  | EMG | Arrival at delivery office                | received at the delivery office   |
| out-for-delivery | EDG | Item out for delivery                     | loaded the carrier's round        |
| delivered        | EMI | Final delivery                            | delivered, recipient signed       |
| attempted        | EMH | Attempted/unsuccessful delivery           | could not deliver (reason code)   |
| delayed          | EDF | Item on hold                              | held the item (reason code)       |
| returned         | EMH | Unsuccessful delivery, returned to sender | sent it back (UPU has no own code)|
| note             | -   | (internal: customer-service note)         | customer service wrote a note     |
| dispute          | -   | (internal: customer-service dispute)      | customer service opened a dispute |
| fraud-alert      | -   | (internal: fraud rule fired)              | a fraud rule flagged the item     |

Internal kinds are journalled and shown in the history but never transmitted as UPU events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    """What happened; the value is the CLI/journal spelling."""

    ACCEPTANCE = "acceptance"
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

    @property
    def upu_code(self) -> str | None:
        """The UPU tracking event code, or None for internal kinds."""
        return UPU_CODES[self]

    @property
    def is_internal(self) -> bool:
        """Internal kinds (notes, disputes, fraud alerts) do not move the item."""
        return self.upu_code is None

    @property
    def needs_reason(self) -> bool:
        """Attempted, delayed and returned events must say why."""
        return self in (EventKind.ATTEMPTED, EventKind.DELAYED, EventKind.RETURNED)


UPU_CODES: dict[EventKind, str | None] = {
    EventKind.ACCEPTANCE: "EMA",
    EventKind.SORT_IN: "EDD",
    EventKind.SACK_REMOVE: "EDD",
    EventKind.SACK_CLOSE: "EDE",
    EventKind.DISPATCH: "EMC",
    EventKind.ARRIVAL: "EMD",
    EventKind.DELIVERY_OFFICE: "EMG",
    EventKind.OUT_FOR_DELIVERY: "EDG",
    EventKind.DELIVERED: "EMI",
    EventKind.ATTEMPTED: "EMH",
    EventKind.DELAYED: "EDF",
    EventKind.RETURNED: "EMH",
    EventKind.NOTE: None,
    EventKind.DISPUTE: None,
    EventKind.FRAUD_ALERT: None,
}

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


class EventError(ValueError):
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
        if self.kind is EventKind.SORT_IN and not self.container_id:
            raise EventError("a sort-in event needs the sack (container) id")
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
