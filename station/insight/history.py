"""The journal read as history: every item's movements in time order, sack scans given to the items inside.

A depot scans sacks, not items: a dispatched sack carries sixty parcels. The reports, the delivery
estimates and the export all need the items' own journeys, so `timelines` replays the journal once
(which item was in which sack when, nested sacks included, the same rules `containers` applies to the
live tables) and gives each item every scan of a sack it was in, named `via` that sack.

This module only reads the `events` table; it owns none.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from station.model.events import EventKind, Membership
from station.model.rows import Row
from station.store.db import Database

_MAX_NESTING = 8
# Kinds that move an item: what "a scan" means to the rules and reports (notes, disputes, alerts and
# the counter's own records are not scans).
MOVES = frozenset(
    {
        "acceptance",
        "sort-in",
        "sack-remove",
        "dispatch",
        "arrival",
        "delivery-office",
        "out-for-delivery",
        "delivered",
        "attempted",
        "delayed",
        "returned",
    }
)


_COLUMNS = "seq, station_id, item_id, kind, facility, operator, occurred_at, extra, container_id, reason"


def history_row(r: sqlite3.Row | tuple[Any, ...]) -> Row:
    """A row of (seq, station_id, item_id, kind, facility, operator, occurred_at, extra, container_id,
    reason), from the station's journal or the hub's."""
    extra = r[7] or "{}"
    return Row(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6] if isinstance(r[6], datetime) else datetime.fromisoformat(r[6]),
        json.loads(extra) if extra != "{}" else {},
        None if r[8] is None else str(r[8]),
        None if r[9] is None else str(r[9]),
    )


def rows(conn: sqlite3.Connection, since: datetime | None = None, until: datetime | None = None) -> list[Row]:
    """The journal's events from `since` (inclusive) to `until` (exclusive), in time order.

    Times are compared as the journal's text (UTC, microseconds), which sorts as the times do.
    """
    where, args = [], []
    if since is not None:
        where.append("occurred_at >= ?")
        args.append(_utc_text(since))
    if until is not None:
        where.append("occurred_at < ?")
        args.append(_utc_text(until))
    sql = f"SELECT {_COLUMNS} FROM events" + (" WHERE " + " AND ".join(where) if where else "")
    return [history_row(r) for r in conn.execute(sql + " ORDER BY occurred_at, station_id, seq", args)]


class RowSource(Protocol):
    """Where else history may come from: the hub, every station's events (`sync.HubPort`)."""

    def history_rows(self, since: datetime | None, until: datetime | None) -> list[Row]: ...


def read(
    db: Database, network: RowSource | None, since: datetime | None = None, until: datetime | None = None
) -> list[Row]:
    """The history the figures are made from: the network's when the station has a hub, else its journal.
    An unreachable hub raises `sync.HubUnavailable` (the figures would silently be one station's)."""
    if network is not None:
        return network.history_rows(since, until)
    with db.reading() as conn:
        return rows(conn, since, until)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Move(NamedTuple):
    """One scan in an item's journey; `via` is the sack whose scan it was (None: the item's own)."""

    kind: str
    facility: str
    station_id: str
    operator: str
    at: datetime
    via: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class Timeline:
    """An item's journey: its acceptance facts and every move, in time order."""

    item_id: str
    moves: list[Move] = field(default_factory=list)
    service: str = ""
    origin_zip: str = ""
    destination_zip: str = ""
    accepted_at: datetime | None = None
    accepted_by: str = ""
    accepted_station: str = ""

    @property
    def delivered_at(self) -> datetime | None:
        """The first delivered scan, if any."""
        return next((m.at for m in self.moves if m.kind == "delivered"), None)

    @property
    def last(self) -> Move | None:
        """The latest move."""
        return self.moves[-1] if self.moves else None


def zip_of(extra: dict[str, object], *names: str) -> str:
    """The first 5-digit ZIP among `extra[names]` ('' when none)."""
    for name in names:
        value = str(extra.get(name) or "")[:5]
        if len(value) == 5 and value.isdigit():
            return value
    return ""


_MOVE_FACTS = {kind: EventKind(kind).facts for kind in MOVES}


def timelines(history: Iterable[Row]) -> dict[str, Timeline]:
    """Every accepted item's journey, sack scans included (ids that are only sacks are left out)."""
    inside: dict[str, str] = {}  # id -> the sack it is in now
    contents: dict[str, set[str]] = defaultdict(set)
    found: dict[str, Timeline] = {}

    def leave(item: str) -> None:
        sack = inside.pop(item, None)
        if sack is not None:
            contents[sack].discard(item)

    def carried(sack: str, depth: int = 0) -> Iterator[str]:
        for item in list(contents.get(sack, ())):
            yield item
            if depth < _MAX_NESTING and item in contents:
                yield from carried(item, depth + 1)

    for row in history:
        facts = _MOVE_FACTS.get(row.kind)
        if facts is None:
            continue
        line = found.get(row.item_id)
        if row.kind == "acceptance" and line is None:
            line = found[row.item_id] = Timeline(row.item_id)
            line.service = str(row.extra.get("service") or "")
            line.origin_zip = zip_of(row.extra, "origin_zip")
            line.destination_zip = zip_of(row.extra, "routing_zip", "destination_zip")
            line.accepted_at, line.accepted_by, line.accepted_station = row.at, row.operator, row.station_id
        if line is not None:
            line.moves.append(
                Move(row.kind, row.facility, row.station_id, row.operator, row.at, None, row.reason)
            )
        if facts.membership is Membership.ENTERS and row.container_id:
            leave(row.item_id)
            inside[row.item_id] = row.container_id
            contents[row.container_id].add(row.item_id)
        elif facts.membership is Membership.LEAVES:
            leave(row.item_id)
        if facts.moves_contents and row.item_id in contents:
            for item in carried(row.item_id):
                passenger = found.get(item)
                if passenger is not None:
                    passenger.moves.append(
                        Move(row.kind, row.facility, row.station_id, row.operator, row.at, row.item_id)
                    )
    return found
