"""Every state a stored thing can be in, as enums: the values are the spellings kept in the database."""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    """What a customer-service agent tells the customer."""

    ACCEPTED = "accepted"
    IN_TRANSIT = "in-transit"
    OUT_FOR_DELIVERY = "out-for-delivery"
    DELIVERED = "delivered"
    ATTEMPTED = "attempted"
    DELAYED = "delayed"
    RETURNED = "returned"
    VOIDED = "voided"
    HELD = "held"

    @property
    def label(self) -> str:
        """Wording for people."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ItemStatus.ACCEPTED: "Accepted",
    ItemStatus.IN_TRANSIT: "In transit",
    ItemStatus.OUT_FOR_DELIVERY: "Out for delivery",
    ItemStatus.DELIVERED: "Delivered",
    ItemStatus.ATTEMPTED: "Delivery attempted",
    ItemStatus.DELAYED: "Delayed",
    ItemStatus.RETURNED: "Returned to sender",
    ItemStatus.VOIDED: "Voided at the counter (postage refunded)",
    ItemStatus.HELD: "Waiting for pickup",
}


class SackState(StrEnum):
    """Where a sack (receptacle) is in its life: open for sorting, closed and tagged, on its way, arrived."""

    OPEN = "open"
    CLOSED = "closed"
    DISPATCHED = "dispatched"
    ARRIVED = "arrived"


class OutboxState(StrEnum):
    """An SMS outbox row: waiting (queued, or held by quiet hours / rate limit), handed over, or ended."""

    QUEUED = "queued"
    HELD = "held"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # handed to a gateway that cannot deduplicate, then interrupted: never resent
    CANCELLED = "cancelled"  # the customer said STOP before it was sent


WAITING_OUTBOX_STATES = (OutboxState.QUEUED, OutboxState.HELD)


class SubscriberState(StrEnum):
    """A phone number's consent (CTIA double opt-in)."""

    PENDING = "pending"  # asked to reply YES; nothing but consent replies is sent
    ACTIVE = "active"
    STOPPED = "stopped"


class PrintJobState(StrEnum):
    """Where a print job is."""

    QUEUED = "queued"
    SENDING = "sending"
    PRINTED = "printed"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
