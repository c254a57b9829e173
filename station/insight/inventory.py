"""What a facility holds now, and what its day left undone: from item journeys (sacks give their items).

An item is on hand at the facility of its latest scan until a scan elsewhere, or a final one
(delivered, returned, voided), takes it off; its age there is counted from its first scan of that stay.
Out for delivery is on the carrier's round, still the delivery office's to account for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from station.insight.history import Timeline
from station.model.events import EventKind

GONE = (EventKind.DELIVERED, EventKind.RETURNED, EventKind.VOID)
IN_TRANSIT = (EventKind.DISPATCH,)  # on a truck: no facility holds it until the next scan
OLD_AFTER = timedelta(hours=24)
AGE_BANDS = ((4, "under 4 h"), (12, "4-12 h"), (24, "12-24 h"), (48, "24-48 h"), (10**9, "over 48 h"))

# What can follow a load on the round (the carrier came back with an answer for the item).
_AFTER_LOADING = frozenset({EventKind.DELIVERED, EventKind.ATTEMPTED, EventKind.RETURNED, EventKind.DELAYED})


@dataclass(frozen=True, slots=True)
class OnHand:
    """An item a facility holds."""

    item_id: str
    facility: str
    since: datetime
    last_kind: str
    hours: float

    @property
    def old(self) -> bool:
        """Held for more than a day: someone should look."""
        return self.hours > OLD_AFTER.total_seconds() / 3600


@dataclass
class Inventory:
    """Items on hand per facility, by age."""

    at: datetime
    items: list[OnHand] = field(default_factory=list)

    ok = True

    def by_facility(self) -> dict[str, dict[str, int]]:
        """facility -> age band -> items."""
        out: dict[str, dict[str, int]] = defaultdict(lambda: {name: 0 for _, name in AGE_BANDS})
        for item in self.items:
            band = next(name for limit, name in AGE_BANDS if item.hours < limit)
            out[item.facility][band] += 1
        return dict(sorted(out.items()))

    def to_json(self) -> dict[str, Any]:
        """`station report inventory --json`."""
        return {
            "at": self.at.isoformat(),
            "facilities": self.by_facility(),
            "over_24h": [
                {
                    "item_id": i.item_id,
                    "facility": i.facility,
                    "since": i.since.isoformat(),
                    "hours": round(i.hours, 1),
                    "last": i.last_kind,
                }
                for i in self.items
                if i.old
            ],
        }


def on_hand(lines: dict[str, Timeline], now: datetime, facility: str | None = None) -> Inventory:
    """Every item some facility holds at `now` (with `facility`, that one's only), oldest first."""
    found = Inventory(now)
    for line in lines.values():
        moves = [m for m in line.moves if m.at <= now]
        if not moves or moves[-1].kind in GONE or moves[-1].kind in IN_TRANSIT:
            continue
        where = moves[-1].facility
        if facility is not None and where != facility:
            continue
        since = moves[-1].at
        for move in reversed(moves):
            if move.facility != where:
                break
            since = move.at
        found.items.append(
            OnHand(line.item_id, where, since, moves[-1].kind, (now - since).total_seconds() / 3600)
        )
    found.items.sort(key=lambda i: i.since)
    return found


@dataclass
class Reconciliation:
    """A facility's day at close: what should have moved and did not."""

    facility: str
    close: datetime
    not_dispatched: list[str] = field(default_factory=list)  # accepted here that day, still here
    not_closed_out: list[str] = field(
        default_factory=list
    )  # out for delivery, no delivered or attempted scan

    @property
    def ok(self) -> bool:
        """True when the day is square."""
        return not self.not_dispatched and not self.not_closed_out

    def to_json(self) -> dict[str, Any]:
        """`station report reconcile --json`."""
        return {
            "facility": self.facility,
            "close": self.close.isoformat(),
            "accepted_not_dispatched": self.not_dispatched,
            "out_for_delivery_not_closed": self.not_closed_out,
        }


def reconcile(lines: dict[str, Timeline], facility: str, opened: datetime, close: datetime) -> Reconciliation:
    """The day [opened, close) at `facility`."""
    found = Reconciliation(facility, close)
    for line in lines.values():
        moves = [m for m in line.moves if m.at < close]
        if not moves:
            continue
        accepted, here = moves[0], all(m.facility == facility for m in moves)
        took_in = (
            accepted.kind == EventKind.ACCEPTANCE and accepted.facility == facility and opened <= accepted.at
        )
        if took_in and here and moves[-1].kind not in GONE:
            found.not_dispatched.append(line.item_id)
        loaded = [
            m
            for m in moves
            if m.kind == EventKind.OUT_FOR_DELIVERY and m.facility == facility and opened <= m.at
        ]
        if loaded:
            after = [m for m in moves if m.at >= loaded[-1].at and m.kind in _AFTER_LOADING]
            if not after:
                found.not_closed_out.append(line.item_id)
    found.not_dispatched.sort()
    found.not_closed_out.sort()
    return found
