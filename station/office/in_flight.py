"""Counter transactions in flight: the owner of the `in_flight` table.

Horizon left transactions in an unknown state after a failure. Here each acceptance, payment and void
is written down before it starts (its own committed transaction), marked finished inside the very
transaction that does it, and settled once its answer was given. A station killed at any moment
leaves a row that says which: not finished (the work rolled back: nothing was charged, paid or
voided) or finished and never answered (it happened, and the clerk may not know). The next start
lists them (`station recover`, the window, `station till report`) and prints a recovery receipt
where a customer may have paid.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from station.model.localtime import shown_text
from station.store.db import Database
from station.store.faults import kill_point

SCHEMA_V20 = """
CREATE TABLE IF NOT EXISTS in_flight (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,      -- acceptance | payment | void
    subject         TEXT NOT NULL,      -- the item, or the basket
    basket_id       INTEGER,
    operator        TEXT NOT NULL,
    pid             INTEGER NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,               -- set inside the transaction that did the work
    outcome         TEXT,
    settled_at      TEXT,               -- the answer was given (or the stop was reported)
    settled_how     TEXT
);
CREATE INDEX IF NOT EXISTS in_flight_unsettled ON in_flight (settled_at) WHERE settled_at IS NULL;
"""


@dataclass(frozen=True, slots=True)
class Flight:
    """One transaction that was in flight when its station stopped."""

    id: int
    kind: str
    subject: str
    basket_id: int | None
    operator: str
    started_at: str
    finished_at: str | None
    outcome: str | None

    @property
    def committed(self) -> bool:
        return self.finished_at is not None

    def line(self, zone_name: str) -> str:
        """What became of it, in words, the verdict first (a banner cut short still says it), at the
        station's local time."""
        what = f"{self.kind} of {self.subject} by {self.operator} at {shown_text(self.started_at, zone_name)}"
        if self.committed:
            return f"DONE before the stop: {what} ({self.outcome}); its answer was never shown"
        return f"NOT DONE: {what}; nothing of it was recorded (do it again)"


def begin(
    conn: sqlite3.Connection, kind: str, subject: str, basket_id: int | None, operator: str, at: datetime
) -> int:
    """A transaction about to start (commit this before it starts)."""
    cur = conn.execute(
        "INSERT INTO in_flight (kind, subject, basket_id, operator, pid, started_at) VALUES (?,?,?,?,?,?)",
        (kind, subject, basket_id, operator, os.getpid(), at.isoformat()),
    )
    return int(cur.lastrowid or 0)


def finish(conn: sqlite3.Connection, flight_id: int, outcome: str, at: datetime) -> None:
    """Marked finished inside the transaction that did the work (so it commits with it, or not at all)."""
    conn.execute(
        "UPDATE in_flight SET finished_at = ?, outcome = ? WHERE id = ?",
        (at.isoformat(), outcome[:300], flight_id),
    )


def settle(conn: sqlite3.Connection, flight_id: int, how: str, at: datetime) -> None:
    """Its answer was given (or, after a stop, it was reported)."""
    conn.execute(
        "UPDATE in_flight SET settled_at = ?, settled_how = ? WHERE id = ? AND settled_at IS NULL",
        (at.isoformat(), how, flight_id),
    )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stopped(conn: sqlite3.Connection) -> list[Flight]:
    """Transactions left unsettled by a process that is no longer running: stopped in flight."""
    rows = conn.execute(
        "SELECT id, kind, subject, basket_id, operator, pid, started_at, finished_at, outcome FROM in_flight"
        " WHERE settled_at IS NULL ORDER BY id"
    ).fetchall()
    return [
        Flight(int(r[0]), str(r[1]), str(r[2]), r[3], str(r[4]), str(r[6]), r[7], r[8])
        for r in rows
        if not _alive(int(r[5]))
    ]


@contextmanager
def tracked(
    db: Database, kind: str, subject: str, basket_id: int | None, operator: str, clock: Callable[[], datetime]
) -> Iterator[Callable[[sqlite3.Connection, str], None]]:
    """Around one counter transaction: written down before it starts; the `mark(conn, outcome)` it
    yields is called inside the transaction that does the work; settled once the block is over (a
    refusal or an exception settles it as nothing done). A SIGKILL anywhere leaves it unsettled."""
    with db.transaction() as conn:
        flight = begin(conn, kind, subject, basket_id, operator, clock())
    marked = False

    def mark(conn: sqlite3.Connection, outcome: str) -> None:
        nonlocal marked
        finish(conn, flight, outcome, clock())
        marked = True
        kill_point(f"{kind}:before-commit")

    try:
        yield mark
    except BaseException:
        with db.transaction() as conn:
            settle(conn, flight, "failed: rolled back, nothing done", clock())
        raise
    if marked:
        kill_point(f"{kind}:after-commit")
    with db.transaction() as conn:
        settle(conn, flight, "answered" if marked else "refused: nothing done", clock())
