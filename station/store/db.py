"""The station database: one SQLite file in WAL mode shared by the journal, print queue, meter and outbox.

Everything that must happen together (an acceptance event, its postage debit, its print job, its SMS)
is written in one `transaction()`, so a crash leaves all of it or none of it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from station.errors import Fault


class JournalDamaged(Fault):
    """The database file fails SQLite's own check: the station will not write to it."""


class Database:
    """A SQLite connection with explicit write transactions.

    `synchronous=FULL` makes every commit reach the disk before the caller is told it happened: an
    acknowledged scan survives a killed process *and* a power cut. The connection is shared by the
    threads of one process behind a lock; other processes open their own `Database` on the same file.
    Opening for writing checks the file with SQLite's quick check (about 0.1 s for 100 MB); a file that
    fails the check is not written to. The schema is brought up to date by the composition root
    (`station.migrations.open_database`), which knows every table's owner: the database knows none.
    A new file is created readable by its owner only (it holds phone numbers and addresses); SQLite
    gives its -wal and -shm files the same mode.

    `read_only=True` opens the file for queries only: no lock is taken and nothing is migrated, so a
    look-up answers at once while another process writes, and works on a read-only copy.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        synchronous: str = "FULL",
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._depth = 0
        self.rollbacks = 0  # how many transactions rolled back: caches of committed state check it
        self._after_commit: list[Callable[[], None]] = []
        if read_only:
            self._conn = self._open_read_only()
            return
        if str(path) != ":memory:":
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30.0)
        self._conn.row_factory = sqlite3.Row
        try:
            verdict = self._conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise JournalDamaged(f"{self.path}: not a readable station database ({exc})") from None
        if verdict != "ok":
            self._conn.close()
            raise JournalDamaged(
                f"{self.path}: the database fails SQLite's quick check ({verdict}); the station will not"
                " write to it: keep the file for the record and restore the last backup"
            )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        self._conn.execute("PRAGMA foreign_keys=ON")

    def _open_read_only(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise FileNotFoundError(f"no station database at {self.path}")
        uri = self.path.resolve().as_uri()  # file:///... with every odd character escaped
        for options in ("mode=ro", "mode=ro&immutable=1"):  # immutable: a copy no one writes (no -shm)
            conn = sqlite3.connect(
                f"{uri}?{options}",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=1.0,
            )
            conn.row_factory = sqlite3.Row
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                conn.close()
                continue
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise JournalDamaged(f"{self.path}: not a readable station database ({exc})") from None
            return conn
        raise sqlite3.OperationalError(f"{self.path}: cannot be opened for reading")

    def check_integrity(self) -> list[str]:
        """SQLite's full integrity check (tables against their indexes): [] when the file is sound."""
        with self.reading() as conn:
            found = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
        return [] if found == ["ok"] else found

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE): commit on success, roll back on any exception.

        Nested use joins the outer transaction, so components can be composed freely.
        """
        if self.read_only:
            raise PermissionError(f"{self.path} is open for reading only")
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
            self._after_commit = []
            try:
                yield self._conn
            except BaseException:
                self._depth = 0
                self.rollbacks += 1
                self._after_commit = []
                self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self._conn.execute("COMMIT")
            callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction in progress has committed (never if it rolls back)."""
        if not self._depth:
            raise RuntimeError("after_commit needs a transaction in progress")
        self._after_commit.append(callback)

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Queries that all see one state of the database (a read transaction; joined when one is open).
        Without it each SELECT sees the database as it is at that moment, so two reads of a figure that
        another process changes in between (the meter's registers, then its log) disagree."""
        with self._lock:
            if self._depth:
                yield self._conn
                return
            self._conn.execute("BEGIN")
            self._depth = 1
            try:
                yield self._conn
            finally:
                self._depth = 0
                self._conn.execute("ROLLBACK")  # nothing was written: the snapshot ends

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


def in_chunks(values: list[str], size: int = 400) -> Iterator[tuple[list[str], str]]:
    """`values` in chunks few enough for SQLite's limit on host parameters, each with its `?,?,...`
    marks for an `IN (...)`."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))
