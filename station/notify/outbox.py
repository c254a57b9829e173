"""The durable outbox: messages are rows written in the same transaction as the scan that caused them.

No scan is committed without its messages and no message exists without its committed scan. A worker
(`worker.py`) sends what is due. Non-urgent messages are held during the customer's quiet hours
(21:00-08:00 in the number's time zone); "in transit" goes out at most once a day per item and
number; a number gets at most RATE_PER_HOUR messages an hour (the rest wait their turn).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from station.items import delivery_pins
from station.items.containers import contents_recursive, is_sack
from station.model.events import Event, EventKind, StoredEvent
from station.model.states import WAITING_OUTBOX_STATES, OutboxState, SubscriberState
from station.notify import feedback, subscribers, templates
from station.store import journal

if TYPE_CHECKING:
    from station.notify.host import TextingStation

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS sms_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    phone       TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    template    TEXT NOT NULL,
    body        TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    state       TEXT NOT NULL,
    not_before  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    client_ref  TEXT NOT NULL UNIQUE,
    gateway_id  TEXT,
    receipt     TEXT,
    event_id    TEXT,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX IF NOT EXISTS sms_outbox_due ON sms_outbox (state, not_before);
CREATE INDEX IF NOT EXISTS sms_outbox_phone ON sms_outbox (phone, created_at);
"""

NOT_URGENT = {
    "accepted",
    "in_transit",
    "delayed",
    "returned",
    "feedback",
}  # replies to the customer are never held
# Replies about consent itself: they go to numbers that have not (or no longer) opted in, are never held by
# quiet hours or the rate limit, and are the only messages a stopped number can get (its confirmation).
CONSENT_TEMPLATES = {"optin_request", "stop_confirmed", "item_stopped", "start_confirmed", "help", "unknown"}
QUIET_START, QUIET_END = 21, 8
RATE_PER_HOUR = 10
HIDDEN_CODE = "(a delivery code: not kept, not shown)"
# The texts that carry a code (at the door, at the counter, at a locker): blanked once the gateway took
# them, never listed.
CODE_TEMPLATES = (delivery_pins.TEMPLATE, "pickup_code", "locker_code")


def queue_message(
    station: TextingStation,
    conn: sqlite3.Connection,
    phone: str,
    item_id: str,
    template: str,
    *,
    consent_message: bool = False,
    event_id: str | None = None,
    code: str = "",
) -> int | None:
    """Add one message to the outbox inside `conn`'s transaction; None when it must not be sent."""
    consent_message = consent_message or template in CONSENT_TEMPLATES
    found = subscribers.subscriber(conn, phone)
    if found is None or (not consent_message and found.state is not SubscriberState.ACTIVE):
        return None  # only consent replies go to numbers that have not confirmed YES (or said STOP)
    now = station.clock()
    zone = ZoneInfo(found.time_zone)
    local = now.astimezone(zone)
    if template == "in_transit":
        since = (local.replace(hour=0, minute=0, second=0, microsecond=0)).astimezone(now.tzinfo).isoformat()
        already = conn.execute(
            "SELECT 1 FROM sms_outbox"
            " WHERE phone=? AND item_id=? AND template='in_transit' AND created_at>=?",
            (phone, item_id, since),
        ).fetchone()
        if already:
            return None
    message = templates.render(template, item_id=item_id, date=local.strftime("%b %d"), code=code)
    not_before, state = now, OutboxState.QUEUED
    if template in NOT_URGENT and (local.hour >= QUIET_START or local.hour < QUIET_END):
        morning = local.replace(hour=QUIET_END, minute=0, second=0, microsecond=0)
        if local.hour >= QUIET_START:
            morning += timedelta(days=1)
        not_before, state = morning.astimezone(now.tzinfo), OutboxState.HELD
    recent = (
        []
        if consent_message
        else conn.execute(
            "SELECT not_before FROM sms_outbox WHERE phone=? AND not_before>? AND template NOT IN"
            f" ({','.join('?' * len(CONSENT_TEMPLATES))}) ORDER BY not_before",
            (phone, (not_before - timedelta(hours=1)).isoformat(), *sorted(CONSENT_TEMPLATES)),
        ).fetchall()
    )
    if len(recent) >= RATE_PER_HOUR:
        not_before = datetime.fromisoformat(recent[-RATE_PER_HOUR][0]) + timedelta(hours=1)
        state = OutboxState.HELD
    cur = conn.execute(
        "INSERT INTO sms_outbox (phone, item_id, template, body, encoding, state, not_before, client_ref,"
        " event_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            phone,
            item_id,
            template,
            message.text,
            message.encoding,
            state,
            not_before.isoformat(),
            uuid.uuid4().hex,
            event_id,
            now.isoformat(),
        ),
    )
    return int(cur.lastrowid or 0)


def cancel_waiting(conn: sqlite3.Connection, phone: str, why: str, item_id: str | None = None) -> int:
    """Cancel every message to `phone` (about `item_id`, if given) not yet handed to a gateway."""
    item_clause = " AND item_id=?" if item_id is not None else ""
    cur = conn.execute(
        f"UPDATE sms_outbox SET state=?, last_error=? WHERE phone=? AND state IN (?, ?){item_clause}",
        (OutboxState.CANCELLED, why, phone, *WAITING_OUTBOX_STATES, *([item_id] if item_id else [])),
    )
    return cur.rowcount


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A message as the worker sends it."""

    id: int
    phone: str
    body: str
    encoding: str
    client_ref: str
    attempts: int


def due(conn: sqlite3.Connection, now: datetime, limit: int) -> list[OutboxMessage]:
    """Waiting messages whose time has come, oldest first."""
    rows = conn.execute(
        "SELECT id, phone, body, encoding, client_ref, attempts FROM sms_outbox"
        " WHERE state IN (?, ?) AND not_before <= ? ORDER BY id LIMIT ?",
        (*WAITING_OUTBOX_STATES, now.isoformat(), limit),
    ).fetchall()
    return [OutboxMessage(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class Backlog:
    """What waits in the outbox: `due` of the `waiting` could be sent now; `oldest_due` is since when."""

    waiting: int
    due: int
    oldest_due: datetime | None
    failed: int


def backlog(conn: sqlite3.Connection, now: datetime) -> Backlog:
    """The outbox's waiting, due and failed messages (what the doctor and the window's status show)."""
    waiting, due_now, oldest = conn.execute(
        "SELECT count(*), sum(not_before <= ?), min(CASE WHEN not_before <= ? THEN not_before END)"
        " FROM sms_outbox WHERE state IN (?, ?)",
        (now.isoformat(), now.isoformat(), *WAITING_OUTBOX_STATES),
    ).fetchone()
    failed = conn.execute("SELECT count(*) FROM sms_outbox WHERE state = ?", (OutboxState.FAILED,)).fetchone()
    return Backlog(
        int(waiting), int(due_now or 0), datetime.fromisoformat(oldest) if oldest else None, int(failed[0])
    )


def claim(conn: sqlite3.Connection, message_id: int) -> bool:
    """Take a waiting message for sending, inside the caller's write transaction; False when it is no
    longer waiting (cancelled, or taken by another worker) or the number withdrew consent since it was
    queued (then it is cancelled here: consent is checked in the same transaction that hands it over)."""
    row = conn.execute(
        "SELECT phone, template FROM sms_outbox WHERE id=? AND state IN (?, ?)",
        (message_id, *WAITING_OUTBOX_STATES),
    ).fetchone()
    if row is None:
        return False
    if row[1] not in CONSENT_TEMPLATES:
        found = subscribers.subscriber(conn, row[0])
        if found is None or found.state is not SubscriberState.ACTIVE:
            mark_unsent(conn, message_id, OutboxState.CANCELLED, "consent withdrawn before it was sent")
            return False
    conn.execute(
        "UPDATE sms_outbox SET state=?, attempts=attempts+1 WHERE id=?", (OutboxState.SENDING, message_id)
    )
    return True


def mark_sent(conn: sqlite3.Connection, message_id: int, gateway_id: str, at: datetime) -> None:
    """The gateway took the message (a delivery code's text is not kept once it is gone)."""
    conn.execute(
        "UPDATE sms_outbox SET state=?, gateway_id=?, sent_at=?, last_error=NULL,"
        " body = CASE WHEN template IN (?, ?, ?) THEN ? ELSE body END WHERE id=?",
        (OutboxState.SENT, gateway_id, at.isoformat(), *CODE_TEMPLATES, HIDDEN_CODE, message_id),
    )


def mark_unsent(
    conn: sqlite3.Connection,
    message_id: int,
    state: OutboxState,
    error: str,
    not_before: datetime | None = None,
) -> None:
    """The send failed: queued again (with a later `not_before`), failed, or uncertain."""
    if not_before is None:
        conn.execute("UPDATE sms_outbox SET state=?, last_error=? WHERE id=?", (state, error, message_id))
    else:
        conn.execute(
            "UPDATE sms_outbox SET state=?, last_error=?, not_before=? WHERE id=?",
            (state, error, not_before.isoformat(), message_id),
        )


def interrupted(conn: sqlite3.Connection) -> list[int]:
    """Messages left `sending` by a worker that stopped between send and acknowledgement."""
    return [r[0] for r in conn.execute("SELECT id FROM sms_outbox WHERE state=?", (OutboxState.SENDING,))]


def record_receipt(conn: sqlite3.Connection, gateway_id: str, receipt: str) -> None:
    """A delivery receipt for a sent message."""
    conn.execute("UPDATE sms_outbox SET receipt=? WHERE gateway_id=?", (receipt, gateway_id))


def listing(conn: sqlite3.Connection) -> list[dict[str, object]]:
    """Every message with its state, for `station sms outbox` (a delivery code is never shown)."""
    rows = [
        dict(r)
        for r in conn.execute(
            "SELECT id, phone, item_id, template, body, encoding, state, not_before, attempts,"
            " created_at, sent_at, last_error, receipt FROM sms_outbox ORDER BY id"
        )
    ]
    for row in rows:
        if row["template"] in CODE_TEMPLATES:
            row["body"] = HIDDEN_CODE
    return rows


def opted_in(station: TextingStation, conn: sqlite3.Connection, item_id: str) -> list[str]:
    """The item's followers who confirmed YES; none at a station with a hub (its notifier texts)."""
    if station.config.hub:
        return []
    return [
        p
        for p in subscribers.followers(conn, item_id)
        if (s := subscribers.subscriber(conn, p)) and s.state is SubscriberState.ACTIVE
    ]


def text_code(
    station: TextingStation, conn: sqlite3.Connection, item_id: str, template: str, code: str
) -> int:
    """Text a code (a pickup or locker code) to the item's opted-in numbers, inside `conn`'s transaction;
    how many numbers it went to."""
    return sum(
        queue_message(station, conn, phone, item_id, template, code=code) is not None
        for phone in opted_in(station, conn, item_id)
    )


def text_delivery_pin(station: TextingStation, conn: sqlite3.Connection, event: Event) -> None:
    """Loaded on the round, an item accepted with "PIN on delivery": its code made and texted to the
    recipient's opted-in numbers (none, or a station whose hub does the texting: a signature instead)."""
    accepted = journal.acceptance_extra(conn, event.item_id)
    if accepted is None or not accepted.get("pin_delivery"):
        return
    active = opted_in(station, conn, event.item_id)
    code = delivery_pins.issue(
        conn, station.paths.keys, event.item_id, station.clock().isoformat(), sendable=bool(active)
    )
    if code is None:
        return
    for phone in active:
        queue_message(
            station, conn, phone, event.item_id, delivery_pins.TEMPLATE, event_id=event.event_id, code=code
        )


def queue_for_event(station: TextingStation, conn: sqlite3.Connection, event: Event) -> None:
    """Queue the texts one scan means for the item's followers (a sack's: for every item inside)."""
    facts = event.kind.facts
    if facts.sms_template is None:
        return
    items = [event.item_id]
    if facts.moves_contents and is_sack(conn, event.item_id):
        if not subscribers.has_followers(conn):
            return  # no need to open every sack inside when nobody follows anything
        items = contents_recursive(conn, event.item_id)  # a sack's journey is its items' journey
    for item in items:
        for phone in subscribers.followers(conn, item):
            queue_message(station, conn, phone, item, facts.sms_template, event_id=event.event_id)
            if event.kind is EventKind.DELIVERED and not feedback.asked(conn, phone, item):
                queue_message(station, conn, phone, item, feedback.TEMPLATE, event_id=event.event_id)


def install_notifications(station: TextingStation) -> None:
    """Make every journalled scan queue its customers' messages in the same transaction.

    A station with a hub texts nobody itself: the hub's notifier texts for the whole network, once
    (`station.notify.network`), so an item scanned at three stations is not texted three times.
    """

    def on_scan(conn: sqlite3.Connection, stored: StoredEvent) -> None:
        if not station.config.hub:
            queue_for_event(station, conn, stored.event)
        if stored.event.kind is EventKind.OUT_FOR_DELIVERY:
            text_delivery_pin(station, conn, stored.event)

    station.journal.on_append(on_scan)
