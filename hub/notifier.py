"""The hub's notifier: texts the network's customers once, woken by PostgreSQL LISTEN/NOTIFY.

Every push that stores something sends `pg_notify('hub_events')` in its transaction, so the notifier
wakes when a push commits, not by polling every station. It takes in what is new (`NetworkTexts`),
sends what is due through its gateway (`SmsWorker`), and waits for the next notification, or at most
`idle` seconds (texts held by quiet hours, retries after a gateway error, come due without a push).

One notifier per hub: it holds a session advisory lock while it runs, so a second one started by
mistake says so and stops instead of texting everyone twice; the lock goes with its session, so a
notifier started after the first one died takes over. A hub that goes away is waited for, one line
each time it is lost and found.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

from hub.admin import HubError, connect
from hub.said import one_line
from station.network.port import WEB_FOLLOWS, NetworkFollow
from station.notify.network import NetworkEvent, NetworkTexts, TakenIn
from station.notify.worker import SmsWorker, WorkerReport
from station.store.journal import event_from_content

log = logging.getLogger(__name__)
CHANNEL = "hub_events"
LOCK_KEY = 0x5053_4D53  # "PSMS": the hub's one texting worker


class AnotherNotifier(HubError):
    """A notifier holds this hub's lock already: a second one would text everyone twice."""


class PostgresFeed:
    """`station.notify.network.NetworkFeed`: the hub's events and follows, read as the hub's owner."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def events_after(self, positions: dict[str, int], limit: int) -> list[NetworkEvent]:
        """Each station's events after its position, `limit` at most per station."""
        return [
            NetworkEvent(station_id, int(r[0]), r[1], r[2], event_from_content(json.loads(r[3])))
            for station_id, r in self._after(
                "SELECT station_id, last_seq FROM hub.heads",
                "SELECT seq, prev_hash, hash, body FROM hub.events WHERE station_id = %s AND seq > %s"
                " ORDER BY seq LIMIT %s",
                positions,
                limit,
            )
        ]

    def follows_after(self, positions: dict[str, int], limit: int) -> list[NetworkFollow]:
        """Each station's follows after its position, then the tracking page's requests after theirs."""
        found = [
            NetworkFollow(station_id, int(r[0]), r[1], r[2], r[3].isoformat())
            for station_id, r in self._after(
                "SELECT station_id, max(local_id) FROM hub.follows GROUP BY station_id",
                "SELECT local_id, phone, item_id, requested_at FROM hub.follows"
                " WHERE station_id = %s AND local_id > %s ORDER BY local_id LIMIT %s",
                positions,
                limit,
            )
        ]
        with self.conn.transaction():
            rows = self.conn.execute(
                "SELECT id, phone, item_id, requested_at, action FROM hub.web_texts WHERE id > %s"
                " ORDER BY id LIMIT %s",
                (positions.get(WEB_FOLLOWS, 0), limit),
            ).fetchall()
        found += [
            NetworkFollow(WEB_FOLLOWS, int(r[0]), r[1], r[2], r[3].isoformat(), r[4] == "stop") for r in rows
        ]
        return found

    def _after(
        self, last_sql: str, rows_sql: str, positions: dict[str, int], limit: int
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """(station, row) for each station whose last position (`last_sql`) is past the one taken in,
        its rows after it (`rows_sql`), in one transaction."""
        found: list[tuple[str, tuple[Any, ...]]] = []
        with self.conn.transaction():
            for station_id, last in self.conn.execute(last_sql).fetchall():
                after = positions.get(station_id, 0)
                if last is None or last <= after:
                    continue
                rows = self.conn.execute(rows_sql.encode(), (station_id, after, limit)).fetchall()
                found += [(str(station_id), tuple(r)) for r in rows]
        return found


class HubNotifier:
    """Take in, send, wait for NOTIFY; again."""

    def __init__(
        self,
        dsn: str,
        make_texts: Callable[[PostgresFeed], NetworkTexts],
        worker: SmsWorker,
        *,
        idle: float = 15.0,
        on_pass: Callable[[TakenIn, WorkerReport], None] | None = None,
    ) -> None:
        self.dsn = dsn
        self.make_texts = make_texts
        self.worker = worker
        self.idle = idle
        self.on_pass = on_pass
        self.stop = threading.Event()
        self._listen: psycopg.Connection | None = None
        self._feed: psycopg.Connection | None = None

    def _attach(self) -> NetworkTexts:
        """Connect, take the lock, listen; HubError when the hub is away or another notifier runs."""
        self._detach()
        listen = connect(self.dsn, autocommit=True)
        self._listen = listen
        held = listen.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        if not held or not held[0]:
            self._detach()
            raise AnotherNotifier(
                "another notifier is texting for this hub: this one stops (one sends, once)"
            )
        listen.execute(f"LISTEN {CHANNEL}")
        self._feed = connect(self.dsn)
        return self.make_texts(PostgresFeed(self._feed))

    def _detach(self) -> None:
        for conn in (self._listen, self._feed):
            if conn is not None:
                with contextlib.suppress(psycopg.Error):
                    conn.close()
        self._listen = self._feed = None

    def run_once(self, texts: NetworkTexts) -> tuple[TakenIn, WorkerReport]:
        """Take in everything new, then send what is due."""
        events = follows = queued = 0
        while True:
            taken = texts.take_in()
            events, follows, queued = events + taken.events, follows + taken.follows, queued + taken.queued
            if not taken.anything:
                break
        report = self.worker.run_once()
        total = TakenIn(events, follows, queued)
        if self.on_pass is not None:
            self.on_pass(total, report)
        return total, report

    def _wait(self) -> None:
        """Until a push is notified, `idle` seconds pass or `stop` is set (looked at twice a second)."""
        assert self._listen is not None
        deadline = time.monotonic() + self.idle
        while not self.stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for _ in self._listen.notifies(timeout=min(left, 0.5), stop_after=1):
                return  # woken by a push: the next pass looks at everything new, whoever pushed it

    def run(self, *, once: bool = False, retry: float = 5.0) -> None:
        """Until `stop` is set (or one pass with `once`). A lost hub is waited for, `retry` s apart."""
        texts: NetworkTexts | None = None
        lost = False
        try:
            while not self.stop.is_set():
                try:
                    if texts is None:
                        texts = self._attach()
                        if lost:
                            log.warning("hub notifier: hub reachable again")
                            lost = False
                    self.run_once(texts)
                    if once:
                        return
                    self._wait()
                except psycopg.OperationalError as exc:
                    if once:
                        raise HubError(f"hub lost: {one_line(exc)}") from None
                    if not lost:
                        log.warning("hub notifier: hub lost (%s); waiting for it", exc)
                        lost = True
                    texts = None
                    self._detach()
                    self.stop.wait(retry)
                except AnotherNotifier:
                    raise
                except HubError as exc:
                    if once:
                        raise
                    if not lost:
                        log.warning("hub notifier: %s; waiting for it", exc)
                        lost = True
                    texts = None
                    self.stop.wait(retry)
        finally:
            self._detach()
