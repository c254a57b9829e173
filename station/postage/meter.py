"""The postage meter's registers, kept as real meters keep them.

Descending register: funds still available. Ascending register: postage used so far. Piece count.
Control sum: ascending + descending must always equal the total ever credited. Every operation checks
it first; a mismatch locks the meter (no more postage) until a technician inspects it. A debit happens
inside the caller's transaction, so postage is charged exactly when the acceptance it pays for is
committed -- a crash between the two charges nothing and loses nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from station.db import Database
from station.postage.rates import money

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meter_registers (
    meter_id       TEXT PRIMARY KEY,
    descending     INTEGER NOT NULL,
    ascending      INTEGER NOT NULL,
    pieces         INTEGER NOT NULL,
    total_credited INTEGER NOT NULL,
    locked         TEXT
);
CREATE TABLE IF NOT EXISTS meter_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    meter_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    cents      INTEGER NOT NULL,
    piece      INTEGER,
    descending INTEGER NOT NULL,
    ascending  INTEGER NOT NULL
);
"""


class MeterError(RuntimeError):
    """A meter operation refused; the message is for the clerk."""


class InsufficientFunds(MeterError):
    """The descending register cannot pay for this piece."""


class MeterLocked(MeterError):
    """The control sum failed; the meter must be inspected."""


@dataclass(frozen=True)
class Registers:
    """A meter's state."""

    meter_id: str
    descending: int
    ascending: int
    pieces: int
    total_credited: int
    locked: str | None

    @property
    def control_ok(self) -> bool:
        """Ascending + descending equals everything ever credited."""
        return self.ascending + self.descending == self.total_credited


class Meter:
    """One meter's registers in the station database."""

    def __init__(self, db: Database, meter_id: str) -> None:
        self.db = db
        self.meter_id = meter_id
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO meter_registers VALUES (?, 0, 0, 0, 0, NULL) ON CONFLICT (meter_id) DO NOTHING",
                (meter_id,),
            )

    def registers(self) -> Registers:
        """The current registers."""
        with self.db.reading() as conn:
            return self._read(conn)

    def credit(self, cents: int) -> Registers:
        """Add funds (a postage purchase)."""
        if cents <= 0:
            raise MeterError("a credit must be a positive amount")
        with self._locking_on_failure(), self.db.transaction() as conn:
            r = self._checked(conn)
            conn.execute(
                "UPDATE meter_registers SET descending = descending + ?, total_credited = total_credited + ?"
                " WHERE meter_id = ?",
                (cents, cents, self.meter_id),
            )
            self._log(conn, "credit", cents, None, r.descending + cents, r.ascending)
            return self._read(conn)

    def debit(self, cents: int) -> int:
        """Charge one piece (inside the caller's transaction); returns its piece serial number."""
        if cents <= 0:
            raise MeterError("postage must be a positive amount")
        with self._locking_on_failure(), self.db.transaction() as conn:
            r = self._checked(conn)
            if cents > r.descending:
                raise InsufficientFunds(
                    f"meter {self.meter_id} has {money(r.descending)}, the piece needs {money(cents)}"
                )
            piece = r.pieces + 1
            conn.execute(
                "UPDATE meter_registers SET descending = descending - ?, ascending = ascending + ?,"
                " pieces = ? WHERE meter_id = ?",
                (cents, cents, piece, self.meter_id),
            )
            self._log(conn, "debit", cents, piece, r.descending - cents, r.ascending + cents)
            return piece

    @contextmanager
    def _locking_on_failure(self) -> Iterator[None]:
        # The refused operation rolls back; the lock is then written on its own. (Inside a caller's
        # transaction the lock rolls back with it, but the control sum still fails next time.)
        try:
            yield
        except _ControlSumFailed as exc:
            self.lock(exc.reason)
            raise MeterLocked(f"meter {self.meter_id} locked: {exc.reason}") from None

    def _checked(self, conn: sqlite3.Connection) -> Registers:
        r = self._read(conn)
        if r.locked:
            raise MeterLocked(f"meter {self.meter_id} is locked: {r.locked}")
        if not r.control_ok:
            reason = (
                f"control sum failed: ascending {r.ascending} + descending {r.descending}"
                f" != credited {r.total_credited}"
            )
            raise _ControlSumFailed(reason)
        return r

    def _read(self, conn: sqlite3.Connection) -> Registers:
        row = conn.execute("SELECT * FROM meter_registers WHERE meter_id = ?", (self.meter_id,)).fetchone()
        return Registers(row[0], row[1], row[2], row[3], row[4], row[5])

    def _log(
        self, conn: sqlite3.Connection, kind: str, cents: int, piece: int | None, desc: int, asc: int
    ) -> None:
        conn.execute(
            "INSERT INTO meter_log (meter_id, kind, cents, piece, descending, ascending)"
            " VALUES (?,?,?,?,?,?)",
            (self.meter_id, kind, cents, piece, desc, asc),
        )

    def lock(self, reason: str) -> None:
        """Lock the meter (control sum failure or tampering)."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE meter_registers SET locked = ? WHERE meter_id = ?", (reason, self.meter_id))


class _ControlSumFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
