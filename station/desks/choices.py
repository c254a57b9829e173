"""The choices desk: customers' delivery choices from the hub's tracking page, honoured at this station.

A choice is received by the sync (kept, then acknowledged to the hub). It is journalled where it takes
effect: at once when the item is here and not yet on a round, or else when a carrier loads it here.
Loading an item the customer asked to hold, to redirect, or to bring another day is refused with the
reason in words; a safe place or a neighbour goes on the round and is shown at the door.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from station.app import Station
from station.items import choices, containers
from station.model.choices import ANOTHER_DAY, HOLD, REDIRECT, CustomerChoice
from station.model.events import EventKind
from station.model.states import ItemStatus

# A choice journalled when it arrives is taken by the station itself, not by a person at it.
RECEIVED_BY = "tracking-page"
_GONE = (ItemStatus.OUT_FOR_DELIVERY, ItemStatus.DELIVERED, ItemStatus.RETURNED, ItemStatus.VOIDED)


def load_refusal(choice: CustomerChoice | None, today: date, facility: str) -> str | None:
    """Why the item must not go on today's round from `facility`, by the customer's choice (None: load
    it; at the office it was redirected to, a redirect is done)."""
    if choice is None:
        return None
    if choice.choice == HOLD:
        return (
            f"{choice.item_id}: the customer asked to hold it at the office for pickup:"
            " put it on the hold shelf"
        )
    if choice.choice == REDIRECT:
        office = choice.detail.get("office", "?")
        if office == facility:
            return None
        return f"{choice.item_id}: the customer asked to redirect it to office {office}: forward it there"
    if choice.choice == ANOTHER_DAY and choice.day is not None and choice.day > today:
        return (
            f"{choice.item_id}: the customer asked for delivery on {choice.day:%a %d %b}: keep it until then"
        )
    return None


class ChoicesDesk:
    """Customers' choices at one station."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def receive(self, got: list[CustomerChoice]) -> int:
        """Keep the choices the hub handed over, and journal those of items here now (this station
        scanned them last, as it and the hub know); how many were new."""
        station = self.station
        facility = station.config.facility
        with station.db.transaction() as conn:
            new = choices.keep(conn, got, station.clock())
            last_by = {c.item_id: c.last_scanned_by for c in got}
            for item in sorted(last_by):
                if last_by[item] not in (None, station.station_id):
                    continue  # another station scanned it since: the choice takes effect there
                known = containers.item_record(conn, item)
                if known is not None and known.facility == facility and known.status not in _GONE:
                    self.take_in(conn, item, facility, RECEIVED_BY)
        return new

    def take_in(
        self, conn: sqlite3.Connection, item: str, facility: str, operator: str
    ) -> CustomerChoice | None:
        """Journal the item's choices not journalled here yet (inside the caller's transaction); the
        choice in force."""
        for choice in choices.untaken(conn, item):
            stored = self.station.journal.append_in(
                conn,
                self.station.event(item, EventKind.CHOICE, facility, operator, extra=choice.journal_extra()),
            )
            choices.mark_taken(conn, choice.choice_id, stored.event.event_id)
        return choices.in_force(conn, item)

    def in_force(self, item: str) -> CustomerChoice | None:
        """The item's choice in force here, or None."""
        with self.station.db.reading() as conn:
            return choices.in_force(conn, item)
