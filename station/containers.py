"""Sacks (receptacles) and what is in them, kept current inside every journal transaction.

An item scanned into a sack belongs to it until it is removed, scanned into another sack, or scanned
on its own for delivery. Sacks can be nested (a sack sorted into a bigger one). `apply` is installed
as a journal hook, so the contents table always agrees with the committed events.
"""

from __future__ import annotations

import sqlite3

from station.events import EventKind, StoredEvent
from station.status import ItemStatus, next_status

SCHEMA = """
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

_LEAVES_SACK = {
    EventKind.SACK_REMOVE,
    EventKind.OUT_FOR_DELIVERY,
    EventKind.DELIVERED,
    EventKind.ATTEMPTED,
    EventKind.RETURNED,
}
_SACK_STATE = {
    EventKind.SACK_CLOSE: "closed",
    EventKind.DISPATCH: "dispatched",
    EventKind.ARRIVAL: "arrived",
    EventKind.DELIVERY_OFFICE: "arrived",
}
_MAX_NESTING = 8


def apply(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    """Journal hook: update sack contents and item status for one committed-with-it event."""
    event = stored.event
    when = event.occurred_at.isoformat(timespec="microseconds")
    if event.kind is EventKind.SORT_IN and event.container_id:
        conn.execute(
            "INSERT INTO sack_contents (item_id, container_id, since, weight_g) VALUES (?,?,?,?) "
            "ON CONFLICT (item_id) DO UPDATE SET container_id=excluded.container_id, since=excluded.since,"
            " weight_g=excluded.weight_g",
            (event.item_id, event.container_id, when, event.weight_g),
        )
        conn.execute(
            "INSERT INTO sacks (container_id, state, facility, destination, changed_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT (container_id) DO NOTHING",
            (event.container_id, "open", event.facility, event.extra.get("destination"), when),
        )
    elif event.kind in _LEAVES_SACK:
        conn.execute("DELETE FROM sack_contents WHERE item_id = ?", (event.item_id,))
    state = _SACK_STATE.get(event.kind)
    if state is not None and is_sack(conn, event.item_id):
        conn.execute(
            "UPDATE sacks SET state=?, changed_at=? WHERE container_id=?", (state, when, event.item_id)
        )
        if event.kind is not EventKind.SACK_CLOSE:
            for item in contents_recursive(conn, event.item_id):
                _set_status(conn, item, ItemStatus.IN_TRANSIT, event.kind, when, event.facility)
        return
    _update_item(conn, stored, when)


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


def sack_state(conn: sqlite3.Connection, container_id: str) -> str | None:
    """open / closed / dispatched / arrived, or None for an unknown sack."""
    row = conn.execute("SELECT state FROM sacks WHERE container_id=?", (container_id,)).fetchone()
    return row[0] if row else None


def _update_item(conn: sqlite3.Connection, stored: StoredEvent, when: str) -> None:
    event = stored.event
    if event.kind.is_internal:
        return
    # An item's own scan sets its status outright (the state machine's flags are a tracking concern).
    status = next_status(event.kind)
    accepted = int(event.kind is EventKind.ACCEPTANCE)
    delivered = int(event.kind is EventKind.DELIVERED)
    conn.execute(
        "INSERT INTO item_status (item_id, status, last_kind, changed_at, facility, accepted, delivered)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT (item_id) DO UPDATE SET status=excluded.status,"
        " last_kind=excluded.last_kind, changed_at=excluded.changed_at, facility=excluded.facility,"
        " accepted=accepted+excluded.accepted, delivered=delivered+excluded.delivered",
        (event.item_id, str(status), str(event.kind), when, event.facility, accepted, delivered),
    )


def _set_status(
    conn: sqlite3.Connection, item_id: str, status: ItemStatus, kind: EventKind, when: str, facility: str
) -> None:
    conn.execute(
        "INSERT INTO item_status (item_id, status, last_kind, changed_at, facility) VALUES (?,?,?,?,?) "
        "ON CONFLICT (item_id) DO UPDATE SET status=excluded.status, last_kind=excluded.last_kind,"
        " changed_at=excluded.changed_at, facility=excluded.facility",
        (item_id, str(status), str(kind), when, facility),
    )
