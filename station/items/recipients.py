"""Who each accepted item is addressed to: the owner of the `recipients` table.

The address is personal data, so it is kept beside the journal, not inside it: the hash chain makes
journal events permanent, while an address must be correctable and erasable. It is written in the
acceptance's transaction, so an item the journal accepted always has its address. Customer service
searches it (name, ZIP, day) and the carrier's round shows it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

SCHEMA_V4 = """
CREATE TABLE IF NOT EXISTS recipients (
    item_id     TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    lines       TEXT NOT NULL,
    zip         TEXT,
    accepted_at TEXT NOT NULL,
    facility    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recipients_by_zip ON recipients (zip);
CREATE INDEX IF NOT EXISTS recipients_by_day ON recipients (accepted_at);
"""
MAX_HITS = 200


@dataclass(frozen=True, slots=True)
class Recipient:
    """An item's addressee, as the counter wrote it."""

    item_id: str
    name: str
    lines: tuple[str, ...]
    zip: str | None
    accepted_at: datetime
    facility: str

    @property
    def one_line(self) -> str:
        """The address on one line, for lists."""
        return ", ".join(self.lines)


# Version 23: the sender's address too, for the label of an item returned to its sender.
MIGRATE_V23 = "ALTER TABLE recipients ADD COLUMN sender TEXT"


def record(
    conn: sqlite3.Connection,
    item_id: str,
    lines: tuple[str, ...],
    zip_code: str | None,
    accepted_at: datetime,
    facility: str,
    name: str | None = None,
    sender: tuple[str, ...] = (),
) -> None:
    """Keep the address of an item being accepted (inside the acceptance's transaction). `name`: the
    addressee's, where it is not the first line (a Japanese address puts it last); `sender`: the
    sender's address lines, where an unclaimed item goes back to."""
    name = name.strip() if name else lines[0].strip() if lines else ""
    conn.execute(
        "INSERT INTO recipients (item_id, name, name_folded, lines, zip, accepted_at, facility, sender)"
        " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (item_id) DO NOTHING",
        (
            item_id,
            name,
            name.casefold(),
            json.dumps(list(lines), ensure_ascii=False),
            zip_code,
            accepted_at.astimezone(UTC).isoformat(timespec="microseconds"),
            facility,
            json.dumps(list(sender), ensure_ascii=False) if sender else None,
        ),
    )


def sender_of(conn: sqlite3.Connection, item_id: str) -> tuple[str, ...]:
    """The sender's address lines of an item accepted here (empty: not known here)."""
    row = conn.execute("SELECT sender FROM recipients WHERE item_id = ?", (item_id,)).fetchone()
    return tuple(json.loads(row[0])) if row and row[0] else ()


def of(conn: sqlite3.Connection, item_id: str) -> Recipient | None:
    """An item's addressee, or None (not accepted here, or accepted before addresses were kept)."""
    row = conn.execute(
        "SELECT item_id, name, lines, zip, accepted_at, facility FROM recipients WHERE item_id = ?",
        (item_id,),
    ).fetchone()
    return _recipient(row) if row else None


def search(
    conn: sqlite3.Connection,
    *,
    name: str | None = None,
    zip_code: str | None = None,
    between: tuple[datetime, datetime] | None = None,
    items: tuple[str, ...] | None = None,
) -> list[Recipient]:
    """Items whose addressee matches every criterion given (name: any part, case-folded; `between`: the
    acceptance time), newest first."""
    where, args = [], []
    if name:
        where.append("instr(name_folded, ?) > 0")
        args.append(name.casefold())
    if zip_code:
        where.append("zip = ?")
        args.append(zip_code)
    if between:  # accepted_at is written in UTC, so the bounds are compared as UTC text
        where.append("accepted_at >= ? AND accepted_at < ?")
        args += [moment.astimezone(UTC).isoformat(timespec="microseconds") for moment in between]
    if items is not None:
        where.append(f"item_id IN ({','.join('?' * len(items))})")
        args += list(items)
    sql = "SELECT item_id, name, lines, zip, accepted_at, facility FROM recipients"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(f"{sql} ORDER BY accepted_at DESC LIMIT {MAX_HITS}", args).fetchall()
    return [_recipient(row) for row in rows]


def _recipient(row: sqlite3.Row | tuple[object, ...]) -> Recipient:
    item_id, name, lines, zip_code, accepted_at, facility = tuple(row)
    return Recipient(
        str(item_id),
        str(name),
        tuple(json.loads(str(lines))),
        str(zip_code) if zip_code else None,
        datetime.fromisoformat(str(accepted_at)),
        str(facility),
    )
