"""What this station has pushed to its hub: the owner of the `hub_sync` table, and the hub's port.

Scans are acknowledged after the local commit; the hub is told afterwards, in order, in batches. The
station remembers the last of its events the hub confirmed holding (`pushed_seq`), and since when the
hub has been out of reach, so the operator sees "hub: offline since 14:02, 312 waiting". The hub is
reached through `HubPort` (PostgreSQL in `hub/`): the domain never opens a socket.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from station.network.port import (
    HubHead,
    Outgoing,
)
from station.store import journal
from station.store.journal import GENESIS, hashed_body

SCHEMA_V5 = """
CREATE TABLE IF NOT EXISTS hub_sync (
    station_id    TEXT PRIMARY KEY,
    pushed_seq    INTEGER NOT NULL DEFAULT 0,
    pushed_hash   TEXT NOT NULL,
    last_ok       TEXT,
    offline_since TEXT,
    last_problem  TEXT
);
"""


@dataclass(frozen=True, slots=True)
class SyncState:
    """This station's push state."""

    pushed_seq: int
    pushed_hash: str
    last_ok: datetime | None
    offline_since: datetime | None
    last_problem: str | None


def state(conn: sqlite3.Connection, station_id: str) -> SyncState:
    """The push state (nothing pushed yet for a new station)."""
    row = conn.execute(
        "SELECT pushed_seq, pushed_hash, last_ok, offline_since, last_problem FROM hub_sync"
        " WHERE station_id = ?",
        (station_id,),
    ).fetchone()
    if row is None:
        return SyncState(0, GENESIS, None, None, None)
    seq, digest, ok, since, problem = tuple(row)
    return SyncState(
        int(seq),
        str(digest),
        datetime.fromisoformat(ok) if ok else None,
        datetime.fromisoformat(since) if since else None,
        problem,
    )


def record_pushed(conn: sqlite3.Connection, station_id: str, head: HubHead, at: datetime) -> None:
    """The hub confirmed holding up to `head`."""
    conn.execute(
        "INSERT INTO hub_sync (station_id, pushed_seq, pushed_hash, last_ok, offline_since, last_problem)"
        " VALUES (?,?,?,?,NULL,NULL) ON CONFLICT (station_id) DO UPDATE SET pushed_seq=excluded.pushed_seq,"
        " pushed_hash=excluded.pushed_hash, last_ok=excluded.last_ok, offline_since=NULL, last_problem=NULL",
        (station_id, head.last_seq, head.last_hash, at.isoformat()),
    )


def record_offline(conn: sqlite3.Connection, station_id: str, at: datetime, problem: str) -> None:
    """The hub could not be reached (or refused): since when, and why."""
    conn.execute(
        "INSERT INTO hub_sync (station_id, pushed_hash, offline_since, last_problem) VALUES (?,?,?,?)"
        " ON CONFLICT (station_id) DO UPDATE SET offline_since=coalesce(hub_sync.offline_since,"
        " excluded.offline_since), last_problem=excluded.last_problem",
        (station_id, GENESIS, at.isoformat(), problem),
    )


def waiting(conn: sqlite3.Connection, station_id: str, after_seq: int) -> int:
    """How many of this station's events the hub does not hold yet."""
    return journal.count_after(conn, station_id, after_seq)


def last_own(conn: sqlite3.Connection, station_id: str) -> HubHead:
    """This station's own last event (its claim to the hub)."""
    last = journal.last_seq_and_hash(conn, station_id)
    return HubHead(*last) if last else HubHead(0, GENESIS)


def hash_at(conn: sqlite3.Connection, station_id: str, seq: int) -> str | None:
    """The hash of this station's event `seq` (None when it has none: a truncated journal)."""
    if seq == 0:
        return GENESIS
    return journal.hash_of(conn, station_id, seq)


def outgoing(conn: sqlite3.Connection, station_id: str, after_seq: int, limit: int) -> list[Outgoing]:
    """The next events to push, in order, each with the exact body its hash covers."""
    rows = journal.pushed_rows_after(conn, station_id, after_seq, limit, Outgoing._fields)
    found = [Outgoing._make(r) if r[-1] == "{}" else _canonical_extra(Outgoing._make(r)) for r in rows]
    if any(o.body is None for o in found):  # events journalled before schema 5 kept no body
        by_seq = journal.bodies_after(conn, station_id, after_seq, limit)
        found = [o if o.body is not None else o._replace(body=by_seq[o.seq]) for o in found]
    return found


def _canonical_extra(row: Outgoing) -> Outgoing:
    """The row with `extra` written as the body has it (the journal stores it with spaces)."""
    return row._replace(extra=hashed_body(None, json.loads(row.extra)))
