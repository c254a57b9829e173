"""Sacks (receptacles), what is in them, and each item's current status, kept by a journal hook.

The owner of the `sacks`, `sack_contents` and `item_status` tables: they are caches of the journal,
updated inside every journal transaction by `apply`, so they always agree with the committed events.
What a kind does to them comes from `KIND_FACTS`: an item scanned into a sack belongs to it until a
kind that makes it leave (removal, out for delivery, delivery...) or a sort into another sack; a sack
scanned with a kind that has a sack state moves to that state, and a travelling sack moves its items.
Sacks can be nested (a sack sorted into a bigger one).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from station.model.events import Event, EventKind, Membership, StoredEvent
from station.model.states import ItemStatus, SackState
from station.store import journal
from station.store.db import in_chunks

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS sack_contents (
    item_id      TEXT PRIMARY KEY,
    container_id TEXT NOT NULL,
    since        TEXT NOT NULL,
    weight_g     INTEGER
);
CREATE INDEX IF NOT EXISTS sack_contents_by_container ON sack_contents (container_id);
CREATE TABLE IF NOT EXISTS sacks (
    container_id TEXT PRIMARY KEY,
    state        TEXT NOT NULL,
    facility     TEXT NOT NULL,
    destination  TEXT,
    changed_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS item_status (
    item_id     TEXT PRIMARY KEY,
    status      TEXT NOT NULL,
    last_kind   TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    facility    TEXT NOT NULL,
    accepted    INTEGER NOT NULL DEFAULT 0,
    delivered   INTEGER NOT NULL DEFAULT 0
);
"""
_MAX_NESTING = 8


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """What the station knows of an item now."""

    status: ItemStatus
    facility: str
    accepted: int  # how many acceptances (more than one is a duplicate)
    delivered: int
    destination_zip: str | None


@dataclass(frozen=True, slots=True)
class SackRecord:
    """A sack now."""

    container_id: str
    state: SackState
    facility: str
    destination: str | None
    items: int  # ids directly inside (items and inner sacks)
    weight_g: int


def apply(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    """Journal hook: update sack contents, sack state and item status for one event."""
    event = stored.event
    facts = event.kind.facts
    when = event.occurred_at.isoformat(timespec="microseconds")
    if facts.membership is Membership.ENTERS and event.container_id:
        conn.execute(
            "INSERT INTO sack_contents (item_id, container_id, since, weight_g) VALUES (?,?,?,?) "
            "ON CONFLICT (item_id) DO UPDATE SET container_id=excluded.container_id, since=excluded.since,"
            " weight_g=excluded.weight_g",
            (event.item_id, event.container_id, when, _weight_of(conn, event)),
        )
        _open_sack(conn, event.container_id, event.facility, event.extra.get("destination"), when)
    elif facts.membership is Membership.LEAVES:
        conn.execute("DELETE FROM sack_contents WHERE item_id = ?", (event.item_id,))
    if event.kind is EventKind.SACK_OPEN:
        _open_sack(conn, event.item_id, event.facility, event.extra.get("destination"), when)
        return
    if facts.sack_state is not None and facts.applies_to.takes_sacks() and is_sack(conn, event.item_id):
        conn.execute(
            "UPDATE sacks SET state=?, changed_at=? WHERE container_id=?",
            (facts.sack_state, when, event.item_id),
        )
        if facts.moves_contents:
            for item in contents_recursive(conn, event.item_id):
                _set_status(conn, item, ItemStatus.IN_TRANSIT, event.kind, when, event.facility)
        return
    if facts.item_status is not None and facts.applies_to.takes_items():
        _update_item(conn, stored, facts.item_status, when)
    if event.kind is EventKind.CHOICE and event.extra.get("routing_zip"):
        # A redirect: the item is a forward for its new office, sorted by that office's ZIP from now on.
        conn.execute(
            "UPDATE item_status SET destination_zip = ? WHERE item_id = ?",
            (str(event.extra["routing_zip"]), event.item_id),
        )


def _weight_of(conn: sqlite3.Connection, event: Event) -> int | None:
    """The weight an item adds to its sack: weighed at this scan, else as weighed at its acceptance."""
    if event.weight_g is not None:
        return event.weight_g
    return journal.acceptance_weight_g(conn, event.item_id)


def _open_sack(conn: sqlite3.Connection, sack: str, facility: str, destination: object, when: str) -> None:
    conn.execute(
        "INSERT INTO sacks (container_id, state, facility, destination, changed_at) VALUES (?,?,?,?,?) "
        "ON CONFLICT (container_id) DO NOTHING",
        (sack, SackState.OPEN, facility, str(destination) if destination else None, when),
    )


def is_sack(conn: sqlite3.Connection, container_id: str) -> bool:
    """True when this id has been used as a sack."""
    return conn.execute("SELECT 1 FROM sacks WHERE container_id=?", (container_id,)).fetchone() is not None


def contents(conn: sqlite3.Connection, container_id: str) -> list[str]:
    """Ids directly in the sack now (items and inner sacks)."""
    rows = conn.execute(
        "SELECT item_id FROM sack_contents WHERE container_id=? ORDER BY since", (container_id,)
    ).fetchall()
    return [r[0] for r in rows]


def contents_recursive(conn: sqlite3.Connection, container_id: str) -> list[str]:
    """Every item in the sack, inner sacks opened (inner sack ids themselves excluded)."""
    out: list[str] = []
    frontier, seen = [container_id], {container_id}
    for _ in range(_MAX_NESTING):
        nxt: list[str] = []
        for sack in frontier:
            for child in contents(conn, sack):
                if child in seen:
                    continue
                seen.add(child)
                (nxt if is_sack(conn, child) else out).append(child)
        if not nxt:
            break
        frontier = nxt
    return out


def sack_of(conn: sqlite3.Connection, item_id: str) -> str | None:
    """The sack the item is in now, if any."""
    row = conn.execute("SELECT container_id FROM sack_contents WHERE item_id=?", (item_id,)).fetchone()
    return row[0] if row else None


def sack_state(conn: sqlite3.Connection, container_id: str) -> SackState | None:
    """The sack's state, or None for an id never used as a sack."""
    row = conn.execute("SELECT state FROM sacks WHERE container_id=?", (container_id,)).fetchone()
    return SackState(row[0]) if row else None


def last_kind_in(conn: sqlite3.Connection, items: list[str], kinds: tuple[EventKind, ...]) -> set[str]:
    """Those of `items` whose last scan is one of `kinds`."""
    found: set[str] = set()
    kind_marks = ",".join("?" * len(kinds))
    for chunk, marks in in_chunks(items):
        rows = conn.execute(
            f"SELECT item_id FROM item_status WHERE item_id IN ({marks}) AND last_kind IN ({kind_marks})",
            (*chunk, *kinds),
        )
        found.update(str(r[0]) for r in rows)
    return found


def sacks_in(conn: sqlite3.Connection, state: SackState) -> list[str]:
    """Every sack in `state` (few: the open sacks of a bench, say)."""
    return [str(r[0]) for r in conn.execute("SELECT container_id FROM sacks WHERE state = ?", (state,))]


def sack_record(conn: sqlite3.Connection, container_id: str) -> SackRecord | None:
    """The sack with its count and weight as the journal holds them, or None for an unknown sack."""
    row = conn.execute(
        "SELECT s.state, s.facility, s.destination, count(c.item_id), coalesce(sum(c.weight_g), 0)"
        " FROM sacks s LEFT JOIN sack_contents c ON c.container_id = s.container_id"
        " WHERE s.container_id=? GROUP BY s.container_id",
        (container_id,),
    ).fetchone()
    if row is None:
        return None
    return SackRecord(container_id, SackState(row[0]), row[1], row[2], int(row[3]), int(row[4]))


def item_record(conn: sqlite3.Connection, item_id: str) -> ItemRecord | None:
    """The item's current status, or None for an item never scanned on its own."""
    row = conn.execute(
        "SELECT status, facility, accepted, delivered, destination_zip FROM item_status WHERE item_id=?",
        (item_id,),
    ).fetchone()
    if row is None:
        return None
    return ItemRecord(ItemStatus(row[0]), row[1], int(row[2]), int(row[3]), row[4])


def _update_item(conn: sqlite3.Connection, stored: StoredEvent, status: ItemStatus, when: str) -> None:
    event = stored.event
    accepted = int(event.kind is EventKind.ACCEPTANCE)
    delivered = int(event.kind is EventKind.DELIVERED)
    destination = None
    if accepted:
        destination = event.extra.get("routing_zip") or event.extra.get("destination_zip")
    conn.execute(
        "INSERT INTO item_status (item_id, status, last_kind, changed_at, facility, accepted, delivered,"
        " destination_zip) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (item_id) DO UPDATE SET"
        " status=excluded.status, last_kind=excluded.last_kind, changed_at=excluded.changed_at,"
        " facility=excluded.facility, accepted=accepted+excluded.accepted,"
        " delivered=delivered+excluded.delivered,"
        " destination_zip=coalesce(item_status.destination_zip, excluded.destination_zip)",
        (event.item_id, status, event.kind, when, event.facility, accepted, delivered, destination),
    )


def _set_status(
    conn: sqlite3.Connection, item_id: str, status: ItemStatus, kind: EventKind, when: str, facility: str
) -> None:
    conn.execute(
        "INSERT INTO item_status (item_id, status, last_kind, changed_at, facility) VALUES (?,?,?,?,?) "
        "ON CONFLICT (item_id) DO UPDATE SET status=excluded.status, last_kind=excluded.last_kind,"
        " changed_at=excluded.changed_at, facility=excluded.facility",
        (item_id, status, kind, when, facility),
    )
