"""Pickup codes: the owner of the `pickup_codes` table.

A notice card left at the door, an item put on the office's pickup shelf or in a parcel locker gets a
6-digit code: printed on the card (whoever holds the card may collect, with ID), texted to the
addressee's opted-in numbers. Like the delivery PIN it is kept as an HMAC under a key in the keys
folder, never in clear, and three wrong codes lock it (at the counter a signature with ID is then
needed; at a locker the item goes back to the office). A new code for an item replaces its old one.
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

SCHEMA_V23 = """
CREATE TABLE IF NOT EXISTS pickup_codes (
    item_id   TEXT PRIMARY KEY,
    code_mac  TEXT NOT NULL,
    state     TEXT NOT NULL,
    wrong     INTEGER NOT NULL DEFAULT 0,
    issued_at TEXT NOT NULL
);
"""
KEY_FILE = "pickup-code.key"
MAX_WRONG = 3
DIGITS = 6


class CodeState(StrEnum):
    """Where an item's pickup code stands."""

    ISSUED = "issued"
    USED = "used"
    LOCKED = "locked"  # three wrong codes


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """The answer to a typed pickup code."""

    ok: bool
    state: CodeState | None
    left: int
    reason: str = ""


def _mac(keys: Path, item_id: str, code: str) -> str:
    return hmac.new(
        secret_key(keys, KEY_FILE), f"pickup|{item_id}|{code}".encode(), hashlib.sha256
    ).hexdigest()


def issue(conn: sqlite3.Connection, keys: Path, item_id: str, at: str) -> str:
    """A new code for the item (replacing any earlier one); the caller prints or texts it."""
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    conn.execute(
        "INSERT INTO pickup_codes (item_id, code_mac, state, wrong, issued_at) VALUES (?,?,?,0,?)"
        " ON CONFLICT (item_id) DO UPDATE SET code_mac = excluded.code_mac, state = excluded.state,"
        " wrong = 0, issued_at = excluded.issued_at",
        (item_id, _mac(keys, item_id, code), CodeState.ISSUED, at),
    )
    return code


def state_of(conn: sqlite3.Connection, item_id: str) -> CodeState | None:
    """The item's code state (None: no code was ever made for it)."""
    row = conn.execute("SELECT state FROM pickup_codes WHERE item_id = ?", (item_id,)).fetchone()
    return CodeState(row[0]) if row else None


def check(conn: sqlite3.Connection, keys: Path, item_id: str, code: str) -> CodeCheck:
    """Compare a typed code (inside the caller's transaction: a wrong one counts either way)."""
    row = conn.execute(
        "SELECT code_mac, state, wrong FROM pickup_codes WHERE item_id = ?", (item_id,)
    ).fetchone()
    if row is None:
        return CodeCheck(False, None, 0, f"{item_id} has no pickup code: check ID and take a signature")
    mac, state, wrong = str(row[0]), CodeState(row[1]), int(row[2])
    if state is CodeState.LOCKED:
        return CodeCheck(
            False, state, 0, f"{MAX_WRONG} wrong codes were given: check ID and take a signature"
        )
    if state is CodeState.USED:
        return CodeCheck(False, state, 0, "this code was used already")
    typed = "".join(code.split())
    if len(typed) == DIGITS and typed.isdigit() and hmac.compare_digest(mac, _mac(keys, item_id, typed)):
        conn.execute("UPDATE pickup_codes SET state = ? WHERE item_id = ?", (CodeState.USED, item_id))
        return CodeCheck(True, CodeState.USED, MAX_WRONG - wrong)
    wrong += 1
    state = CodeState.LOCKED if wrong >= MAX_WRONG else CodeState.ISSUED
    conn.execute("UPDATE pickup_codes SET wrong = ?, state = ? WHERE item_id = ?", (wrong, state, item_id))
    if state is CodeState.LOCKED:
        return CodeCheck(False, state, 0, f"wrong code, {MAX_WRONG} in all: the code is locked")
    left = MAX_WRONG - wrong
    return CodeCheck(False, state, left, f"wrong code: {left} more {'try' if left == 1 else 'tries'}")


def matches(conn: sqlite3.Connection, keys: Path, item_id: str, code: str) -> bool:
    """Whether `code` is the item's issued code, counting nothing (a locker's keypad tries a code against
    each of its doors and keeps its own count of wrong codes)."""
    row = conn.execute("SELECT code_mac, state FROM pickup_codes WHERE item_id = ?", (item_id,)).fetchone()
    typed = "".join(code.split())
    if (
        row is None
        or CodeState(row[1]) is not CodeState.ISSUED
        or not (len(typed) == DIGITS and typed.isdigit())
    ):
        return False
    return hmac.compare_digest(str(row[0]), _mac(keys, item_id, typed))


def use(conn: sqlite3.Connection, item_id: str) -> None:
    """The code did its work: it opens nothing again."""
    conn.execute("UPDATE pickup_codes SET state = ? WHERE item_id = ?", (CodeState.USED, item_id))
