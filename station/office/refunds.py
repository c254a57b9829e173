"""Money given back to a customer for a voided piece they had paid for: the owner of the `refunds` table.

A paid piece voided at the counter is refunded the way it was paid: a cash basket's piece in cash out
of the drawer, a card basket's piece to the card, with the card terminal's refund reference (never a
card number). The till counts each refund against its method, so the cash the drawer should hold is
the day's cash payments less its cash refunds.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from station.errors import Refused
from station.office.baskets import CARD_REF_MAX, Payment

SCHEMA_V15 = """
CREATE TABLE IF NOT EXISTS refunds (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    TEXT NOT NULL UNIQUE,
    basket_id  INTEGER,
    method     TEXT NOT NULL,
    cents      INTEGER NOT NULL CHECK (cents > 0),
    card_ref   TEXT,
    at         TEXT NOT NULL,
    operator   TEXT NOT NULL,
    supervisor TEXT
);
"""

_CARD_REF = re.compile(rf"^[A-Za-z0-9-]{{4,{CARD_REF_MAX}}}$")
_CARD_NUMBER = re.compile(r"^\d{13,19}$")


class RefundRefused(Refused):
    """How the customer is to be paid back is missing, malformed or not the way they paid."""


@dataclass(frozen=True, slots=True)
class HowRefunded:
    """Cash from the drawer, or to the card with the terminal's refund reference."""

    method: Payment
    card_ref: str | None = None

    @classmethod
    def parse(cls, text: str) -> HowRefunded:
        """`cash` or `card:REF`; RefundRefused in words otherwise."""
        method, _, ref = text.strip().partition(":")
        if method.lower() == "cash" and not ref:
            return cls(Payment.CASH)
        if method.lower() == "card":
            ref = ref.strip()
            if _CARD_NUMBER.match(ref.replace(" ", "")):
                raise RefundRefused("that looks like a card number: type the terminal's refund reference")
            if _CARD_REF.match(ref):
                return cls(Payment.CARD, ref)
            raise RefundRefused(f"card refund: card:REF, REF 4 to {CARD_REF_MAX} letters, digits or '-'")
        raise RefundRefused("refund: cash, or card:REF (the card terminal's refund reference)")

    @property
    def words(self) -> str:
        return "in cash" if self.method is Payment.CASH else f"to the card, ref {self.card_ref}"


@dataclass(frozen=True, slots=True)
class Refund:
    """One refund as the till reads it."""

    item_id: str
    method: Payment
    cents: int
    card_ref: str | None
    at: str


def record(
    conn: sqlite3.Connection,
    item_id: str,
    basket_id: int | None,
    how: HowRefunded,
    cents: int,
    at: str,
    operator: str,
    supervisor: str | None,
) -> None:
    """The refund (inside the void's transaction); an item is refunded once at most."""
    conn.execute(
        "INSERT INTO refunds (item_id, basket_id, method, cents, card_ref, at, operator, supervisor)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (item_id, basket_id, how.method, cents, how.card_ref, at, operator, supervisor),
    )


def refunded_from(conn: sqlite3.Connection, basket_id: int, method: str) -> int:
    """Cents given back so far from a basket's payment by `method` (inside the caller's transaction)."""
    row = conn.execute(
        "SELECT coalesce(sum(cents), 0) FROM refunds WHERE basket_id = ? AND method = ?", (basket_id, method)
    ).fetchone()
    return int(row[0])


def between(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[Refund]:
    """The refunds given from `start` (inclusive) to `end` (exclusive)."""
    rows = conn.execute("SELECT item_id, method, cents, card_ref, at FROM refunds ORDER BY id").fetchall()
    found = [Refund(str(r[0]), Payment(r[1]), int(r[2]), r[3], str(r[4])) for r in rows]
    return [r for r in found if start <= datetime.fromisoformat(r.at) < end]
