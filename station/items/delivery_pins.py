"""PIN on delivery: the owner of the `delivery_pins` table.

For an item accepted with "PIN on delivery", loading it on the round makes a 4-digit code and texts
it to the recipient (only to a number that opted in; the text names the item's last characters and
nothing else). The carrier types the code the recipient tells them; three wrong codes and the item
needs a signature instead. The code is never shown to the carrier, never logged and never kept in
clear: the station keeps an HMAC of it under a key in the keys folder (not in the database, so a
copied database does not give the codes away), and the outbox's copy of the text is blanked as soon
as the gateway has taken it. Attempts are rows in the database: they survive a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from station.paths import secret_key

SCHEMA_V7 = """
CREATE TABLE IF NOT EXISTS delivery_pins (
    item_id   TEXT PRIMARY KEY,
    code_mac  TEXT,
    state     TEXT NOT NULL,
    wrong     INTEGER NOT NULL DEFAULT 0,
    issued_at TEXT NOT NULL
);
"""
KEY_FILE = "delivery-pin.key"
MAX_WRONG = 3
TEMPLATE = "delivery_pin"


class PinState(StrEnum):
    """Where an item's delivery code stands."""

    ISSUED = "issued"  # texted to the recipient: the carrier asks for it
    UNSENT = "unsent"  # nobody opted in to receive it: a signature is needed
    USED = "used"  # the right code was given: delivered
    LOCKED = "locked"  # three wrong codes: a signature is needed


@dataclass(frozen=True, slots=True)
class PinCheck:
    """The answer to a typed code."""

    ok: bool
    state: PinState
    left: int
    reason: str = ""


def _mac(keys: Path, item_id: str, code: str) -> str:
    return hmac.new(secret_key(keys, KEY_FILE), f"{item_id}|{code}".encode(), hashlib.sha256).hexdigest()


def state_of(conn: sqlite3.Connection, item_id: str) -> PinState | None:
    """The item's code state (None: the item is not delivered by PIN, or not loaded yet)."""
    row = conn.execute("SELECT state FROM delivery_pins WHERE item_id = ?", (item_id,)).fetchone()
    return PinState(row[0]) if row else None


def issue(conn: sqlite3.Connection, keys: Path, item_id: str, at: str, *, sendable: bool) -> str | None:
    """A new code for the item (the caller texts it); None when nobody can receive it (UNSENT)."""
    if not sendable:
        conn.execute(
            "INSERT INTO delivery_pins (item_id, state, issued_at) VALUES (?,?,?) ON CONFLICT (item_id)"
            " DO NOTHING",
            (item_id, PinState.UNSENT, at),
        )
        return None
    if state_of(conn, item_id) in (PinState.ISSUED, PinState.USED, PinState.LOCKED):
        return None  # loaded again after an attempt: the code already texted still holds
    code = f"{secrets.randbelow(10_000):04d}"
    conn.execute(
        "INSERT INTO delivery_pins (item_id, code_mac, state, issued_at) VALUES (?,?,?,?)"
        " ON CONFLICT (item_id) DO UPDATE SET code_mac = excluded.code_mac, state = excluded.state",
        (item_id, _mac(keys, item_id, code), PinState.ISSUED, at),
    )
    return code


def check(conn: sqlite3.Connection, keys: Path, item_id: str, code: str) -> PinCheck:
    """Compare a typed code (inside the caller's transaction; a wrong one counts either way)."""
    row = conn.execute(
        "SELECT code_mac, state, wrong FROM delivery_pins WHERE item_id = ?", (item_id,)
    ).fetchone()
    if row is None:
        return PinCheck(False, PinState.UNSENT, 0, f"{item_id} is not delivered by PIN: take a signature")
    mac, state, wrong = str(row[0] or ""), PinState(row[1]), int(row[2])
    if state is PinState.LOCKED:
        return PinCheck(False, state, 0, f"{MAX_WRONG} wrong codes were given: take a signature")
    if state is not PinState.ISSUED:
        return PinCheck(False, state, 0, "no code was texted for this item: take a signature")
    typed = code.strip()
    if len(typed) == 4 and typed.isdigit() and hmac.compare_digest(mac, _mac(keys, item_id, typed)):
        conn.execute("UPDATE delivery_pins SET state = ? WHERE item_id = ?", (PinState.USED, item_id))
        return PinCheck(True, PinState.USED, MAX_WRONG - wrong)
    wrong += 1
    state = PinState.LOCKED if wrong >= MAX_WRONG else PinState.ISSUED
    conn.execute("UPDATE delivery_pins SET wrong = ?, state = ? WHERE item_id = ?", (wrong, state, item_id))
    if state is PinState.LOCKED:
        return PinCheck(False, state, 0, f"wrong code, {MAX_WRONG} in all: take a signature now")
    left = MAX_WRONG - wrong
    return PinCheck(False, state, left, f"wrong code: {left} more {'try' if left == 1 else 'tries'}")
