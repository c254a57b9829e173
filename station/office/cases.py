"""Customer-service cases: the owner of the `cases` and `case_notes` tables.

A case is an inquiry or a dispute about one item (not delivered, damaged, wrong address, signature
disputed), with its notes, a state (open, waiting for someone, resolved) and a time it is due by.
Opening one also journals the item's note or dispute event, so the item's history says so.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

SCHEMA_V8 = """
CREATE TABLE IF NOT EXISTS cases (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    state     TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    due_at    TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX IF NOT EXISTS cases_by_item ON cases (item_id);
CREATE INDEX IF NOT EXISTS cases_by_state ON cases (state, due_at);
CREATE TABLE IF NOT EXISTS case_notes (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at      TEXT NOT NULL,
    author  TEXT NOT NULL,
    note    TEXT NOT NULL
);
"""


class CaseKind(StrEnum):
    """What the customer came about."""

    INQUIRY = "inquiry"
    NOT_DELIVERED = "not-delivered"
    DAMAGED = "damaged"
    WRONG_ADDRESS = "wrong-address"
    SIGNATURE_DISPUTED = "signature-disputed"
    SUSPENSE = "suspense"  # money held in the suspense account (a till difference, a disputed charge)

    @property
    def words(self) -> str:
        """The kind as a person says it ("not delivered", "signature disputed")."""
        return CASE_KIND_WORDS.get(self, self.value.replace("-", " "))

    @property
    def is_dispute(self) -> bool:
        """Anything but a plain inquiry is a dispute (journalled as one); a suspense case is the till's."""
        return self not in (CaseKind.INQUIRY, CaseKind.SUSPENSE)


CASE_KIND_WORDS = {
    CaseKind.INQUIRY: "inquiry (where is it?)",
    CaseKind.SUSPENSE: "money in suspense",
}


class CaseState(StrEnum):
    """Where a case stands."""

    OPEN = "open"
    WAITING = "waiting"  # for the customer, the depot, the carrier
    RESOLVED = "resolved"


# How long each kind may take before it is overdue (working practice of postal customer service).
DUE_AFTER: dict[CaseKind, timedelta] = {
    CaseKind.INQUIRY: timedelta(days=2),
    CaseKind.NOT_DELIVERED: timedelta(days=5),
    CaseKind.DAMAGED: timedelta(days=10),
    CaseKind.WRONG_ADDRESS: timedelta(days=3),
    CaseKind.SIGNATURE_DISPUTED: timedelta(days=10),
    CaseKind.SUSPENSE: timedelta(days=7),
}


@dataclass(frozen=True, slots=True)
class CaseNote:
    """One note on a case."""

    at: str
    author: str
    note: str


@dataclass(frozen=True, slots=True)
class Case:
    """A case and its notes."""

    id: int
    item_id: str
    kind: CaseKind
    state: CaseState
    opened_at: str
    opened_by: str
    due_at: str
    closed_at: str | None
    notes: tuple[CaseNote, ...]

    def overdue(self, now: datetime) -> bool:
        """Not resolved and past its due time."""
        return self.state is not CaseState.RESOLVED and datetime.fromisoformat(self.due_at) < now


def open_case(
    conn: sqlite3.Connection, item_id: str, kind: CaseKind, note: str, author: str, now: datetime
) -> int:
    """A new open case with its first note."""
    cur = conn.execute(
        "INSERT INTO cases (item_id, kind, state, opened_at, opened_by, due_at) VALUES (?,?,?,?,?,?)",
        (item_id, kind, CaseState.OPEN, now.isoformat(), author, (now + DUE_AFTER[kind]).isoformat()),
    )
    case_id = int(cur.lastrowid or 0)
    add_note(conn, case_id, note, author, now)
    return case_id


def add_note(conn: sqlite3.Connection, case_id: int, note: str, author: str, now: datetime) -> None:
    """A note on the case."""
    conn.execute(
        "INSERT INTO case_notes (case_id, at, author, note) VALUES (?,?,?,?)",
        (case_id, now.isoformat(), author, note),
    )


def set_state(conn: sqlite3.Connection, case_id: int, state: CaseState, now: datetime) -> None:
    """Move the case (resolved: closed now)."""
    conn.execute(
        "UPDATE cases SET state = ?, closed_at = ? WHERE id = ?",
        (state, now.isoformat() if state is CaseState.RESOLVED else None, case_id),
    )


def get(conn: sqlite3.Connection, case_id: int) -> Case | None:
    """The case with its notes, oldest first."""
    row = conn.execute(
        "SELECT id, item_id, kind, state, opened_at, opened_by, due_at, closed_at FROM cases WHERE id = ?",
        (case_id,),
    ).fetchone()
    if row is None:
        return None
    notes = tuple(
        CaseNote(str(r[0]), str(r[1]), str(r[2]))
        for r in conn.execute(
            "SELECT at, author, note FROM case_notes WHERE case_id = ? ORDER BY id", (case_id,)
        )
    )
    return Case(
        int(row[0]),
        str(row[1]),
        CaseKind(row[2]),
        CaseState(row[3]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        row[7],
        notes,
    )


def listing(conn: sqlite3.Connection, *, open_only: bool = False, item_id: str | None = None) -> list[Case]:
    """Cases, the soonest due first (open and waiting ones only with `open_only`)."""
    sql, args = "SELECT id FROM cases WHERE 1=1", list[str]()
    if open_only:
        sql += " AND state != ?"
        args.append(CaseState.RESOLVED)
    if item_id is not None:
        sql += " AND item_id = ?"
        args.append(item_id)
    ids = [int(r[0]) for r in conn.execute(sql + " ORDER BY due_at, id", args)]
    return [c for c in (get(conn, i) for i in ids) if c is not None]
