"""The durable outbox: messages are rows written in the same transaction as the scan that caused them.

No scan is committed without its messages and no message exists without its committed scan. A worker
(`worker.py`) sends what is due. Non-urgent messages are held during the customer's quiet hours
(21:00-08:00 in the number's time zone); "in transit" goes out at most once a day per item and
number; a number gets at most RATE_PER_HOUR messages an hour (the rest wait their turn).
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from station.containers import contents_recursive, is_sack
from station.events import EventKind, StoredEvent
from station.notify import templates

if TYPE_CHECKING:
    from station.app import Station

SCHEMA = """
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

TEMPLATE_FOR = {
    EventKind.ACCEPTANCE: "accepted",
    EventKind.SORT_IN: "in_transit",
    EventKind.DISPATCH: "in_transit",
    EventKind.ARRIVAL: "in_transit",
    EventKind.DELIVERY_OFFICE: "in_transit",
    EventKind.OUT_FOR_DELIVERY: "out_for_delivery",
    EventKind.DELIVERED: "delivered",
    EventKind.ATTEMPTED: "attempted",
    EventKind.DELAYED: "delayed",
    EventKind.RETURNED: "returned",
}
NOT_URGENT = {"accepted", "in_transit", "delayed", "returned"}  # replies to the customer are never held
CONSENT_TEMPLATES = {"optin_request", "optin_confirmed", "following", "stop_confirmed", "start_confirmed",
                     "help", "unknown"}  # fmt: skip
QUIET_START, QUIET_END = 21, 8
RATE_PER_HOUR = 10


def queue_message(
    station: Station,
    conn: sqlite3.Connection,
    phone: str,
    item_id: str,
    template: str,
    *,
    consent_message: bool = False,
    event_id: str | None = None,
) -> int | None:
    """Add one message to the outbox inside `conn`'s transaction; None when it must not be sent."""
    row = conn.execute("SELECT state, time_zone FROM sms_subscribers WHERE phone=?", (phone,)).fetchone()
    if row is None or (not consent_message and row[0] != "active"):
        return None  # only consent replies go to numbers that have not confirmed YES (or said STOP)
    now = station.clock()
    zone = ZoneInfo(row[1])
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
    message = templates.render(template, item_id=item_id, date=local.strftime("%b %d"))
    not_before, state = now, "queued"
    if template in NOT_URGENT and (local.hour >= QUIET_START or local.hour < QUIET_END):
        morning = local.replace(hour=QUIET_END, minute=0, second=0, microsecond=0)
        if local.hour >= QUIET_START:
            morning += timedelta(days=1)
        not_before, state = morning.astimezone(now.tzinfo), "held"
    recent = conn.execute(
        "SELECT not_before FROM sms_outbox WHERE phone=? AND not_before>? ORDER BY not_before",
        (phone, (not_before - timedelta(hours=1)).isoformat()),
    ).fetchall()
    if len(recent) >= RATE_PER_HOUR:
        not_before = datetime.fromisoformat(recent[-RATE_PER_HOUR][0]) + timedelta(hours=1)
        state = "held"
    cur = conn.execute(
        "INSERT INTO sms_outbox (phone, item_id, template, body, encoding, state, not_before, client_ref,"
        " event_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (phone, item_id, template, message.text, message.encoding, state, not_before.isoformat(),
         uuid.uuid4().hex, event_id, now.isoformat()),
    )  # fmt: skip
    return int(cur.lastrowid or 0)


def install_notifications(station: Station) -> None:
    """Make every journalled scan queue its customers' messages in the same transaction."""
    from station.notify.consent import ensure_schema

    ensure_schema(station)
    station.db.ensure_schema("sms_outbox", SCHEMA)

    def on_scan(conn: sqlite3.Connection, stored: StoredEvent) -> None:
        event = stored.event
        template = TEMPLATE_FOR.get(event.kind)
        if template is None:
            return
        items = [event.item_id]
        if event.kind in (EventKind.DISPATCH, EventKind.ARRIVAL, EventKind.DELIVERY_OFFICE) and is_sack(
            conn, event.item_id
        ):
            items = contents_recursive(conn, event.item_id)  # a sack's journey is its items' journey
        for item in items:
            for (phone,) in conn.execute("SELECT phone FROM sms_follows WHERE item_id=?", (item,)).fetchall():
                queue_message(station, conn, phone, item, template, event_id=event.event_id)

    station.journal.on_append(on_scan)
