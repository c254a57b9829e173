"""Print jobs in the station database: queued -> sending -> printed (or retried, or failed).

A job is written (in the caller's transaction if it has one, e.g. with the acceptance scan) before any
byte goes to a printer. Jobs for one printer go out strictly in order: the oldest unfinished job
blocks the ones behind it, so a printer that was out of paper prints the waiting labels in the order
they were made. A job found in `sending` after a crash is marked `uncertain` instead of being sent
again: a raw printer cannot say whether it printed, and printing a postage label twice is worse than
asking the operator (a reprint is an explicit action and the new label says REPRINT).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from station.model.clock import utc_now
from station.model.states import PrintJobState
from station.store.db import Database

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS print_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    printer     TEXT NOT NULL,
    format      TEXT NOT NULL,
    payload     BLOB NOT NULL,
    description TEXT NOT NULL,
    item_id     TEXT,
    source      TEXT,
    reprint_of  INTEGER REFERENCES print_jobs (id),
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    next_try_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS print_jobs_open ON print_jobs (printer, state, id);
"""


JobState = PrintJobState  # the print queue's name for it
OPEN_STATES = (JobState.QUEUED, JobState.SENDING)


@dataclass(frozen=True)
class PrintJob:
    """One stored job."""

    id: int
    printer: str
    format: str
    payload: bytes
    description: str
    item_id: str | None
    source: dict[str, Any] | None
    reprint_of: int | None
    state: JobState
    attempts: int
    last_error: str | None
    created_at: str
    next_try_at: str


class PrintQueue:
    """The queue over the station database."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self.clock = clock

    def recover_after_crash(self) -> list[int]:
        """Jobs left `sending` by a process that died: mark them `uncertain` for the operator."""
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT id FROM print_jobs WHERE state = ?", (JobState.SENDING,)).fetchall()
            self._set(
                conn, [r[0] for r in rows], JobState.UNCERTAIN, "interrupted while sending: check the printer"
            )
        return [r[0] for r in rows]

    def enqueue(
        self,
        printer: str,
        payload: bytes,
        format: str,
        description: str,
        *,
        item_id: str | None = None,
        source: dict[str, Any] | None = None,
        reprint_of: int | None = None,
    ) -> int:
        """Store a job and return its id (inside the caller's `db.transaction()` when there is one)."""
        if not payload:
            raise ValueError("refusing an empty print job")
        now = self._now()
        with self.db.transaction() as tx:
            cur = tx.execute(
                "INSERT INTO print_jobs (printer, format, payload, description, item_id, source, reprint_of,"
                " state, created_at, updated_at, next_try_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    printer,
                    format,
                    payload,
                    description,
                    item_id,
                    json.dumps(source) if source else None,
                    reprint_of,
                    JobState.QUEUED,
                    now,
                    now,
                    now,
                ),
            )
            return int(cur.lastrowid or 0)

    def next_due(self, printer: str) -> PrintJob | None:
        """The job to send now: the oldest open job for this printer, if its retry time has come."""
        with self.db.reading() as conn:
            row = conn.execute(
                "SELECT * FROM print_jobs WHERE printer = ? AND state IN (?, ?) ORDER BY id LIMIT 1",
                (printer, *OPEN_STATES),
            ).fetchone()
        # A job in `sending` is being sent (or was, by a process that died): never handed out again.
        if row is None or row["state"] != JobState.QUEUED or row["next_try_at"] > self._now():
            return None
        return _job(row)

    def mark_sending(self, job_id: int) -> None:
        """About to write the bytes."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE print_jobs SET state=?, attempts=attempts+1, updated_at=? WHERE id=?",
                (JobState.SENDING, self._now(), job_id),
            )

    def mark_printed(self, job_id: int) -> None:
        """The printer took the whole job."""
        with self.db.transaction() as conn:
            self._set(conn, [job_id], JobState.PRINTED, None)

    def mark_retry(self, job_id: int, error: str, delay: timedelta) -> None:
        """The printer was not ready: keep the job queued and try again after `delay`."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE print_jobs SET state=?, last_error=?, updated_at=?, next_try_at=? WHERE id=?",
                (JobState.QUEUED, error, self._now(), (self.clock() + delay).isoformat(), job_id),
            )

    def mark_uncertain(self, job_id: int, error: str) -> None:
        """Part or all of the job went out but the printer did not confirm it: the operator decides."""
        with self.db.transaction() as conn:
            self._set(conn, [job_id], JobState.UNCERTAIN, error)

    def mark_failed(self, job_id: int, error: str) -> None:
        """The job itself cannot print (e.g. a format the printer does not take)."""
        with self.db.transaction() as conn:
            self._set(conn, [job_id], JobState.FAILED, error)

    def reprint(self, job_id: int, payload: bytes, number: int = 1) -> int:
        """An operator's explicit reprint: a new job linked to the original (payload says REPRINT n)."""
        original = self.get(job_id)
        if original is None:
            raise KeyError(f"no print job {job_id}")
        return self.enqueue(
            original.printer,
            payload,
            original.format,
            f"REPRINT {number} {original.description}",
            item_id=original.item_id,
            source=original.source,
            reprint_of=job_id,
        )

    def reprints_of(self, job_id: int) -> list[int]:
        """The jobs that reprinted this one."""
        with self.db.reading() as conn:
            return [r[0] for r in conn.execute("SELECT id FROM print_jobs WHERE reprint_of = ?", (job_id,))]

    def get(self, job_id: int) -> PrintJob | None:
        """One job."""
        with self.db.reading() as conn:
            row = conn.execute("SELECT * FROM print_jobs WHERE id=?", (job_id,)).fetchone()
        return _job(row) if row else None

    def jobs(self, printer: str | None = None, states: tuple[JobState, ...] | None = None) -> list[PrintJob]:
        """Jobs, oldest first, optionally for one printer and some states."""
        sql, args = "SELECT * FROM print_jobs WHERE 1=1", []
        if printer is not None:
            sql += " AND printer = ?"
            args.append(printer)
        if states:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            args += list(states)
        with self.db.reading() as conn:
            return [_job(r) for r in conn.execute(sql + " ORDER BY id", args).fetchall()]

    def counts(self) -> dict[str, dict[str, int]]:
        """printer -> state -> number of jobs."""
        out: dict[str, dict[str, int]] = {}
        with self.db.reading() as conn:
            for printer, state, n in conn.execute(
                "SELECT printer, state, count(*) FROM print_jobs GROUP BY 1, 2"
            ):
                out.setdefault(printer, {})[state] = n
        return out

    def _set(self, conn: sqlite3.Connection, ids: list[int], state: JobState, error: str | None) -> None:
        now = self._now()
        conn.executemany(
            "UPDATE print_jobs SET state=?, last_error=?, updated_at=? WHERE id=?",
            [(state, error, now, i) for i in ids],
        )

    def _now(self) -> str:
        return self.clock().isoformat()


def _job(row: sqlite3.Row) -> PrintJob:
    return PrintJob(
        id=row["id"],
        printer=row["printer"],
        format=row["format"],
        payload=bytes(row["payload"]),
        description=row["description"],
        item_id=row["item_id"],
        source=json.loads(row["source"]) if row["source"] else None,
        reprint_of=row["reprint_of"],
        state=JobState(row["state"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        next_try_at=row["next_try_at"],
    )
