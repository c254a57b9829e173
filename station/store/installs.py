"""Which versions of the program have opened this journal, and since when (the `program_versions` table).

After an upgrade the IT person and the maintainer can see what wrote the journal before (`station doctor`
shows it): a journal opened by 0.1.0 for a year and by 0.2.0 since Tuesday tells where to look first.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from importlib import metadata

SCHEMA_V11 = """
CREATE TABLE IF NOT EXISTS program_versions (
    version TEXT PRIMARY KEY,
    first_opened TEXT NOT NULL
);
"""
DISTRIBUTION = "parcel-station"
SINCE_SCHEMA = 11


def this_version() -> str:
    """The installed program's version ("unknown" when run from a source tree that was never installed)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def record(conn: sqlite3.Connection, at: datetime, version: str | None = None) -> None:
    """Note that `version` opened the journal (the first time only)."""
    conn.execute(
        "INSERT OR IGNORE INTO program_versions (version, first_opened) VALUES (?, ?)",
        (version or this_version(), at.isoformat(timespec="seconds")),
    )


def history(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(version, first opened), oldest first."""
    return [
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT version, first_opened FROM program_versions ORDER BY first_opened, version"
        )
    ]
