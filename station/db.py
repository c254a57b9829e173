"""The station database: one SQLite file in WAL mode shared by the journal, print queue, meter and outbox.

Everything that must happen together (an acceptance event, its postage debit, its print job, its SMS)
is written in one `transaction()`, so a crash leaves all of it or none of it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Database:
    """A SQLite connection with explicit write transactions.

    `synchronous=FULL` makes every commit reach the disk before the caller is told it happened: an
    acknowledged scan survives a killed process *and* a power cut. The connection is shared by the
    threads of one process behind a lock; other processes open their own `Database` on the same file.
    Opening brings the schema up to date (`station/migrations.py`).
    """

    def __init__(self, path: Path | str, *, synchronous: str = "FULL", migrate: bool = True) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30.0)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._depth = 0
        self.rollbacks = 0  # how many transactions rolled back: caches of committed state check it
        if migrate:
            from station.migrations import migrate as apply_migrations  # the migrations name every table

            apply_migrations(self)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE): commit on success, roll back on any exception.

        Nested use joins the outer transaction, so components can be composed freely.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._depth = 0
                self.rollbacks += 1
                self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for queries (held under the lock for the block)."""
        with self._lock:
            yield self._conn

    def close(self) -> None:
        """Close the connection (checkpointing the WAL where SQLite decides to)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def split_sql(ddl: str) -> list[str]:
    """Split a schema script into statements; triggers (BEGIN ... END;) stay whole."""
    statements: list[str] = []
    current = ""
    for line in ddl.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return [s for s in statements if s]
