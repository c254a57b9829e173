"""Customers' delivery choices, made on the hub's tracking page and kept at the stations that handle the
item: the owner of the `customer_choices` table.

A choice arrives by the station's sync (the hub hands each station the choices of the items it handled,
until the station says it holds them). The latest choice of an item is the one in force. A choice is
journalled (an event of kind `choice`) where it takes effect: by the station that holds the item when
the choice arrives, or else when the item is loaded for delivery there; the journalled event texts the
customer, when they follow the item, that it took.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from station.model.choices import CustomerChoice

SCHEMA_V22 = """
CREATE TABLE IF NOT EXISTS customer_choices (
    choice_id   INTEGER PRIMARY KEY,
    item_id     TEXT NOT NULL,
    choice      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    made_at     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    taken_event TEXT
);
CREATE INDEX IF NOT EXISTS customer_choices_by_item ON customer_choices (item_id, choice_id);
"""


def keep(conn: sqlite3.Connection, choices: list[CustomerChoice], at: datetime) -> int:
    """Store the choices the hub handed over (a choice already held is kept as it is); how many are new."""
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO customer_choices (choice_id, item_id, choice, detail, made_at, received_at)"
        " VALUES (?,?,?,?,?,?)",
        [
            (c.choice_id, c.item_id, c.choice, json.dumps(c.detail, sort_keys=True), c.made_at.isoformat(),
             at.isoformat())
            for c in choices
        ],
    )  # fmt: skip
    return conn.total_changes - before


def _of(row: sqlite3.Row | tuple[Any, ...]) -> CustomerChoice:
    return CustomerChoice(
        int(row[0]), str(row[1]), str(row[2]), datetime.fromisoformat(row[4]), json.loads(row[3])
    )


def in_force(conn: sqlite3.Connection, item_id: str) -> CustomerChoice | None:
    """The item's latest choice, or None."""
    row = conn.execute(
        "SELECT choice_id, item_id, choice, detail, made_at FROM customer_choices WHERE item_id = ?"
        " ORDER BY choice_id DESC LIMIT 1",
        (item_id,),
    ).fetchone()
    return _of(row) if row else None


def untaken(conn: sqlite3.Connection, item_id: str) -> list[CustomerChoice]:
    """The item's choices not journalled here yet, oldest first."""
    rows = conn.execute(
        "SELECT choice_id, item_id, choice, detail, made_at FROM customer_choices"
        " WHERE item_id = ? AND taken_event IS NULL ORDER BY choice_id",
        (item_id,),
    ).fetchall()
    return [_of(r) for r in rows]


def mark_taken(conn: sqlite3.Connection, choice_id: int, event_id: str) -> None:
    """The choice is journalled here by `event_id`."""
    conn.execute("UPDATE customer_choices SET taken_event = ? WHERE choice_id = ?", (event_id, choice_id))
