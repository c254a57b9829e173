"""Texting for a network of stations: customers are texted once, by one notifier at the hub.

With a hub, no station texts its customers: a station that takes a number at its counter keeps the
follow locally (customer service finds it by phone) and queues it in `network_follows` for its next
push. The hub's notifier (`station hub notify`, woken by PostgreSQL LISTEN/NOTIFY) is a station of its
own with an empty journal: it holds the network's consent, outbox and sack contents, takes in every
station's events and follows in order, and queues each customer's texts with the same rules a lone
station uses (double opt-in, STOP at once, quiet hours, rate limit). What it has taken in is kept in
`network_cursor` in the same transaction as the messages it queued, so a notifier killed mid-pass
queues nothing twice and misses nothing.

The owner of `network_cursor`; a station's `network_follows` belong to `subscribers`.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Protocol

from station.items import containers
from station.model.events import Event, StoredEvent
from station.network.port import WEB_FOLLOWS, NetworkFollow
from station.notify import consent, outbox
from station.notify.host import TextingStation
from station.notify.phone import InvalidPhone

SCHEMA_V6 = """
CREATE TABLE IF NOT EXISTS network_cursor (
    feed     TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
"""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NetworkEvent:
    """One station's journal event as the hub holds it."""

    station_id: str
    seq: int
    prev_hash: str
    hash: str
    event: Event


class NetworkFeed(Protocol):
    """The hub, as its notifier reads it."""

    def events_after(self, positions: dict[str, int], limit: int) -> list[NetworkEvent]:
        """Each station's events after the seq given for it (0 for a station not named), in seq order."""
        ...

    def follows_after(self, positions: dict[str, int], limit: int) -> list[NetworkFollow]:
        """Each station's follows after the local id given for it."""
        ...


# The notifier's side ----------------------------------------------------------------------------------


def positions(conn: sqlite3.Connection, feed: str) -> dict[str, int]:
    """Per station, the last event seq (feed 'events') or follow id (feed 'follows') taken in."""
    prefix = f"{feed}:"
    rows = conn.execute(
        "SELECT feed, position FROM network_cursor WHERE feed >= ? AND feed < ?", (prefix, f"{feed};")
    )
    return {str(name)[len(prefix) :]: int(position) for name, position in rows}


def _advance(conn: sqlite3.Connection, feed: str, station_id: str, position: int) -> None:
    conn.execute(
        "INSERT INTO network_cursor (feed, position) VALUES (?, ?) ON CONFLICT (feed) DO UPDATE"
        " SET position = max(position, excluded.position)",
        (f"{feed}:{station_id}", position),
    )


@dataclass(frozen=True)
class TakenIn:
    """What one pass of the notifier took in from the hub."""

    events: int
    follows: int
    queued: int  # messages queued for customers

    @property
    def anything(self) -> bool:
        """True when the pass found something new (another pass may find more)."""
        return bool(self.events or self.follows)


class NetworkTexts:
    """The hub's notifier: every station's events and follows, taken in once, texted once."""

    def __init__(self, notifier: TextingStation, feed: NetworkFeed) -> None:
        if notifier.config.hub:
            raise ValueError("the notifier is the hub's own station: it has no hub of its own")
        self.notifier = notifier
        self.feed = feed

    def take_in(self, limit: int = 1000) -> TakenIn:
        """One batch from the hub: events first (in time order across stations), then follows."""
        db = self.notifier.db
        with db.reading() as conn:
            after_events = positions(conn, "events")
            after_follows = positions(conn, "follows")
        events = self.feed.events_after(after_events, limit)
        follows = self.feed.follows_after(after_follows, limit)
        queued = 0
        with db.transaction() as conn:
            before = _outbox_size(conn)
            taken = positions(conn, "events")  # again, inside the transaction: a pass may have run since
            # Per station the hub gives them in seq order; across stations, time order is the journey's.
            for item in sorted(events, key=lambda n: (n.event.occurred_at, n.station_id, n.seq)):
                if item.seq <= taken.get(item.station_id, 0):
                    continue
                taken[item.station_id] = item.seq
                stored = StoredEvent(item.event, item.seq, item.prev_hash, item.hash)
                containers.apply(conn, stored)
                outbox.queue_for_event(self.notifier, conn, item.event)
                _advance(conn, "events", item.station_id, item.seq)
            taken = positions(conn, "follows")
            for follow in follows:
                if follow.local_id <= taken.get(follow.station_id, 0):
                    continue
                taken[follow.station_id] = follow.local_id
                source = "web" if follow.station_id == WEB_FOLLOWS else f"counter:{follow.station_id}"
                try:
                    if follow.stop:
                        consent.stop_item(self.notifier, follow.item_id, follow.phone, source=source)
                    else:
                        consent.subscribe(self.notifier, follow.item_id, follow.phone, source=source)
                except InvalidPhone as exc:  # the station checked it; a bad one must not stop the feed
                    log.warning("follow %s/%s not taken: %s", follow.station_id, follow.local_id, exc)
                _advance(conn, "follows", follow.station_id, follow.local_id)
            queued = _outbox_size(conn) - before
        return TakenIn(len(events), len(follows), queued)


def _outbox_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM sms_outbox").fetchone()[0])
