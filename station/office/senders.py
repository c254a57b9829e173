"""Known senders: the owner of the `senders` table.

Business customers and people who send often are kept at the station, each with the lines of their
address (their name first), an account for a business, and how often and when they last sent, so the
counter offers the most used first as the clerk types. It is personal data of the station's own, never
pushed to the hub.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

SCHEMA_V26 = """
CREATE TABLE IF NOT EXISTS senders (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    lines       TEXT NOT NULL,
    folded      TEXT NOT NULL UNIQUE,  -- the lines case-folded: "ACME WIDGETS" is Acme Widgets
    account     TEXT,
    business    INTEGER NOT NULL DEFAULT 0,
    added_at    TEXT NOT NULL,
    last_used   TEXT,
    uses        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS senders_by_account ON senders (account);
"""
MAX_HITS = 20


@dataclass(frozen=True, slots=True)
class Sender:
    """One known sender."""

    id: int
    lines: tuple[str, ...]
    account: str | None
    business: bool
    uses: int

    @property
    def name(self) -> str:
        """The first line: who sends."""
        return self.lines[0] if self.lines else ""

    @property
    def one_line(self) -> str:
        """The address on one line, for lists and completions."""
        return ", ".join(self.lines)


def _folded(lines: tuple[str, ...]) -> str:
    return json.dumps([" ".join(line.split()).casefold() for line in lines], ensure_ascii=False)


def add(
    conn: sqlite3.Connection,
    lines: tuple[str, ...],
    at: datetime,
    *,
    account: str | None = None,
    business: bool = False,
) -> Sender:
    """Keep a sender (the same name and address again, in any case: the one kept, its account added if it
    had none)."""
    name = lines[0]
    conn.execute(
        "INSERT INTO senders (name, name_folded, lines, folded, account, business, added_at)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT (folded) DO UPDATE SET"
        " account = coalesce(senders.account, excluded.account),"
        " business = max(senders.business, excluded.business)",
        (
            name,
            name.casefold(),
            json.dumps(list(lines), ensure_ascii=False),
            _folded(lines),
            account,
            int(business),
            at.isoformat(),
        ),
    )
    row = conn.execute(
        "SELECT id, lines, account, business, uses FROM senders WHERE folded = ?", (_folded(lines),)
    ).fetchone()
    return _sender(row)


def find(conn: sqlite3.Connection, text: str, limit: int = MAX_HITS) -> list[Sender]:
    """Senders whose name holds `text` (any case) or whose account is `text`; the most used first."""
    wanted = text.strip()
    rows = conn.execute(
        "SELECT id, lines, account, business, uses FROM senders"
        " WHERE instr(name_folded, ?) > 0 OR account = ? ORDER BY uses DESC, last_used DESC, name LIMIT ?",
        (wanted.casefold(), wanted, limit),
    ).fetchall()
    return [_sender(r) for r in rows]


def everyone(conn: sqlite3.Connection) -> list[Sender]:
    """Every known sender, the most used first."""
    rows = conn.execute(
        "SELECT id, lines, account, business, uses FROM senders ORDER BY uses DESC, last_used DESC, name"
    ).fetchall()
    return [_sender(r) for r in rows]


def used(conn: sqlite3.Connection, lines: tuple[str, ...], at: datetime) -> None:
    """A piece was accepted from this sender (if known): offered sooner next time."""
    if lines:
        conn.execute(
            "UPDATE senders SET uses = uses + 1, last_used = ? WHERE folded = ?",
            (at.isoformat(), _folded(lines)),
        )


def _sender(row: sqlite3.Row | tuple[object, ...]) -> Sender:
    ident, lines, account, business, uses = tuple(row)
    return Sender(
        int(str(ident)),
        tuple(json.loads(str(lines))),
        str(account) if account else None,
        bool(business),
        int(str(uses)),
    )
