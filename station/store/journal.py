"""The scan journal: append-only, hash-chained, one SQLite table shared by every station.

Every event carries its station id and that station's own sequence number; each event's hash covers
its canonical content and the previous hash of the same station. Replicating to a central database is
therefore a plain copy of rows keyed by (station_id, seq), and any edit, deletion or reordering shows up
in `verify()`. SQLite triggers refuse UPDATE and DELETE outright.

A scan is acknowledged (returned from `append`) only after its transaction has committed with
synchronous=FULL, so `kill -9` or a power cut never loses an acknowledged scan. Hooks registered with
`on_append` (status, sack contents, SMS outbox, fraud rules) run inside the same transaction: a scan is
stored with everything it causes, or not at all.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from station.errors import Refused
from station.model.clock import utc_now
from station.model.events import Event, EventKind, StoredEvent
from station.model.rows import HISTORY_COLUMNS, Row, history_row
from station.store.checkpoints import EVERY, Checkpoint, CheckpointLog, CheckpointProblem
from station.store.db import Database, in_chunks

GENESIS = "0" * 64

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS events (
    station_id    TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    event_id      TEXT    NOT NULL UNIQUE,
    item_id       TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    upu_code      TEXT,
    facility      TEXT    NOT NULL,
    operator      TEXT    NOT NULL,
    occurred_at   TEXT    NOT NULL,
    container_id  TEXT,
    weight_g      INTEGER,
    reason        TEXT,
    signature_ref TEXT,
    note          TEXT,
    extra         TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    prev_hash     TEXT    NOT NULL,
    hash          TEXT    NOT NULL,
    PRIMARY KEY (station_id, seq)
);
CREATE INDEX IF NOT EXISTS events_by_item ON events (item_id);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the scan journal is append-only: events cannot be changed');
END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the scan journal is append-only: events cannot be deleted');
END;
"""

INSERT_SQL = (
    "INSERT INTO events (station_id, seq, event_id, item_id, kind, upu_code, facility, operator,"
    " occurred_at, container_id, weight_g, reason, signature_ref, note, extra, recorded_at,"
    " prev_hash, hash, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
# Schema 5: the exact text each hash covers, kept with the event (it is computed for the hash anyway), so
# a push to the hub sends it without rebuilding it. Older rows have none: it is rebuilt from their columns.
MIGRATE_V5 = "ALTER TABLE events ADD COLUMN body TEXT"


def event_row(
    c: dict[str, Any], seq: int, prev: str, digest: str, recorded_at: str, body: str | None = None
) -> tuple[Any, ...]:
    """The `events` row for canonical content `c` (see INSERT_SQL for the column order)."""
    extra = json.dumps(c["extra"], sort_keys=True, ensure_ascii=False) if c["extra"] else "{}"
    return (
        c["station_id"],
        seq,
        c["event_id"],
        c["item_id"],
        c["kind"],
        c["upu_code"],
        c["facility"],
        c["operator"],
        c["occurred_at"],
        c["container_id"],
        c["weight_g"],
        c["reason"],
        c["signature_ref"],
        c["note"],
        extra,
        recorded_at,
        prev,
        digest,
        body,
    )


AppendHook = Callable[[sqlite3.Connection, StoredEvent], None]


class JournalConflict(Refused):
    """An event id that is already journalled with different content."""


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where a station's chain does not verify."""

    station_id: str
    seq: int
    problem: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of checking every station's hash chain."""

    events_checked: int
    stations: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        """True when every chain verified."""
        return self.first_break is None


def canonical_content(event: Event) -> dict[str, Any]:
    """The fields the hash covers, in a stable JSON-ready form."""
    return {
        "event_id": event.event_id,
        "item_id": event.item_id,
        "kind": str(event.kind),
        "upu_code": event.upu_code,
        "facility": event.facility,
        "station_id": event.station_id,
        "operator": event.operator,
        "occurred_at": _iso(event.occurred_at),
        "container_id": event.container_id,
        "weight_g": event.weight_g,
        "reason": event.reason,
        "signature_ref": event.signature_ref,
        "note": event.note,
        "extra": event.extra,
    }


def hashed_body(event: Event | None, content: dict[str, Any] | None = None) -> str:
    """The exact text an event's hash covers (the hub recomputes the hash from it)."""
    if content is None:
        assert event is not None
        content = canonical_content(event)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_CONTENT_COLUMNS = (
    "event_id",
    "item_id",
    "kind",
    "upu_code",
    "facility",
    "station_id",
    "operator",
    "occurred_at",
    "container_id",
    "weight_g",
    "reason",
    "signature_ref",
    "note",
)


def body_of_row(row: sqlite3.Row) -> str:
    """The hashed body of a stored event, straight from its columns (they hold the canonical values:
    `occurred_at` is stored as the very text that was hashed), without rebuilding the Event."""
    content: dict[str, Any] = {name: row[name] for name in _CONTENT_COLUMNS}
    content["extra"] = json.loads(row["extra"])
    return hashed_body(None, content)


def event_hash(prev_hash: str, seq: int, event: Event, content: dict[str, Any] | None = None) -> str:
    """SHA-256 over the previous hash, the sequence number and the canonical event."""
    return hashlib.sha256(f"{prev_hash}|{seq}|{hashed_body(event, content)}".encode()).hexdigest()


class Journal:
    """The append-only event store of one station (reading sees every station's events)."""

    def __init__(self, db: Database, station_id: str, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self.station_id = station_id
        self._clock = clock
        self._hooks: list[AppendHook] = []
        self._head: tuple[int, int, str] | None = None  # (db.rollbacks when cached, seq, hash)
        self.checkpoints: CheckpointLog | None = None  # set by Station: signs the head now and then

    def on_append(self, hook: AppendHook) -> None:
        """Run `hook(conn, stored)` inside the transaction of every new event (not for repeats)."""
        self._hooks.append(hook)

    def append(self, event: Event) -> StoredEvent:
        """Store one event and commit; returns it with its sequence number and hash.

        Appending an event id that is already stored returns the stored event (a retried scan is
        recorded once); the same id with different content raises JournalConflict.
        """
        with self.db.transaction() as conn:
            return self.append_in(conn, event)

    def append_in(self, conn: sqlite3.Connection, event: Event) -> StoredEvent:
        """Store one event inside the caller's `db.transaction()` (committed with it)."""
        if event.station_id != self.station_id:
            raise ValueError(f"event of station {event.station_id} appended to journal of {self.station_id}")
        c = canonical_content(event)
        for attempt in range(2):
            seq, prev = self._next(conn, trust_cache=attempt == 0)
            body = hashed_body(event, c)
            digest = hashlib.sha256(f"{prev}|{seq}|{body}".encode()).hexdigest()
            try:
                self._insert(conn, c, seq, prev, digest, body)
                break
            except sqlite3.IntegrityError:
                # A retried scan (same event id) is answered with what is stored; otherwise another
                # process appended since the head was cached: read the head and go again, once.
                existing = conn.execute(
                    "SELECT * FROM events WHERE event_id = ?", (event.event_id,)
                ).fetchone()
                if existing is not None:
                    stored = _row_to_stored(existing)
                    if canonical_content(stored.event) != c:
                        raise JournalConflict(
                            f"event {event.event_id} is already journalled with different content"
                        ) from None
                    return stored
                if attempt:
                    raise
        self._head = (self.db.rollbacks, seq, digest)
        if self.checkpoints is not None and seq % EVERY == 0:
            log, at, span = self.checkpoints, self._clock(), self._span(conn, seq)
            self.db.after_commit(lambda: log.write(seq, digest, at, span))  # of committed events only
        stored = StoredEvent(event, seq, prev, digest)
        for hook in self._hooks:
            hook(conn, stored)
        return stored

    def _next(self, conn: sqlite3.Connection, *, trust_cache: bool) -> tuple[int, str]:
        """(the next sequence number, the previous hash) of this station's chain.

        The head this journal last wrote is kept, so a scan needs no query for it; it is trusted only while
        no transaction of this database has rolled back since (one may have taken the head's event with it).
        An append by another process shows up as a primary-key conflict, and the head is read again.
        """
        cached = self._head
        if trust_cache and cached is not None and cached[0] == self.db.rollbacks:
            return cached[1] + 1, cached[2]
        head = conn.execute(
            "SELECT seq, hash FROM events WHERE station_id = ? ORDER BY seq DESC LIMIT 1", (self.station_id,)
        ).fetchone()
        return (head[0] + 1, head[1]) if head else (1, GENESIS)

    def _insert(
        self, conn: sqlite3.Connection, c: dict[str, Any], seq: int, prev: str, digest: str, body: str
    ) -> None:
        conn.execute(INSERT_SQL, event_row(c, seq, prev, digest, _iso(self._clock()), body))

    def events_for(self, item_id: str) -> list[StoredEvent]:
        """Every event recorded on this id (item or container), in time order."""
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT * FROM events WHERE item_id = ? ORDER BY occurred_at, station_id, seq", (item_id,)
            ).fetchall()
        return [_row_to_stored(r) for r in rows]

    def count(self) -> int:
        """How many events the journal holds (all stations)."""
        with self.db.reading() as conn:
            return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])

    def verify(self) -> VerifyResult:
        """Recompute every station's chain; report the first broken link."""
        checked = 0
        stations = 0
        with self.db.reading() as conn:
            station_ids = [r[0] for r in conn.execute("SELECT DISTINCT station_id FROM events ORDER BY 1")]
        for station_id in station_ids:
            stations += 1
            expected_seq, prev = 1, GENESIS
            for row in self._rows_of(station_id):
                checked += 1
                stored = _row_to_stored(row)
                problem = None
                if stored.seq != expected_seq:
                    problem = f"sequence jumps from {expected_seq - 1} to {stored.seq} (events missing)"
                elif stored.prev_hash != prev:
                    problem = "previous-hash link does not match the preceding event"
                elif event_hash(prev, stored.seq, stored.event) != stored.hash:
                    problem = f"event {stored.event.event_id} content does not match its hash (altered)"
                if problem:
                    return VerifyResult(checked, stations, ChainBreak(station_id, stored.seq, problem))
                expected_seq, prev = stored.seq + 1, stored.hash
        return VerifyResult(checked, stations, None)

    def verify_tail(self, station_id: str, seq: int, digest: str) -> str | None:
        """Recompute `station_id`'s chain after its event `seq` (hash `digest`, e.g. a signed checkpoint's):
        what is wrong first, or None. A quick check that costs the events since, not the whole journal."""
        expected_seq, prev = seq + 1, digest
        for row in self._rows_of(station_id, after=seq):
            stored = _row_to_stored(row)
            if stored.seq != expected_seq:
                jump = f"{expected_seq - 1} to {stored.seq}"
                return f"station {station_id}: sequence jumps from {jump} (events missing)"
            if stored.prev_hash != prev or event_hash(prev, stored.seq, stored.event) != stored.hash:
                return f"station {station_id}: event {stored.seq} does not match its hash chain (altered)"
            expected_seq, prev = stored.seq + 1, stored.hash
        return None

    def checkpoint(self) -> None:
        """Sign the head this journal last wrote (clean shutdown, end of a `station scan` run)."""
        if self.checkpoints is not None and self._head is not None and self._head[0] == self.db.rollbacks:
            try:
                with self.db.reading() as conn:
                    span: tuple[int, list[str]] | None = self._span(conn, self._head[1])
            except sqlite3.Error:  # the database was closed first: the head alone (a version-1 checkpoint)
                span = None
            self.checkpoints.write(self._head[1], self._head[2], self._clock(), span)

    def _span(self, conn: sqlite3.Connection, seq: int) -> tuple[int, list[str]]:
        """The hashes of this station's events up to `seq`, the last EVERY of them (a checkpoint's span:
        every event is in the span of the checkpoint at the next multiple of EVERY)."""
        first = max(1, seq - EVERY + 1)
        rows = conn.execute(
            "SELECT hash FROM events WHERE station_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
            (self.station_id, first, seq),
        ).fetchall()
        return first, [str(r[0]) for r in rows]

    def check_checkpoints(self, points: list[Checkpoint]) -> list[CheckpointProblem]:
        """What the journal contradicts in signed checkpoints: a shorter chain, or another hash at a seq."""
        problems: list[CheckpointProblem] = []
        newest: dict[str, Checkpoint] = {}
        with self.db.reading() as conn:
            for point in points:
                if point.station_id not in newest or point.seq > newest[point.station_id].seq:
                    newest[point.station_id] = point
                row = conn.execute(
                    "SELECT hash FROM events WHERE station_id=? AND seq=?", (point.station_id, point.seq)
                ).fetchone()
                if row is not None and row[0] != point.hash:
                    problems.append(
                        CheckpointProblem(
                            point.station_id,
                            point.seq,
                            f"event {point.seq} is not the one checkpointed at {point.at}: rewritten",
                        )
                    )
            for station_id, point in newest.items():
                head = conn.execute(
                    "SELECT max(seq) FROM events WHERE station_id=?", (station_id,)
                ).fetchone()[0]
                if (head or 0) < point.seq:
                    problems.append(
                        CheckpointProblem(
                            station_id,
                            point.seq,
                            f"the journal ends at {head or 0} but was checkpointed at {point.seq}"
                            f" ({point.at}): {point.seq - (head or 0)} events were removed",
                        )
                    )
        return problems

    def _rows_of(self, station_id: str, batch: int = 5000, after: int = 0) -> Iterator[sqlite3.Row]:
        last = after
        while True:
            with self.db.reading() as conn:
                rows = conn.execute(
                    "SELECT * FROM events WHERE station_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                    (station_id, last, batch),
                ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1]["seq"]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def events_of(conn: sqlite3.Connection, item_id: str) -> list[Event]:
    """Every event recorded on this id, in time order, read inside the caller's connection."""
    rows = conn.execute(
        "SELECT * FROM events WHERE item_id = ? ORDER BY occurred_at, seq", (item_id,)
    ).fetchall()
    return [row_to_event(r) for r in rows]


def row_to_event(row: sqlite3.Row) -> Event:
    """Rebuild an Event from an `events` row."""
    return Event(
        event_id=row["event_id"],
        item_id=row["item_id"],
        kind=EventKind(row["kind"]),
        facility=row["facility"],
        station_id=row["station_id"],
        operator=row["operator"],
        occurred_at=datetime.fromisoformat(row["occurred_at"]),
        container_id=row["container_id"],
        weight_g=row["weight_g"],
        reason=row["reason"],
        signature_ref=row["signature_ref"],
        note=row["note"],
        extra=json.loads(row["extra"]),
    )


def _row_to_stored(row: sqlite3.Row) -> StoredEvent:
    return StoredEvent(row_to_event(row), row["seq"], row["prev_hash"], row["hash"])


def event_from_content(content: dict[str, Any]) -> Event:
    """Rebuild an Event from the canonical body its hash covers (as the hub hands it back)."""
    return Event(
        event_id=str(content["event_id"]),
        item_id=str(content["item_id"]),
        kind=EventKind(content["kind"]),
        facility=str(content["facility"]),
        station_id=str(content["station_id"]),
        operator=str(content["operator"]),
        occurred_at=datetime.fromisoformat(str(content["occurred_at"])),
        container_id=content.get("container_id"),
        weight_g=content.get("weight_g"),
        reason=content.get("reason"),
        signature_ref=content.get("signature_ref"),
        note=content.get("note"),
        extra=dict(content.get("extra") or {}),
    )


# Reads for the other rooms. The journal owns the `events` table: whatever else needs to know what was
# scanned asks here, so the table's columns are named in one module.


def _utc_text(moment: datetime) -> str:
    """A time as the journal writes it (UTC, microseconds): text comparison is then time comparison."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def history_rows(
    conn: sqlite3.Connection, since: datetime | None = None, until: datetime | None = None
) -> list[Row]:
    """Every event from `since` (inclusive) to `until` (exclusive), in time order, as history reads them."""
    where, args = [], []
    if since is not None:
        where.append("occurred_at >= ?")
        args.append(_utc_text(since))
    if until is not None:
        where.append("occurred_at < ?")
        args.append(_utc_text(until))
    sql = f"SELECT {HISTORY_COLUMNS} FROM events" + (" WHERE " + " AND ".join(where) if where else "")
    return [history_row(r) for r in conn.execute(sql + " ORDER BY occurred_at, station_id, seq", args)]


def extras_naming(conn: sqlite3.Connection, key: str) -> list[tuple[str, dict[str, Any]]]:
    """(item, extra) of every event whose extra has `key` (a door photo's hash, say), in journal order."""
    rows = conn.execute(
        "SELECT item_id, extra FROM events WHERE extra LIKE ? ORDER BY station_id, seq", (f'%"{key}"%',)
    )
    return [
        (str(item), dict(json.loads(extra or "{}")))
        for item, extra in rows
        if key in json.loads(extra or "{}")
    ]


def own_photos(
    conn: sqlite3.Connection, station_id: str, upto_seq: int, after_seq: int = 0
) -> list[tuple[str, str, str]]:
    """(item, photo reference, SHA-256) of this station's events after `after_seq` up to `upto_seq` that
    name a door photo (a range of the chain's key: a sync reads only the events since the last one)."""
    rows = conn.execute(
        "SELECT item_id, extra FROM events WHERE station_id = ? AND seq > ? AND seq <= ?"
        " AND extra LIKE '%\"photo_sha256\"%' ORDER BY seq",
        (station_id, after_seq, upto_seq),
    )
    out = []
    for item, extra in rows:
        fields = json.loads(extra or "{}")
        if fields.get("photo") and fields.get("photo_sha256"):
            out.append((str(item), str(fields["photo"]), str(fields["photo_sha256"])))
    return out


def latest_of_kind(
    conn: sqlite3.Connection, kind: EventKind, status: str, facility: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """(item, when, extra) of each item now in `status` at `facility` (item_status) by its latest `kind`
    event, oldest first: the held items and where each waits."""
    rows = conn.execute(
        "SELECT s.item_id, e.occurred_at, e.extra FROM item_status s"
        " JOIN events e ON e.item_id = s.item_id AND e.kind = ?"
        " WHERE s.status = ? AND s.facility = ?"
        " AND e.occurred_at = (SELECT max(occurred_at) FROM events WHERE item_id = s.item_id AND kind = ?)"
        " ORDER BY e.occurred_at",
        (kind, status, facility, kind),
    )
    return [(str(item), str(when), dict(json.loads(extra or "{}"))) for item, when, extra in rows]


def acceptance_extra(conn: sqlite3.Connection, item_id: str) -> dict[str, Any] | None:
    """What the item's first acceptance recorded (service, postage, options), or None if never accepted."""
    row = conn.execute(
        "SELECT extra FROM events WHERE item_id = ? AND kind = ? ORDER BY seq LIMIT 1",
        (item_id, EventKind.ACCEPTANCE),
    ).fetchone()
    return None if row is None else dict(json.loads(row[0] or "{}"))


def acceptance_weight_g(conn: sqlite3.Connection, item_id: str) -> int | None:
    """The weight the item was accepted at, when one was recorded."""
    row = conn.execute(
        "SELECT weight_g FROM events WHERE item_id = ? AND kind = ? AND weight_g IS NOT NULL LIMIT 1",
        (item_id, EventKind.ACCEPTANCE),
    ).fetchone()
    return int(row[0]) if row else None


def accepted_between(conn: sqlite3.Connection, start: datetime, end: datetime, station_id: str) -> list[str]:
    """The items `station_id` accepted from `start` (inclusive) to `end` (exclusive), in the order it
    did (imported history from other systems is not this station's business of the day)."""
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT item_id FROM events WHERE kind = ? AND occurred_at >= ? AND occurred_at < ?"
            " AND station_id = ? ORDER BY occurred_at",
            (EventKind.ACCEPTANCE, _utc_text(start), _utc_text(end), station_id),
        )
    ]


def operators_between(conn: sqlite3.Connection, start: datetime, end: datetime, station_id: str) -> set[str]:
    """The operators named by `station_id`'s events from `start` (inclusive) to `end` (exclusive)."""
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT operator FROM events WHERE occurred_at >= ? AND occurred_at < ?"
            " AND station_id = ?",
            (_utc_text(start), _utc_text(end), station_id),
        )
    }


def kinds_and_extras_between(
    conn: sqlite3.Connection, start: datetime, end: datetime, station_id: str
) -> list[tuple[EventKind, str, dict[str, Any]]]:
    """(kind, item, extra) of every event `station_id` journalled from `start` (inclusive) to `end`
    (exclusive); rows imported from other systems are other stations' and are left out."""
    return [
        (EventKind(r[0]), str(r[1]), dict(json.loads(r[2] or "{}")))
        for r in conn.execute(
            "SELECT kind, item_id, extra FROM events WHERE occurred_at >= ? AND occurred_at < ?"
            " AND station_id = ?",
            (_utc_text(start), _utc_text(end), station_id),
        )
    ]


def items_with_kind(conn: sqlite3.Connection, kind: EventKind, items: list[str]) -> set[str]:
    """Those of `items` that have an event of `kind` (e.g. which were voided)."""
    found: set[str] = set()
    for chunk, marks in in_chunks(items):
        rows = conn.execute(
            f"SELECT item_id FROM events WHERE kind = ? AND item_id IN ({marks})", (kind, *chunk)
        )
        found.update(str(r[0]) for r in rows)
    return found


def extras_of_kind(conn: sqlite3.Connection, kind: EventKind) -> list[dict[str, Any]]:
    """The extra data of every event of `kind`."""
    return [
        dict(json.loads(r[0] or "{}"))
        for r in conn.execute("SELECT extra FROM events WHERE kind = ?", (kind,))
    ]


class Recorded(NamedTuple):
    """An event as a list shows it: who, where, when (as journalled), its note and extra data."""

    event_id: str
    item_id: str
    operator: str
    facility: str
    occurred_at: str
    note: str | None
    extra: dict[str, Any]


def recorded_of_kind(conn: sqlite3.Connection, kind: EventKind) -> list[Recorded]:
    """Every event of `kind`, the newest first."""
    return [
        Recorded(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], dict(json.loads(r[6] or "{}")))
        for r in conn.execute(
            "SELECT event_id, item_id, operator, facility, occurred_at, note, extra FROM events"
            " WHERE kind = ? ORDER BY occurred_at DESC",
            (kind,),
        )
    ]


def has_event(
    conn: sqlite3.Connection, item_id: str, kind: str, at: str, facility: str, station_id: str
) -> bool:
    """Whether exactly this scan (item, kind, time as written, facility, station) is journalled."""
    row = conn.execute(
        "SELECT 1 FROM events WHERE item_id=? AND kind=? AND occurred_at=? AND facility=? AND station_id=?",
        (item_id, kind, at, facility, station_id),
    ).fetchone()
    return row is not None


def latest_sack_scanned(conn: sqlite3.Connection, facility: str, sacks: list[str]) -> str | None:
    """Of `sacks`, the one last scanned at `facility` (opened there, or sorted into), or None."""
    latest: tuple[int, str] | None = None
    for chunk, marks in in_chunks(sacks, 200):  # each chunk is named twice
        row = conn.execute(
            "SELECT rowid, CASE WHEN kind = ? THEN item_id ELSE container_id END AS sack FROM events"
            f" WHERE facility = ? AND ((kind = ? AND item_id IN ({marks}))"
            f" OR (kind = ? AND container_id IN ({marks})))"
            " ORDER BY rowid DESC LIMIT 1",
            (EventKind.SACK_OPEN, facility, EventKind.SACK_OPEN, *chunk, EventKind.SORT_IN, *chunk),
        ).fetchone()
        if row is not None and (latest is None or int(row[0]) > latest[0]):
            latest = (int(row[0]), str(row[1]))
    return latest[1] if latest else None


def known_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Those of `ids` that any event names, as its item or as its sack."""
    found: set[str] = set()
    for chunk, marks in in_chunks(ids, 200):  # each chunk is named twice
        rows = conn.execute(
            f"SELECT item_id FROM events WHERE item_id IN ({marks})"
            f" UNION SELECT container_id FROM events WHERE container_id IN ({marks})",
            (*chunk, *chunk),
        )
        found.update(str(r[0]) for r in rows)
    return found


def scanned_by(conn: sqlite3.Connection, item_ids: list[str], station_id: str) -> set[str]:
    """Those of `item_ids` (items or sacks) that `station_id` journalled an event of."""
    found: set[str] = set()
    for chunk, marks in in_chunks(item_ids):
        rows = conn.execute(
            f"SELECT DISTINCT item_id FROM events WHERE station_id = ? AND item_id IN ({marks})",
            (station_id, *chunk),
        )
        found.update(str(r[0]) for r in rows)
    return found


def count_after(conn: sqlite3.Connection, station_id: str, after_seq: int) -> int:
    """How many of the station's events come after `after_seq`."""
    row = conn.execute(
        "SELECT count(*) FROM events WHERE station_id = ? AND seq > ?", (station_id, after_seq)
    ).fetchone()
    return int(row[0])


def last_seq_and_hash(conn: sqlite3.Connection, station_id: str) -> tuple[int, str] | None:
    """The station's own last event: its sequence number and hash (None for an empty chain)."""
    row = conn.execute(
        "SELECT seq, hash FROM events WHERE station_id = ? ORDER BY seq DESC LIMIT 1", (station_id,)
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def hash_of(conn: sqlite3.Connection, station_id: str, seq: int) -> str | None:
    """The hash of the station's event `seq` (None when it has none: a truncated journal)."""
    row = conn.execute(
        "SELECT hash FROM events WHERE station_id = ? AND seq = ?", (station_id, seq)
    ).fetchone()
    return str(row[0]) if row else None


PUSHED_COLUMNS = (
    "seq", "event_id", "item_id", "kind", "upu_code", "facility", "operator", "occurred_at", "container_id",
    "weight_g", "reason", "signature_ref", "note", "recorded_at", "prev_hash", "hash", "body", "extra",
)  # fmt: skip


def pushed_rows_after(
    conn: sqlite3.Connection, station_id: str, after_seq: int, limit: int, columns: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """The station's next `limit` events after `after_seq`, as plain tuples of `columns` (a push reads
    tens of thousands: no per-row mapping)."""
    unknown = set(columns) - set(PUSHED_COLUMNS)
    if unknown:
        raise ValueError(f"not columns of the journal: {sorted(unknown)}")
    cursor = conn.cursor()
    cursor.row_factory = None
    return list(
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM events WHERE station_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (station_id, after_seq, limit),
        ).fetchall()
    )


def bodies_after(conn: sqlite3.Connection, station_id: str, after_seq: int, limit: int) -> dict[int, str]:
    """The hashed text of the station's events after `after_seq` that were journalled before schema 5
    kept it (rebuilt from their columns), by sequence number."""
    return {
        int(r["seq"]): body_of_row(r)
        for r in conn.execute(
            "SELECT * FROM events WHERE station_id = ? AND seq > ? AND body IS NULL ORDER BY seq LIMIT ?",
            (station_id, after_seq, limit),
        )
    }


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One event of a station's chain as a verifier needs it: the hashed text and its hashes."""

    seq: int
    prev_hash: str
    hash: str
    body: str


def chain_links(conn: sqlite3.Connection, station_id: str, first_seq: int, last_seq: int) -> list[ChainLink]:
    """The station's events `first_seq`..`last_seq`, each with the exact text its hash covers."""
    return [
        ChainLink(int(r["seq"]), str(r["prev_hash"]), str(r["hash"]), r["body"] or body_of_row(r))
        for r in conn.execute(
            "SELECT * FROM events WHERE station_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
            (station_id, first_seq, last_seq),
        )
    ]


def seqs_between(
    conn: sqlite3.Connection, station_id: str, start: datetime, end: datetime
) -> tuple[int, int] | None:
    """The first and last sequence numbers of the station's events journalled from `start` to `end`."""
    row = conn.execute(
        "SELECT min(seq), max(seq) FROM events WHERE station_id = ? AND occurred_at >= ? AND occurred_at < ?",
        (station_id, _utc_text(start), _utc_text(end)),
    ).fetchone()
    return None if row is None or row[0] is None else (int(row[0]), int(row[1]))
