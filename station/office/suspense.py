"""The suspense account: money the till cannot explain yet, held apart from the day until two people
clear it. The owner of the `suspense_entries` table.

The UK Post Office's Horizon system had no neutral place for a disputed amount: a shortfall became the
sub-postmaster's debt the day it appeared. Here a cash difference at the till's close (over or short)
and a disputed charge are opened as a suspense item with a case, shown on every report until cleared;
clearing needs a supervisor other than the one who opened it, and a reason. Entries are appended and
never changed or deleted (triggers refuse it), so the history of every item stays.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

SCHEMA_V17 = """
CREATE TABLE IF NOT EXISTS suspense_entries (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    item     INTEGER,                -- NULL for an opening; the opening's id for its clearing
    kind     TEXT NOT NULL,          -- cash-over | cash-short | disputed | cleared
    cents    INTEGER NOT NULL,       -- signed: over > 0, short < 0; a clearing repeats its item's
    subject  TEXT NOT NULL,          -- TILL-2026-11-02, or the item disputed
    reason   TEXT NOT NULL,
    case_id  INTEGER,
    at       TEXT NOT NULL,
    by       TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS suspense_cleared_once ON suspense_entries (item) WHERE item IS NOT NULL;
CREATE TRIGGER IF NOT EXISTS suspense_entries_kept BEFORE UPDATE ON suspense_entries
BEGIN SELECT RAISE(ABORT, 'a suspense entry is kept as it was'); END;
CREATE TRIGGER IF NOT EXISTS suspense_entries_not_deleted BEFORE DELETE ON suspense_entries
BEGIN SELECT RAISE(ABORT, 'a suspense entry is kept as it was'); END;
"""


class SuspenseKind(StrEnum):
    """Why money is in suspense."""

    CASH_OVER = "cash-over"
    CASH_SHORT = "cash-short"
    DISPUTED = "disputed"


@dataclass(frozen=True, slots=True)
class SuspenseItem:
    """One amount in (or once in) suspense."""

    id: int
    kind: str
    cents: int
    subject: str
    reason: str
    case_id: int | None
    opened_at: str
    opened_by: str
    cleared_at: str | None = None
    cleared_by: str | None = None
    cleared_because: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def open_item(
    conn: sqlite3.Connection,
    kind: SuspenseKind,
    cents: int,
    subject: str,
    reason: str,
    case_id: int | None,
    at: str,
    by: str,
) -> int:
    """An amount put in suspense (inside the caller's transaction)."""
    cur = conn.execute(
        "INSERT INTO suspense_entries (item, kind, cents, subject, reason, case_id, at, by)"
        " VALUES (NULL,?,?,?,?,?,?,?)",
        (kind, cents, subject, reason, case_id, at, by),
    )
    return int(cur.lastrowid or 0)


def clear(conn: sqlite3.Connection, item: SuspenseItem, reason: str, at: str, by: str) -> None:
    """The item cleared (a second entry; the opening stays as it was)."""
    conn.execute(
        "INSERT INTO suspense_entries (item, kind, cents, subject, reason, case_id, at, by)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (item.id, "cleared", item.cents, item.subject, reason, item.case_id, at, by),
    )


def items(conn: sqlite3.Connection, *, open_only: bool = False) -> list[SuspenseItem]:
    """Every suspense item with its clearing, oldest first."""
    rows = conn.execute(
        "SELECT o.id, o.kind, o.cents, o.subject, o.reason, o.case_id, o.at, o.by, c.at, c.by, c.reason"
        " FROM suspense_entries o LEFT JOIN suspense_entries c ON c.item = o.id"
        " WHERE o.item IS NULL ORDER BY o.id"
    ).fetchall()
    found = [SuspenseItem(*tuple(r)) for r in rows]
    return [i for i in found if i.cleared_at is None] if open_only else found


def get(conn: sqlite3.Connection, item_id: int) -> SuspenseItem | None:
    """One suspense item."""
    return next((i for i in items(conn) if i.id == item_id), None)
