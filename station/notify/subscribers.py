"""The owner of the consent tables: who may be texted, every change of consent, and who follows what.

`sms_subscribers` holds each number's current consent state and time zone, `sms_consent_log` every
change with its source (kept for the CTIA audit trail), `sms_follows` which items a number follows,
`network_follows` the follows a station with a hub has still to push (with a hub, the hub's notifier
texts for the whole network: `station.notify.network`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import phonenumbers
from phonenumbers import timezone as phone_timezones

from station.model.states import SubscriberState
from station.network.port import NetworkFollow

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS sms_subscribers (
    phone      TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sms_consent_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    phone  TEXT NOT NULL,
    change TEXT NOT NULL,
    source TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sms_follows (
    phone   TEXT NOT NULL,
    item_id TEXT NOT NULL,
    since   TEXT NOT NULL,
    PRIMARY KEY (phone, item_id)
);
CREATE INDEX IF NOT EXISTS sms_follows_by_item ON sms_follows (item_id);
"""
# Schema 6: with a hub, the follows this station's counter took, waiting for its next push.
SCHEMA_V6 = """
CREATE TABLE IF NOT EXISTS network_follows (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    phone        TEXT NOT NULL,
    item_id      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    pushed       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS network_follows_waiting ON network_follows (pushed, id);
"""
AT_HUB = "sent to the hub"  # the counter's answer: the network's notifier asks for YES, not the station


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A number's consent now."""

    phone: str
    state: SubscriberState
    time_zone: str


def time_zone_of(phone: str) -> str:
    """The number's time zone (first of its region's zones), for quiet hours."""
    zones = phone_timezones.time_zones_for_number(phonenumbers.parse(phone))
    return zones[0] if zones and zones[0] != "Etc/Unknown" else "UTC"


def subscriber(conn: sqlite3.Connection, phone: str) -> Subscriber | None:
    """The number's consent, or None for a number never seen."""
    row = conn.execute("SELECT state, time_zone FROM sms_subscribers WHERE phone=?", (phone,)).fetchone()
    return Subscriber(phone, SubscriberState(row[0]), row[1]) if row else None


def set_state(conn: sqlite3.Connection, phone: str, state: SubscriberState, source: str, at: str) -> None:
    """Change a number's consent and log the change."""
    conn.execute(
        "INSERT INTO sms_subscribers VALUES (?,?,?,?) ON CONFLICT (phone) DO UPDATE SET state=excluded.state,"
        " updated_at=excluded.updated_at",
        (phone, state, time_zone_of(phone), at),
    )
    log_change(conn, phone, state, source, at)


def log_change(conn: sqlite3.Connection, phone: str, change: str, source: str, at: str) -> None:
    """One line of the consent audit trail."""
    conn.execute(
        "INSERT INTO sms_consent_log (phone, change, source, at) VALUES (?,?,?,?)",
        (phone, change, source, at),
    )


def follow(conn: sqlite3.Connection, phone: str, item_id: str, at: str) -> None:
    """The number follows the item (again: no change)."""
    conn.execute("INSERT INTO sms_follows VALUES (?,?,?) ON CONFLICT DO NOTHING", (phone, item_id, at))


def unfollow(conn: sqlite3.Connection, phone: str, item_id: str) -> bool:
    """The number no longer follows the item; False when it did not."""
    return conn.execute("DELETE FROM sms_follows WHERE phone=? AND item_id=?", (phone, item_id)).rowcount > 0


def followers(conn: sqlite3.Connection, item_id: str) -> list[str]:
    """The numbers following an item."""
    return [r[0] for r in conn.execute("SELECT phone FROM sms_follows WHERE item_id=?", (item_id,))]


def has_followers(conn: sqlite3.Connection) -> bool:
    """True when any number follows any item (most scans then need no follower look-up at all)."""
    return conn.execute("SELECT 1 FROM sms_follows LIMIT 1").fetchone() is not None


def last_followed(conn: sqlite3.Connection, phone: str) -> str:
    """The item the number most recently started following ('' if none)."""
    row = conn.execute(
        "SELECT item_id FROM sms_follows WHERE phone=? ORDER BY since DESC LIMIT 1", (phone,)
    ).fetchone()
    return str(row[0]) if row else ""


def items_followed(conn: sqlite3.Connection, phone: str) -> list[str]:
    """Every item a number follows (customer service's search by phone), newest first."""
    rows = conn.execute("SELECT item_id FROM sms_follows WHERE phone=? ORDER BY since DESC", (phone,))
    return [r[0] for r in rows]


def request_follow_at_hub(conn: sqlite3.Connection, phone: str, item_id: str, at: str) -> None:
    """Queue a follow for the hub (inside the counter's transaction)."""
    conn.execute(
        "INSERT INTO network_follows (phone, item_id, requested_at) VALUES (?,?,?)", (phone, item_id, at)
    )


def follows_waiting(conn: sqlite3.Connection, station_id: str, limit: int) -> list[NetworkFollow]:
    """Follows the hub has not confirmed yet, in order."""
    rows = conn.execute(
        "SELECT id, phone, item_id, requested_at FROM network_follows WHERE pushed = 0 ORDER BY id LIMIT ?",
        (limit,),
    ).fetchall()
    return [NetworkFollow(station_id, int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def mark_follows_pushed(conn: sqlite3.Connection, up_to_id: int) -> None:
    """The hub holds every follow up to this id."""
    conn.execute("UPDATE network_follows SET pushed = 1 WHERE pushed = 0 AND id <= ?", (up_to_id,))
