"""Item status: the state machine that turns a sequence of scans into what a customer is told."""

from __future__ import annotations

from station.model.events import EventKind
from station.model.states import ItemStatus

__all__ = ["ItemStatus", "StatusMachine"]


class StatusMachine:
    """Feeds events in time order; keeps the status and flags impossible sequences (never hides them)."""

    def __init__(self) -> None:
        self.status: ItemStatus | None = None
        self.flags: list[str] = []
        self._accepted = 0
        self._out_for_delivery = False

    def feed(self, kind: EventKind, when: str, *, via_container: str | None = None) -> None:
        """Apply one event (kinds that set no item status leave it alone)."""
        nxt = kind.facts.item_status
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
