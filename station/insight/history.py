"""The journal read as history: every item's movements in time order, sack scans given to the items inside.

A depot scans sacks, not items: a dispatched sack carries sixty parcels. The reports, the delivery
estimates and the export all need the items' own journeys, so `timelines` replays the journal once
(which item was in which sack when, nested sacks included, the same rules `containers` applies to the
live tables) and gives each item every scan of a sack it was in, named `via` that sack.

This module only reads the `events` table; it owns none.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, Protocol

from station.model.events import MOVES, EventKind, KindFacts, Membership
from station.model.rows import Row
from station.store import journal
from station.store.db import Database

_MAX_NESTING = 8


def rows(conn: sqlite3.Connection, since: datetime | None = None, until: datetime | None = None) -> list[Row]:
    """The journal's events from `since` (inclusive) to `until` (exclusive), in time order."""
    return journal.history_rows(conn, since, until)


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
    voided: bool = False  # its label was voided: sold and taken back, never carried

    @property
    def delivered_at(self) -> datetime | None:
        """The first delivered scan, if any."""
        return next((m.at for m in self.moves if m.kind == EventKind.DELIVERED), None)

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


_MOVE_FACTS: dict[str, KindFacts] = {kind: kind.facts for kind in MOVES}  # looked up by a row's text


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
        if row.kind == EventKind.VOID and row.item_id in found:
            found[row.item_id].voided = True
        facts = _MOVE_FACTS.get(row.kind)
        if facts is None:
            continue
        line = found.get(row.item_id)
        if row.kind == EventKind.ACCEPTANCE and line is None:
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
