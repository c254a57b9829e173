"""The station's side of the hub: a psycopg connection speaking the hub schema (`hub/schema.py`).

Any connection failure becomes `HubUnavailable` (the station carries on offline) and the connection is
dropped, to be made again at the next call. A batch is one hub transaction: COPY into a temporary
table, then `hub.push_rows`, which checks and stores it or refuses it whole.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from hub.said import one_line
from station.errors import Refused
from station.model.choices import CustomerChoice
from station.model.events import Event
from station.model.rows import Row, history_row
from station.network.port import (
    OUTGOING_COLUMNS,
    HubHead,
    HubUnavailable,
    Lease,
    LeaseRefused,
    NetworkFollow,
    Outgoing,
    PushAnswer,
)
from station.store.checkpoints import SignedCheckpoint
from station.store.journal import event_from_content

log = logging.getLogger(__name__)
READ_RETRY_S = 15.0
INCOMING = (
    "CREATE TEMP TABLE IF NOT EXISTS incoming_rows (seq bigint, prev_hash text, hash text, body text,"
    " recorded_at text, event_id text, item_id text, kind text, upu_code text, facility text,"
    " operator text, occurred_at text, container_id text, weight_g integer, reason text,"
    " signature_ref text, note text, extra text) ON COMMIT DELETE ROWS"
)
# Binary COPY: each value goes as it is, with no text to escape on the way in or to parse at the hub.
COPY_INCOMING = f"COPY incoming_rows ({OUTGOING_COLUMNS}) FROM STDIN (FORMAT BINARY)"
OLDER_SCHEMA = "the hub's schema is older than this station: `station hub init` upgrades it"
LEASE_REFUSED = "PH003"  # hub/sql/0008: a lease the hub will not make, said in words
INCOMING_TYPES = ["int8", *["text"] * 4, *["text"] * 8, "int4", "text", "text", "text", "text"]


class MalformedHub(Refused):
    """A hub DSN libpq cannot read (the settings or --hub need fixing)."""


class PostgresHub:
    """`station.sync.HubPort` on PostgreSQL."""

    def __init__(self, dsn: str, *, connect_timeout: int = 5) -> None:
        self.dsn = dsn
        self.connect_timeout = connect_timeout
        # One DSN may name several hosts (a primary and its hot standbys): pushes go to the one that
        # takes writes, look-ups prefer a standby, so a primary that is down still answers tracking.
        try:
            self._dsns = {
                "write": _with_attrs(dsn, "read-write"),
                "read": _with_attrs(dsn, "prefer-standby"),
            }
        except psycopg.ProgrammingError as exc:  # libpq could not parse it
            raise MalformedHub(f"the hub's DSN is not a libpq connection string: {one_line(exc)}") from None
        self._conns: dict[str, psycopg.Connection] = {}
        # After a failed look-up the hub is not asked again for a while: a counter or a depot scan on the
        # I/O thread must not wait out a connect timeout each time while the hub is down.
        self._reads_down_until = 0.0

    def _connection(self, purpose: str = "write") -> psycopg.Connection:
        if purpose == "read" and time.monotonic() < self._reads_down_until:
            raise HubUnavailable("hub unreachable a moment ago: this station's scans only for now")
        conn = self._conns.get(purpose)
        if conn is None or conn.closed:
            try:
                conn = psycopg.connect(self._dsns[purpose], connect_timeout=self.connect_timeout)
            except psycopg.Error as exc:
                raise self._failed(exc, purpose) from None
            self._conns[purpose] = conn
        return conn

    def _failed(self, exc: psycopg.Error, purpose: str = "write") -> HubUnavailable:
        log.warning("hub: %s", one_line(exc))
        if purpose == "read":
            self._reads_down_until = time.monotonic() + READ_RETRY_S
        conn = self._conns.pop(purpose, None)
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()
        return HubUnavailable(one_line(exc))

    def head(self, station_id: str) -> HubHead:
        """The hub's last event of this station."""
        try:
            conn = self._connection()
            with conn.transaction():
                row = conn.execute(
                    "SELECT last_seq, last_hash FROM hub.heads WHERE station_id = %s", (station_id,)
                ).fetchone()
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        if row is None:
            raise HubUnavailable(f"station {station_id} is not enrolled at this hub (station hub enrol)")
        return HubHead(int(row[0]), str(row[1]))

    def push(self, batch: list[Outgoing], claim: HubHead, at_head_hash: str | None) -> PushAnswer:
        """One batch in one hub transaction."""
        try:
            conn = self._connection()
            with conn.transaction():
                conn.execute(INCOMING)
                with conn.cursor().copy(COPY_INCOMING) as copy:
                    copy.set_types(INCOMING_TYPES)
                    for row in batch:
                        # A body without a backslash is rebuilt at the hub from the columns (push_rows).
                        copy.write_row(row if "\\" in row.body else (*row[:3], None, *row[4:]))
                answer = conn.execute(
                    "SELECT accepted, last_seq, last_hash, problem FROM hub.push_rows(%s, %s, %s)",
                    (claim.last_seq, claim.last_hash, at_head_hash),
                ).fetchone()
        except psycopg.errors.UndefinedFunction:
            raise HubUnavailable(OLDER_SCHEMA) from None
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        assert answer is not None
        return PushAnswer(int(answer[0]), HubHead(int(answer[1]), str(answer[2])), answer[3])

    def clock_offset(self) -> timedelta:
        """How far this machine's clock is ahead of the hub's (negative: behind), measured against the
        middle of one round trip."""
        try:
            conn = self._connection("read")
            started = datetime.now(UTC)
            row = conn.execute("SELECT clock_timestamp()").fetchone()
            ended = datetime.now(UTC)
            conn.rollback()
        except psycopg.OperationalError as exc:
            raise self._failed(exc, "read") from None
        assert row is not None
        hub_now: datetime = row[0]
        return started + (ended - started) / 2 - hub_now

    def events_for(self, item_id: str) -> list[Event]:
        """Every station's events for the id, and the events of items sorted into it (a sack)."""
        try:
            conn = self._connection("read")
            with conn.transaction():
                # Whole for the items this station handled; without their personal parts otherwise.
                rows = conn.execute("SELECT * FROM hub.events_of(%s)", (item_id,)).fetchall()
        except psycopg.OperationalError as exc:
            raise self._failed(exc, "read") from None
        events = [_as_received(_event_of(row), row[16]) for row in rows]
        return sorted(events, key=lambda e: e.occurred_at)

    def history_rows(self, since: datetime | None, until: datetime | None) -> list[Row]:
        """Every station's events in the period, in time order, in the history's shape."""
        where, args = [], []
        if since is not None:
            where.append("occurred_at >= %s")
            args.append(since)
        if until is not None:
            where.append("occurred_at < %s")
            args.append(until)
        sql = (
            "SELECT seq, station_id, item_id, kind, facility, operator, occurred_at, extra::text,"
            " container_id, reason FROM hub.events_public"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY occurred_at, station_id, seq"
        )
        try:
            conn = self._connection("read")
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute(sql, args)
                return [history_row(r) for r in cursor]
        except psycopg.OperationalError as exc:
            raise self._failed(exc, "read") from None

    def accepted_at(self, item_id: str) -> str | None:
        """The station that accepted the item first, if any did."""
        try:
            conn = self._connection("read")
            with conn.transaction():
                row = conn.execute(
                    "SELECT station_id FROM hub.events_public WHERE item_id = %s AND kind = 'acceptance'"
                    " ORDER BY occurred_at LIMIT 1",
                    (item_id,),
                ).fetchone()
        except psycopg.OperationalError as exc:
            raise self._failed(exc, "read") from None
        return str(row[0]) if row else None

    def push_follows(self, follows: list[NetworkFollow]) -> None:
        """The follows in one hub transaction (held once however often they are pushed)."""
        try:
            conn = self._connection()
            with conn.transaction():
                conn.execute(
                    "SELECT hub.push_follows(%s, %s, %s, %s)",
                    (
                        [f.local_id for f in follows],
                        [f.phone for f in follows],
                        [f.item_id for f in follows],
                        [datetime.fromisoformat(f.requested_at) for f in follows],
                    ),
                )
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None

    def lease(self, space: str, size: int) -> Lease:
        """A new block leased by `hub.lease_serials` (the hub picks the lowest free one)."""
        try:
            conn = self._connection()
            with conn.transaction():
                row = conn.execute(
                    "SELECT id, space, first_serial, last_serial, leased_at FROM hub.lease_serials(%s, %s)",
                    (space, size),
                ).fetchone()
        except psycopg.errors.UndefinedFunction:
            raise HubUnavailable(OLDER_SCHEMA) from None
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        except psycopg.Error as exc:
            if exc.sqlstate in (LEASE_REFUSED, "42501"):  # the hub's refusal in words; not enrolled
                said = exc.diag.message_primary or one_line(exc)
                raise LeaseRefused(f"the hub leases no block: {said}") from None
            raise
        assert row is not None
        return _lease_of(row)

    def leases(self) -> list[Lease]:
        """This station's unfinished blocks (`hub.my_serial_leases`)."""
        try:
            conn = self._connection()
            with conn.transaction():
                rows = conn.execute(
                    "SELECT id, space, first_serial, last_serial, leased_at FROM hub.my_serial_leases"
                    " ORDER BY id"
                ).fetchall()
        except psycopg.errors.UndefinedTable:
            raise HubUnavailable(OLDER_SCHEMA) from None
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        return [_lease_of(r) for r in rows]

    def finish_lease(self, lease_id: int) -> None:
        """`hub.finish_lease`: a block used up."""
        try:
            conn = self._connection()
            with conn.transaction():
                conn.execute("SELECT hub.finish_lease(%s)", (lease_id,))
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None

    def checkpoint_seq(self) -> int:
        """`hub.my_checkpoint_seq`."""
        try:
            conn = self._connection()
            with conn.transaction():
                row = conn.execute("SELECT hub.my_checkpoint_seq()").fetchone()
        except psycopg.errors.UndefinedFunction:
            raise HubUnavailable(OLDER_SCHEMA) from None
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        return int(row[0]) if row else 0

    def push_checkpoints(self, public_key: str, points: list[SignedCheckpoint]) -> str | None:
        """`hub.push_checkpoints`, in one hub transaction."""
        try:
            conn = self._connection()
            with conn.transaction():
                row = conn.execute(
                    "SELECT stored, problem FROM hub.push_checkpoints(%s, %s, %s, %s, %s, %s, %s)",
                    (
                        public_key,
                        [c.point.seq for c in points],
                        [c.point.hash for c in points],
                        [c.point.at for c in points],
                        [c.point.span_from for c in points],
                        [c.point.span for c in points],
                        [c.signature for c in points],
                    ),
                ).fetchone()
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        return None if row is None or row[1] is None else str(row[1])

    def choices(self) -> list[CustomerChoice]:
        """`hub.choices_for_me`: the choices for items this station handled, not yet acknowledged."""
        try:
            conn = self._connection()
            with conn.transaction():
                rows = conn.execute(
                    "SELECT id, item_id, choice, made_at, detail, last_scanned_by FROM hub.choices_for_me()"
                ).fetchall()
        except psycopg.errors.UndefinedFunction:
            raise HubUnavailable(OLDER_SCHEMA) from None
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        return [CustomerChoice(int(r[0]), str(r[1]), str(r[2]), r[3], dict(r[4] or {}), r[5]) for r in rows]

    def ack_choices(self, choice_ids: list[int]) -> None:
        """`hub.ack_choices`: held here."""
        try:
            conn = self._connection()
            with conn.transaction():
                conn.execute("SELECT hub.ack_choices(%s)", (choice_ids,))
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None

    def push_photo(self, item_id: str, ref: str, jpeg: bytes) -> str | None:
        """`hub.push_photo`: None when kept, else the hub's refusal."""
        try:
            conn = self._connection()
            with conn.transaction():
                row = conn.execute("SELECT hub.push_photo(%s, %s, %s)", (item_id, ref, jpeg)).fetchone()
        except psycopg.errors.UndefinedFunction:
            raise HubUnavailable(OLDER_SCHEMA) from None
        except psycopg.OperationalError as exc:
            raise self._failed(exc) from None
        return None if row is None or row[0] is None else str(row[0])

    def close(self) -> None:
        """Drop the connections."""
        for conn in self._conns.values():
            with contextlib.suppress(psycopg.Error):
                conn.close()
        self._conns.clear()


# An event dated further ahead of the hub's receive time than this came from a station whose clock runs
# ahead (hub/sql/0006 alerts on the same bound).
AHEAD_TOLERANCE = timedelta(minutes=5)


def _lease_of(row: tuple[Any, ...]) -> Lease:
    """A lease from (id, space, first_serial, last_serial, leased_at)."""
    return Lease(int(row[0]), str(row[1]), int(row[2]), int(row[3]), row[4])


def _event_of(row: tuple[Any, ...]) -> Event:
    """An event of hub.events_of: from its hashed text when the hub gave it (an item this station
    handled), else from its columns, which the hub checked against that text when it stored them."""
    if row[15] is not None:
        return event_from_content(json.loads(row[15]))
    names = (
        "station_id", "seq", "event_id", "item_id", "kind", "upu_code", "facility", "operator", "occurred_at",
        "container_id", "weight_g", "reason", "signature_ref", "note", "extra",
    )  # fmt: skip
    content = dict(zip(names, row[:15], strict=True))
    content.pop("seq")
    content["occurred_at"] = row[8].isoformat()
    return event_from_content(content)


def _as_received(event: Event, received_at: datetime) -> Event:
    """An event from a clock that runs ahead, placed at the time the hub received it (a scan dated five
    years ahead would otherwise be every look-up's newest), with the time it claimed kept beside it."""
    if event.occurred_at <= received_at + AHEAD_TOLERANCE:
        return event
    claimed = event.occurred_at.isoformat()
    return replace(event, occurred_at=received_at, extra={**event.extra, "dated_by_its_station": claimed})


def _with_attrs(dsn: str, attrs: str) -> str:
    """The DSN with `target_session_attrs` set, unless it sets one itself."""
    if "target_session_attrs" in dsn:
        return dsn
    return make_conninfo(dsn, target_session_attrs=attrs)
