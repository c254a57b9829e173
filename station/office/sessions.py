"""Who is signed in at a station's command line: the owner of the `operator_sessions` table.

Once a station has operators, every act it journals names an operator who proved who they are. At the
window that is the sign-in screen; at the command line it is `station signin NAME` (the PIN from a
prompt or standard input), which starts a short session: a random token kept in a file only the
station's user may read, its SHA-256 here. The session ends at `station signout`, or once it has been
idle for the window's lock time. A token file copied or made up names no session: it proves nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta

SCHEMA_V18 = """
CREATE TABLE IF NOT EXISTS operator_sessions (
    token_hash TEXT PRIMARY KEY,
    operator   TEXT NOT NULL,
    started_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at   TEXT
);
"""


def token_hash(token: str) -> str:
    """What the table keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(conn: sqlite3.Connection, operator: str, token: str, now: datetime, idle: timedelta) -> None:
    """A new session for `operator` (any other session of theirs stays as it is)."""
    conn.execute(
        "INSERT INTO operator_sessions (token_hash, operator, started_at, expires_at) VALUES (?,?,?,?)",
        (token_hash(token), operator, now.isoformat(), (now + idle).isoformat()),
    )


def operator_of(
    conn: sqlite3.Connection, token: str, now: datetime, idle: timedelta, *, extend: bool = True
) -> str | None:
    """The operator a live session belongs to, its idle time started again; None for a session that
    ended, ran out or never was."""
    row = conn.execute(
        "SELECT operator, expires_at, ended_at FROM operator_sessions WHERE token_hash = ?",
        (token_hash(token),),
    ).fetchone()
    if row is None or row[2] is not None or now >= datetime.fromisoformat(row[1]):
        return None
    if not extend:
        return str(row[0])
    conn.execute(
        "UPDATE operator_sessions SET expires_at = ? WHERE token_hash = ?",
        ((now + idle).isoformat(), token_hash(token)),
    )
    return str(row[0])


def end(conn: sqlite3.Connection, token: str, now: datetime) -> str | None:
    """The session ended; whose it was (None when there was none live)."""
    row = conn.execute(
        "SELECT operator FROM operator_sessions WHERE token_hash = ? AND ended_at IS NULL",
        (token_hash(token),),
    ).fetchone()
    conn.execute(
        "UPDATE operator_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
        (now.isoformat(), token_hash(token)),
    )
    return None if row is None else str(row[0])
