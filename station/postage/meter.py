"""The postage meter's registers, kept as real meters keep them.

Descending register: funds still available. Ascending register: postage used so far. Piece count.
Control sum: ascending + descending must always equal the total ever credited. Every operation checks
it first; a mismatch locks the meter (no more postage) until a technician inspects it. A debit happens
inside the caller's transaction, so postage is charged exactly when the acceptance it pays for is
committed -- a crash between the two charges nothing and loses nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from station.errors import Fault
from station.model.clock import utc_now
from station.postage.rates import money
from station.store.db import Database

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


def migrate_v3(conn: sqlite3.Connection) -> None:
    """Schema 3: each meter's registers carry a MAC keyed by the meter's key (which is not in the database),
    so registers edited in place are caught. Registers from before are sealed by `station meter init`."""
    conn.execute("ALTER TABLE meter_registers ADD COLUMN mac TEXT")


def migrate_v7(conn: sqlite3.Connection) -> None:
    """Schema 7: each line of the meter's log says when (the till's close reads a day's lines)."""
    conn.execute("ALTER TABLE meter_log ADD COLUMN at TEXT")


@dataclass(frozen=True)
class LogLine:
    """One line of a meter's log: what happened and the registers after it."""

    kind: str
    cents: int
    piece: int | None
    descending: int
    ascending: int
    at: str | None


def log_lines(conn: sqlite3.Connection, meter_id: str) -> list[LogLine]:
    """The meter's whole log, oldest first."""
    rows = conn.execute(
        "SELECT kind, cents, piece, descending, ascending, at FROM meter_log WHERE meter_id = ? ORDER BY id",
        (meter_id,),
    )
    return [LogLine(str(r[0]), int(r[1]), r[2], int(r[3]), int(r[4]), r[5]) for r in rows]


class MeterError(Fault):
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
    """One meter's registers in the station database.

    With `mac_key` (derived from the meter's signing key, which lives outside the database) every change
    writes a MAC of the registers and every operation checks it first: registers edited in place lock the
    meter. Without it (tests of the register arithmetic alone) there is no MAC.
    """

    def __init__(
        self,
        db: Database,
        meter_id: str,
        mac_key: bytes | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.meter_id = meter_id
        self.mac_key = mac_key
        self.clock = clock  # each line of the log says when: the till's day is read from it
        if db.read_only:
            return
        with db.transaction() as conn:
            created = conn.execute(
                "INSERT INTO meter_registers (meter_id, descending, ascending, pieces, total_credited,"
                " locked) VALUES (?, 0, 0, 0, 0, NULL) ON CONFLICT (meter_id) DO NOTHING",
                (meter_id,),
            ).rowcount
            if created and mac_key is not None:
                self._seal(conn)

    def seal(self) -> Registers:
        """Write the MAC of the registers as they are (the explicit step after inspecting them)."""
        if self.mac_key is None:
            raise MeterError("sealing the registers needs the meter's key")
        with self.db.transaction() as conn:
            self._seal(conn)
            return self._read(conn)

    def _mac(self, r: Registers) -> str:
        assert self.mac_key is not None
        text = f"{r.meter_id}|{r.descending}|{r.ascending}|{r.pieces}|{r.total_credited}"
        return hmac.new(self.mac_key, text.encode(), hashlib.sha256).hexdigest()

    def _seal(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE meter_registers SET mac = ? WHERE meter_id = ?",
            (self._mac(self._read(conn)), self.meter_id),
        )

    def registers(self) -> Registers:
        """The current registers."""
        with self.db.reading() as conn:
            return self._read(conn)

    def credit(self, cents: int) -> Registers:
        """Add funds (a postage purchase)."""
        return self._fund("credit", cents, None)

    def refund(self, cents: int, piece: int) -> Registers:
        """Postage of a voided piece given back (inside the caller's transaction). As real meters keep
        it, the ascending register (postage printed) never goes down: the refund is a line of its own
        that adds to the funds and to the total credited, so the control sum still holds."""
        return self._fund("refund", cents, piece)

    def _fund(self, kind: str, cents: int, piece: int | None) -> Registers:
        """Funds in (a credit, or a voided piece's refund): descending and total credited grow alike."""
        if cents <= 0:
            raise MeterError(f"a {kind} must be a positive amount")
        with self._locking_on_failure(), self.db.transaction() as conn:
            r = self._checked(conn)
            conn.execute(
                "UPDATE meter_registers SET descending = descending + ?, total_credited = total_credited + ?"
                " WHERE meter_id = ?",
                (cents, cents, self.meter_id),
            )
            self._log(conn, kind, cents, piece, r.descending + cents, r.ascending)
            if self.mac_key is not None:
                self._seal(conn)
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
            if self.mac_key is not None:
                self._seal(conn)
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
        if self.mac_key is not None:
            stored = conn.execute(
                "SELECT mac FROM meter_registers WHERE meter_id = ?", (self.meter_id,)
            ).fetchone()[0]
            if stored is None:
                raise MeterError(
                    f"meter {self.meter_id}'s registers are not sealed yet: run `station meter init`"
                )
            if not hmac.compare_digest(stored, self._mac(r)):
                raise _ControlSumFailed(
                    "the registers do not match their MAC: they were edited outside the station"
                )
        return r

    def ensure_sound(self) -> Registers:
        """Check the registers in a transaction of their own: a failure locks the meter for good (a check
        inside a caller's transaction would roll its own lock back with the refused operation)."""
        with self._locking_on_failure(), self.db.transaction() as conn:
            return self._checked(conn)

    def check(self) -> str | None:
        """None when the registers are sound (control sum and, with the key, MAC); else what is wrong."""
        with self.db.reading() as conn:
            try:
                self._checked(conn)
            except (_ControlSumFailed, MeterError) as exc:
                return str(exc)
        return None

    def _read(self, conn: sqlite3.Connection) -> Registers:
        row = conn.execute(
            "SELECT meter_id, descending, ascending, pieces, total_credited, locked FROM meter_registers"
            " WHERE meter_id = ?",
            (self.meter_id,),
        ).fetchone()
        if row is None:
            return Registers(self.meter_id, 0, 0, 0, 0, None)
        return Registers(row[0], row[1], row[2], row[3], row[4], row[5])

    def _log(
        self, conn: sqlite3.Connection, kind: str, cents: int, piece: int | None, desc: int, asc: int
    ) -> None:
        conn.execute(
            "INSERT INTO meter_log (meter_id, kind, cents, piece, descending, ascending, at)"
            " VALUES (?,?,?,?,?,?,?)",
            (self.meter_id, kind, cents, piece, desc, asc, self.clock().isoformat()),
        )

    def lock(self, reason: str) -> None:
        """Lock the meter (control sum failure or tampering)."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE meter_registers SET locked = ? WHERE meter_id = ?", (reason, self.meter_id))


class _ControlSumFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
