"""A customer's visit at the counter: the owner of the `baskets` and `basket_lines` tables.

A basket holds the pieces accepted for one customer (each one charged to the meter and labelled as
it is added, as counters do), one total and one payment: cash (tendered, change given), card (the
terminal's reference, typed or scanned; no card data is ever kept), or split: part by card, the rest
in cash. A line taken out before payment
is voided on the spot with no one's say-so; after payment a void needs a supervisor. A basket left
unpaid cannot be forgotten: one whose last piece was taken out closes itself (`empty`), and one with
pieces still unpaid is abandoned only under a supervisor, its pieces voided.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from station.store.db import in_chunks

SCHEMA_V7 = """
CREATE TABLE IF NOT EXISTS baskets (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    opened_at     TEXT NOT NULL,
    operator      TEXT NOT NULL,
    state         TEXT NOT NULL,
    method        TEXT,
    total_cents   INTEGER NOT NULL DEFAULT 0,
    tendered      INTEGER,
    change_cents  INTEGER,
    card_ref      TEXT,
    paid_at       TEXT
);
CREATE TABLE IF NOT EXISTS basket_lines (
    basket_id INTEGER NOT NULL REFERENCES baskets (id),
    item_id   TEXT NOT NULL,
    service   TEXT NOT NULL,
    cents     INTEGER NOT NULL,
    removed   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (basket_id, item_id)
);
CREATE INDEX IF NOT EXISTS basket_lines_by_item ON basket_lines (item_id);
"""
# Split tender (schema 21): the part paid by card; the rest of the total is cash (tendered, change given).
MIGRATE_V21 = "ALTER TABLE baskets ADD COLUMN card_cents INTEGER"
CARD_REF_MAX = 32


class BasketState(StrEnum):
    """Where a visit stands."""

    OPEN = "open"
    PAID = "paid"
    ABANDONED = "abandoned"
    EMPTY = "empty"  # closed with nothing in it: its pieces were all taken out, or it never had any


class Payment(StrEnum):
    """How the customer paid."""

    CASH = "cash"
    CARD = "card"
    SPLIT = "split"  # part by card, the rest in cash


@dataclass(frozen=True, slots=True)
class Line:
    """One piece in a basket."""

    item_id: str
    service: str
    cents: int
    removed: bool


@dataclass(frozen=True, slots=True)
class Basket:
    """A basket and its lines."""

    id: int
    operator: str
    state: BasketState
    opened_at: str
    lines: tuple[Line, ...]
    method: Payment | None
    tendered: int | None
    change_cents: int | None
    card_ref: str | None
    paid_at: str | None
    card_cents: int | None = None  # a split payment's card part

    @property
    def paid_by(self) -> dict[Payment, int]:
        """The paid total by the way it came in: cash and card (a split basket has both)."""
        if self.method is Payment.SPLIT:
            card = self.card_cents or 0
            return {Payment.CASH: self.total_cents - card, Payment.CARD: card}
        return {self.method: self.total_cents} if self.method is not None else {}

    @property
    def total_cents(self) -> int:
        """What the lines still in the basket cost."""
        return sum(line.cents for line in self.lines if not line.removed)

    @property
    def live_lines(self) -> tuple[Line, ...]:
        """The lines not taken out."""
        return tuple(line for line in self.lines if not line.removed)


def open_basket(conn: sqlite3.Connection, operator: str, at: str) -> int:
    """A new, empty, open basket."""
    cur = conn.execute(
        "INSERT INTO baskets (opened_at, operator, state) VALUES (?,?,?)", (at, operator, BasketState.OPEN)
    )
    return int(cur.lastrowid or 0)


def get(conn: sqlite3.Connection, basket_id: int) -> Basket | None:
    """The basket, with its lines in the order they were added."""
    row = conn.execute(
        "SELECT id, operator, state, opened_at, method, tendered, change_cents, card_ref, paid_at, card_cents"
        " FROM baskets WHERE id = ?",
        (basket_id,),
    ).fetchone()
    if row is None:
        return None
    lines = tuple(
        Line(str(r[0]), str(r[1]), int(r[2]), bool(r[3]))
        for r in conn.execute(
            "SELECT item_id, service, cents, removed FROM basket_lines WHERE basket_id = ? ORDER BY rowid",
            (basket_id,),
        )
    )
    return Basket(
        int(row[0]),
        str(row[1]),
        BasketState(row[2]),
        str(row[3]),
        lines,
        Payment(row[4]) if row[4] else None,
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
    )


def add_line(conn: sqlite3.Connection, basket_id: int, item_id: str, service: str, cents: int) -> None:
    """A piece accepted into the basket (inside the acceptance's transaction)."""
    conn.execute(
        "INSERT INTO basket_lines (basket_id, item_id, service, cents) VALUES (?,?,?,?)",
        (basket_id, item_id, service, cents),
    )


def remove_line(conn: sqlite3.Connection, basket_id: int, item_id: str) -> bool:
    """The line taken out (False when it is not a live line of this basket)."""
    return (
        conn.execute(
            "UPDATE basket_lines SET removed = 1 WHERE basket_id = ? AND item_id = ? AND removed = 0",
            (basket_id, item_id),
        ).rowcount
        == 1
    )


def basket_of(conn: sqlite3.Connection, item_id: str) -> Basket | None:
    """The basket an item was accepted into, if any."""
    row = conn.execute(
        "SELECT basket_id FROM basket_lines WHERE item_id = ? ORDER BY rowid DESC LIMIT 1", (item_id,)
    ).fetchone()
    return get(conn, int(row[0])) if row else None


def record_payment(
    conn: sqlite3.Connection,
    basket_id: int,
    method: Payment,
    at: str,
    *,
    tendered: int | None = None,
    change: int | None = None,
    card_ref: str | None = None,
    card_cents: int | None = None,
    total: int,
) -> bool:
    """The basket paid (inside the caller's transaction); False when it was not open any more (paid
    by someone else in between): the caller must not take the money twice."""
    done = conn.execute(
        "UPDATE baskets SET state = ?, method = ?, total_cents = ?, tendered = ?, change_cents = ?,"
        " card_ref = ?, card_cents = ?, paid_at = ? WHERE id = ? AND state = ?",
        (
            BasketState.PAID,
            method,
            total,
            tendered,
            change,
            card_ref,
            card_cents,
            at,
            basket_id,
            BasketState.OPEN,
        ),
    )
    return done.rowcount == 1


def abandon(conn: sqlite3.Connection, basket_id: int) -> bool:
    """An open basket given up (its pieces are voided by the caller); False when it was not open."""
    done = conn.execute(
        "UPDATE baskets SET state = ? WHERE id = ? AND state = ?",
        (BasketState.ABANDONED, basket_id, BasketState.OPEN),
    )
    return done.rowcount == 1


def close_if_empty(conn: sqlite3.Connection, basket_id: int | None = None) -> list[int]:
    """Open baskets with no piece left in them closed (`empty`): one, or every one. The ids closed."""
    where = (
        "state = ? AND NOT EXISTS (SELECT 1 FROM basket_lines l WHERE l.basket_id = baskets.id"
        " AND l.removed = 0)"
    )
    args: tuple[object, ...] = (BasketState.OPEN,)
    if basket_id is not None:
        where += " AND id = ?"
        args += (basket_id,)
    closed = [int(r[0]) for r in conn.execute(f"SELECT id FROM baskets WHERE {where}", args)]
    if closed:
        conn.execute(f"UPDATE baskets SET state = '{BasketState.EMPTY}' WHERE {where}", args)
    return closed


def open_baskets(conn: sqlite3.Connection) -> list[int]:
    """Baskets not paid yet."""
    return [int(r[0]) for r in conn.execute("SELECT id FROM baskets WHERE state = ?", (BasketState.OPEN,))]


def paid_items(conn: sqlite3.Connection, items: list[str]) -> set[str]:
    """Those of `items` that are a live line of a paid basket."""
    found: set[str] = set()
    for chunk, marks in in_chunks(items):
        rows = conn.execute(
            "SELECT l.item_id FROM basket_lines l JOIN baskets b ON b.id = l.basket_id"
            f" WHERE l.removed = 0 AND b.state = ? AND l.item_id IN ({marks})",
            (BasketState.PAID, *chunk),
        )
        found.update(str(r[0]) for r in rows)
    return found


def paid_between(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[Basket]:
    """Baskets paid in [start, end), for the till."""
    rows = conn.execute("SELECT id, paid_at FROM baskets WHERE state = ? ORDER BY id", (BasketState.PAID,))
    ids = [int(r[0]) for r in rows.fetchall() if start <= datetime.fromisoformat(r[1]) < end]
    found = [get(conn, basket_id) for basket_id in ids]
    return [b for b in found if b is not None]
