"""Consent, as the CTIA messaging principles ask: double opt-in, STOP honoured at once, every change logged.

States: pending (asked to reply YES; nothing else is sent), active, stopped. Keywords are matched
case-insensitively with surrounding white space; a tracking number texted in follows that item.
Replies are queued in the outbox like every other message, so they are durable and rate-limited too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import phonenumbers
from phonenumbers import timezone as phone_timezones

from station.app import Station
from station.notify.outbox import queue_message
from station.notify.phone import to_e164
from station.scanning import Identified, IdKind, classify

SCHEMA = """
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

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
YES_WORDS = {"YES", "Y"}


@dataclass(frozen=True)
class InboundResult:
    """What an inbound text did, and the reply queued (if any)."""

    phone: str
    action: str
    reply: str | None


def ensure_schema(station: Station) -> None:
    """Create the consent tables."""
    station.db.ensure_schema("sms_consent", SCHEMA)


def time_zone_of(phone: str) -> str:
    """The number's time zone (first of its region's zones), for quiet hours."""
    zones = phone_timezones.time_zones_for_number(phonenumbers.parse(phone))
    return zones[0] if zones and zones[0] != "Etc/Unknown" else "UTC"


def state_of(conn: sqlite3.Connection, phone: str) -> str | None:
    """pending / active / stopped, or None for a number never seen."""
    row = conn.execute("SELECT state FROM sms_subscribers WHERE phone=?", (phone,)).fetchone()
    return row[0] if row else None


def _set_state(station: Station, conn: sqlite3.Connection, phone: str, state: str, source: str) -> None:
    now = station.clock().isoformat()
    conn.execute(
        "INSERT INTO sms_subscribers VALUES (?,?,?,?) ON CONFLICT (phone) DO UPDATE SET state=excluded.state,"
        " updated_at=excluded.updated_at",
        (phone, state, time_zone_of(phone), now),
    )
    conn.execute(
        "INSERT INTO sms_consent_log (phone, change, source, at) VALUES (?,?,?,?)",
        (phone, state, source, now),
    )


def _follow(station: Station, conn: sqlite3.Connection, phone: str, item_id: str) -> None:
    conn.execute(
        "INSERT INTO sms_follows VALUES (?,?,?) ON CONFLICT DO NOTHING",
        (phone, item_id, station.clock().isoformat()),
    )


def subscribe(station: Station, item_id: str, phone_text: str, source: str = "counter") -> str:
    """The counter's opt-in: follow the item; a new or stopped number is asked to reply YES first."""
    ensure_schema(station)
    phone = to_e164(phone_text)
    with station.db.transaction() as conn:
        state = state_of(conn, phone)
        _follow(station, conn, phone, item_id)
        if state == "active":
            queue_message(station, conn, phone, item_id, "following")
            return "active"
        _set_state(station, conn, phone, "pending", source)
        queue_message(station, conn, phone, item_id, "optin_request", consent_message=True)
        return "pending"


def handle_inbound(station: Station, phone_text: str, body: str, source: str = "sms") -> InboundResult:
    """A text from a customer (through SMPP, the webhook or the CLI)."""
    ensure_schema(station)
    phone = to_e164(phone_text)
    word = " ".join(body.split()).upper()
    with station.db.transaction() as conn:
        state = state_of(conn, phone)
        last_item = conn.execute(
            "SELECT item_id FROM sms_follows WHERE phone=? ORDER BY since DESC LIMIT 1", (phone,)
        ).fetchone()
        item = last_item[0] if last_item else ""
        if word in STOP_WORDS:
            _set_state(station, conn, phone, "stopped", f"{source}:{word}")
            # STOP is honoured at once: nothing already waiting goes out after it.
            conn.execute(
                "UPDATE sms_outbox SET state='cancelled', last_error='customer replied STOP'"
                " WHERE phone=? AND state IN ('queued', 'held')",
                (phone,),
            )
            queue_message(station, conn, phone, item, "stop_confirmed", consent_message=True)
            return InboundResult(phone, "stopped", "stop_confirmed")
        if word in START_WORDS:
            _set_state(station, conn, phone, "active", f"{source}:{word}")
            queue_message(station, conn, phone, item, "start_confirmed", consent_message=True)
            return InboundResult(phone, "active", "start_confirmed")
        if word in HELP_WORDS:
            queue_message(station, conn, phone, item, "help", consent_message=True)
            return InboundResult(phone, "help", "help")
        if word in YES_WORDS:
            if state != "pending":
                return InboundResult(phone, "ignored", None)
            _set_state(station, conn, phone, "active", f"{source}:YES")
            queue_message(station, conn, phone, item, "optin_confirmed")
            return InboundResult(phone, "active", "optin_confirmed")
        found = classify(body)
        if isinstance(found, Identified) and found.kind in (IdKind.S10, IdKind.IMPB):
            _follow(station, conn, phone, found.id)
            if state == "active":
                queue_message(station, conn, phone, found.id, "following")
                return InboundResult(phone, "following", "following")
            if state == "stopped":
                return InboundResult(phone, "ignored", None)  # STOP stands until START
            _set_state(station, conn, phone, "pending", f"{source}:tracking-number")
            queue_message(station, conn, phone, found.id, "optin_request", consent_message=True)
            return InboundResult(phone, "pending", "optin_request")
        if state == "stopped":
            return InboundResult(phone, "ignored", None)
        queue_message(station, conn, phone, item, "unknown", consent_message=True)
        return InboundResult(phone, "unknown", "unknown")
