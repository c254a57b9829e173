"""The web app's reads and writes at the hub, over a pool of connections as the web login.

Look-ups go to a hot standby when the DSN names one (`target_session_attrs=prefer-standby`); the
postcode gate and the choices write (wrong postcodes are counted), so they go to the primary.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hub.said import one_line
from station.model.events import Event, EventKind
from station.model.rows import Row

log = logging.getLogger(__name__)
DOWN_FOR_S = 5.0  # after the hub did not answer, answer "not available" at once for this long
KINDS = {str(k): k for k in EventKind}
EVENT_COLUMNS = (
    "item_id, kind, facility, occurred_at, reason, container_id, station_id, seq, event_id, hash,"
    " prev_hash, service, origin_zip3, destination_zip3, round_stop, choice, choices_forbidden"
)


class HubDown(Exception):
    """The hub did not answer (the page says so; nothing is lost)."""


class ChoiceRefused(Exception):
    """The hub refused a choice: `why` is one of gate:wrong, gate:locked, gate:unknown, state:KIND,
    sender:forbidden."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True, slots=True)
class Place:
    """A facility as the public sees it."""

    town: str
    time_zone: str
    zip: str | None = None  # a delivery office's: where a redirected item is forwarded


@dataclass(frozen=True, slots=True)
class ChoiceInForce:
    """The latest choice of an item, without its personal detail."""

    choice_id: int
    choice: str
    made_at: datetime
    office: str | None
    day: Any


def _event(r: tuple[Any, ...]) -> Event | None:
    kind = KINDS.get(r[1])
    if kind is None:
        return None  # a kind this version does not know: left out rather than guessed at
    extra: dict[str, Any] = {"_chain": {"seq": r[7], "hash": r[9], "prev_hash": r[10]}}
    if r[11]:
        extra["service"] = r[11]
    if r[12]:
        extra["origin_zip"] = r[12] + "00"  # only the first three digits reach the web: the lane's
    if r[13]:
        extra["destination_zip"] = r[13] + "00"
    if r[14] is not None:
        extra["stop"] = int(r[14])
    if r[15]:
        extra["choice"] = r[15]
    if r[16]:
        extra["no_choices"] = True
    try:
        return Event(
            event_id=r[8], item_id=r[0], kind=kind, facility=r[2], station_id=r[6], operator="",
            occurred_at=r[3], container_id=r[5], reason=r[4], extra=extra,
        )  # fmt: skip
    except ValueError:
        return None


class HubReader:
    """The hub as the web app reads it."""

    def __init__(self, dsn: str, *, size: int = 8) -> None:
        self.read_pool = AsyncConnectionPool(
            _with_attrs(dsn, "prefer-standby"), min_size=2, max_size=size, open=False,
            kwargs={"autocommit": True}, timeout=3,
        )  # fmt: skip
        self.write_pool = AsyncConnectionPool(
            _with_attrs(dsn, "read-write"), min_size=1, max_size=max(2, size // 4), open=False,
            kwargs={"autocommit": True}, timeout=3,
        )  # fmt: skip
        self._down_until: dict[int, float] = {}

    @contextlib.asynccontextmanager
    async def _connection(self, pool: AsyncConnectionPool) -> AsyncIterator[psycopg.AsyncConnection]:
        """A connection of `pool`; HubDown when the hub does not answer, and at once for a few seconds
        after it did not (a page must not wait out a connect timeout on every request)."""
        if time.monotonic() < self._down_until.get(id(pool), 0.0):
            raise HubDown("the hub did not answer a moment ago")
        try:
            async with pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, TimeoutError) as exc:
            self._down_until[id(pool)] = time.monotonic() + DOWN_FOR_S
            log.warning("hub: %s", one_line(exc))
            raise HubDown(one_line(exc)) from None

    async def open(self) -> None:
        """Open the pools (the app's start)."""
        await self.read_pool.open(wait=False)
        await self.write_pool.open(wait=False)

    async def close(self) -> None:
        """Close the pools."""
        await self.read_pool.close()
        await self.write_pool.close()

    async def events(self, ids: list[str]) -> dict[str, list[Event]]:
        """The public events of each id, in time order."""
        async with self._connection(self.read_pool) as conn:
            cur = await conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM hub.track_events WHERE item_id = ANY(%s)"
                " ORDER BY occurred_at, station_id, seq",
                (ids,),
            )
            rows = await cur.fetchall()
        found: dict[str, list[Event]] = {i: [] for i in ids}
        for r in rows:
            event = _event(tuple(r))
            if event is not None:
                found[event.item_id].append(event)
        return found

    async def places(self) -> dict[str, Place]:
        """Every named facility."""
        async with self._connection(self.read_pool) as conn:
            cur = await conn.execute("SELECT facility, town, time_zone, zip FROM hub.places")
            return {str(r[0]): Place(str(r[1]), str(r[2]), r[3]) for r in await cur.fetchall()}

    async def gate(self, item: str, postcode: str, client: str) -> str:
        """'ok', 'wrong', 'locked' or 'unknown' (a wrong one is counted at the hub)."""
        async with self._connection(self.write_pool) as conn:
            cur = await conn.execute("SELECT hub.web_gate(%s, %s, %s)", (item, postcode, client))
            row = await cur.fetchone()
        return str(row[0]) if row else "unknown"

    async def failures(self, item: str, client: str) -> tuple[int, int]:
        """Wrong postcodes in the last 15 minutes: for the item, from the client."""
        async with self._connection(self.write_pool) as conn:
            cur = await conn.execute("SELECT * FROM hub.web_gate_failures(%s, %s)", (item, client))
            row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def choose(self, item: str, postcode: str, client: str, choice: str, detail: dict[str, Any]) -> int:
        """The choice's id at the hub, or ChoiceRefused."""
        async with self._connection(self.write_pool) as conn:
            cur = await conn.execute(
                "SELECT choice_id, refusal FROM hub.web_choose(%s, %s, %s, %s, %s::jsonb)",
                (item, postcode, client, choice, Jsonb(detail)),
            )
            row = await cur.fetchone()
        if row is None or row[1] is not None:
            raise ChoiceRefused(str(row[1]) if row else "refused")
        return int(row[0])

    async def text_request(
        self, item: str, postcode: str, client: str, phone: str, action: str
    ) -> str | None:
        """Hand the notifier a request to follow or stop the item's texts; None, or why not (gate:...)."""
        async with self._connection(self.write_pool) as conn:
            cur = await conn.execute(
                "SELECT hub.web_text_request(%s, %s, %s, %s, %s)", (item, postcode, client, phone, action)
            )
            row = await cur.fetchone()
        return None if row is None or row[0] is None else str(row[0])

    async def photo(self, item: str, postcode: str, client: str) -> bytes | None:
        """The door photo of the item's delivery, behind the postcode (None: none, or the gate said no)."""
        async with self._connection(self.write_pool) as conn:
            cur = await conn.execute(
                "SELECT gate, photo FROM hub.web_photo(%s, %s, %s)", (item, postcode, client)
            )
            row = await cur.fetchone()
        return bytes(row[1]) if row and row[0] == "ok" and row[1] is not None else None

    async def choice_of(self, item: str) -> ChoiceInForce | None:
        """The item's latest choice (call after the gate said ok)."""
        async with self._connection(self.write_pool) as conn:
            cur = await conn.execute(
                "SELECT id, choice, made_at, office, day FROM hub.web_choice_of(%s)", (item,)
            )
            row = await cur.fetchone()
        return ChoiceInForce(int(row[0]), str(row[1]), row[2], row[3], row[4]) if row else None

    async def evidence(self, station_id: str, seq: int) -> dict[str, Any] | None:
        """The signed checkpoint covering the event, its span's hashes and the station's key, or None."""
        async with self._connection(self.read_pool) as conn:
            cur = await conn.execute(
                "SELECT seq, hash, at, span_from, span, signature, public_key, hashes"
                " FROM hub.event_evidence(%s, %s)",
                (station_id, seq),
            )
            row = await cur.fetchone()
        if row is None:
            return None
        checkpoint = {
            "station_id": station_id, "seq": row[0], "hash": row[1], "at": row[2], "span_from": row[3],
            "span": row[4], "signature": row[5],
        }  # fmt: skip
        return {
            "checkpoint": checkpoint,
            "public_key": row[6],
            "span": {"from": row[3], "hashes": list(row[7])},
        }

    async def history(self, days: int, limit: int = 500_000) -> list[Row]:
        """The last `days` of public events as the estimates learn from them, the newest `limit` at most
        (a region's months are millions of rows: the learner keeps its memory bounded)."""
        since = datetime.now(UTC) - timedelta(days=days)
        async with self._connection(self.read_pool) as conn:
            cur = await conn.execute(
                "SELECT seq, station_id, item_id, kind, facility, occurred_at, container_id, reason, service,"
                " destination_zip3 FROM hub.track_events WHERE occurred_at >= %s"
                " ORDER BY occurred_at DESC LIMIT %s",
                (since, limit),
            )
            found = []
            for r in reversed(await cur.fetchall()):
                extra: dict[str, object] = {}
                if r[8]:
                    extra["service"] = r[8]
                if r[9]:
                    extra["destination_zip"] = r[9] + "00"
                found.append(Row(r[0], r[1], r[2], r[3], r[4], "", r[5], extra, r[6], r[7]))
            return found

    async def pace_samples(self, days: int) -> list[tuple[str, float]]:
        """(office, minutes per stop) of the rounds delivered in the last `days`."""
        since = datetime.now(UTC) - timedelta(days=days)
        async with self._connection(self.read_pool) as conn:
            cur = await conn.execute(
                "SELECT o.facility, extract(epoch FROM d.occurred_at - o.occurred_at) / 60.0 / o.round_stop"
                " FROM hub.track_events o JOIN hub.track_events d ON d.item_id = o.item_id"
                " AND d.kind = 'delivered' AND d.occurred_at > o.occurred_at"
                " AND d.occurred_at < o.occurred_at + interval '14 hours'"
                " WHERE o.kind = 'out-for-delivery' AND o.round_stop > 0 AND o.occurred_at >= %s",
                (since,),
            )
            return [(str(r[0]), float(r[1])) for r in await cur.fetchall()]


def _with_attrs(dsn: str, attrs: str) -> str:
    if "target_session_attrs" in dsn:
        return dsn
    return make_conninfo(dsn, target_session_attrs=attrs)
