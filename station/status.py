"""Item status: the state machine that turns a sequence of scans into what a customer is told."""

from __future__ import annotations

from enum import StrEnum

from station.events import EventKind


class ItemStatus(StrEnum):
    """What a customer-service agent tells the customer."""

    ACCEPTED = "accepted"
    IN_TRANSIT = "in-transit"
    OUT_FOR_DELIVERY = "out-for-delivery"
    DELIVERED = "delivered"
    ATTEMPTED = "attempted"
    DELAYED = "delayed"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """Wording for people."""
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ItemStatus.ACCEPTED: "Accepted",
    ItemStatus.IN_TRANSIT: "In transit",
    ItemStatus.OUT_FOR_DELIVERY: "Out for delivery",
    ItemStatus.DELIVERED: "Delivered",
    ItemStatus.ATTEMPTED: "Delivery attempted",
    ItemStatus.DELAYED: "Delayed",
    ItemStatus.RETURNED: "Returned to sender",
}

_NEXT: dict[EventKind, ItemStatus] = {
    EventKind.ACCEPTANCE: ItemStatus.ACCEPTED,
    EventKind.SORT_IN: ItemStatus.IN_TRANSIT,
    EventKind.SACK_REMOVE: ItemStatus.IN_TRANSIT,
    EventKind.SACK_CLOSE: ItemStatus.IN_TRANSIT,
    EventKind.DISPATCH: ItemStatus.IN_TRANSIT,
    EventKind.ARRIVAL: ItemStatus.IN_TRANSIT,
    EventKind.DELIVERY_OFFICE: ItemStatus.IN_TRANSIT,
    EventKind.OUT_FOR_DELIVERY: ItemStatus.OUT_FOR_DELIVERY,
    EventKind.DELIVERED: ItemStatus.DELIVERED,
    EventKind.ATTEMPTED: ItemStatus.ATTEMPTED,
    EventKind.DELAYED: ItemStatus.DELAYED,
    EventKind.RETURNED: ItemStatus.RETURNED,
}


def next_status(kind: EventKind) -> ItemStatus:
    """The status an item's own movement scan puts it in."""
    return _NEXT[kind]


class StatusMachine:
    """Feeds events in time order; keeps the status and flags impossible sequences (never hides them)."""

    def __init__(self) -> None:
        self.status: ItemStatus | None = None
        self.flags: list[str] = []
        self._accepted = 0
        self._out_for_delivery = False

    def feed(self, kind: EventKind, when: str, *, via_container: str | None = None) -> None:
        """Apply one event (internal kinds leave the status alone)."""
        nxt = _NEXT.get(kind)
        if nxt is None:
            return
        if self.status is ItemStatus.DELIVERED and via_container is None:
            self.flags.append(f"{kind} scan at {when} after the item was delivered")
        if kind is EventKind.ACCEPTANCE:
            self._accepted += 1
            if self._accepted == 2:
                self.flags.append(f"accepted twice (again at {when}): duplicate id or copied label")
        if kind is EventKind.OUT_FOR_DELIVERY:
            self._out_for_delivery = True
        if kind is EventKind.DELIVERED and not self._out_for_delivery:
            self.flags.append(f"delivered at {when} without an out-for-delivery scan")
        if kind is EventKind.RETURNED:
            self._out_for_delivery = False
        if self.status is ItemStatus.DELIVERED and via_container is not None:
            return  # a sack moving on after the item left it says nothing about the item
        self.status = nxt
