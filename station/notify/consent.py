"""Consent, as the CTIA messaging principles ask: double opt-in, STOP honoured at once, every change logged.

States: pending (asked to reply YES; nothing else is sent), active, stopped. Keywords are matched
case-insensitively with surrounding white space; a tracking number texted in follows that item.
Replies are queued in the outbox like every other message, so they are durable and rate-limited too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from station.app import Station
from station.notify import subscribers
from station.notify.outbox import cancel_waiting, queue_message
from station.notify.phone import to_e164
from station.scanning import Identified, IdKind, classify
from station.states import SubscriberState

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


def _state(conn: sqlite3.Connection, phone: str) -> SubscriberState | None:
    found = subscribers.subscriber(conn, phone)
    return found.state if found else None


def _set_state(
    station: Station, conn: sqlite3.Connection, phone: str, state: SubscriberState, source: str
) -> None:
    subscribers.set_state(conn, phone, state, source, station.clock().isoformat())


def subscribe(station: Station, item_id: str, phone_text: str, source: str = "counter") -> str:
    """The counter's opt-in: follow the item; a new or stopped number is asked to reply YES first."""
    phone = to_e164(phone_text)
    with station.db.transaction() as conn:
        state = _state(conn, phone)
        subscribers.follow(conn, phone, item_id, station.clock().isoformat())
        if state is SubscriberState.ACTIVE:
            queue_message(station, conn, phone, item_id, "following")
            return SubscriberState.ACTIVE
        _set_state(station, conn, phone, SubscriberState.PENDING, source)
        queue_message(station, conn, phone, item_id, "optin_request", consent_message=True)
        return SubscriberState.PENDING


def handle_inbound(station: Station, phone_text: str, body: str, source: str = "sms") -> InboundResult:
    """A text from a customer (through SMPP, the webhook or the CLI)."""
    phone = to_e164(phone_text)
    word = " ".join(body.split()).upper()
    with station.db.transaction() as conn:
        state = _state(conn, phone)
        item = subscribers.last_followed(conn, phone)
        if word in STOP_WORDS:
            _set_state(station, conn, phone, SubscriberState.STOPPED, f"{source}:{word}")
            # STOP is honoured at once: nothing already waiting goes out after it.
            cancel_waiting(conn, phone, "customer replied STOP")
            queue_message(station, conn, phone, item, "stop_confirmed", consent_message=True)
            return InboundResult(phone, "stopped", "stop_confirmed")
        if word in START_WORDS:
            _set_state(station, conn, phone, SubscriberState.ACTIVE, f"{source}:{word}")
            queue_message(station, conn, phone, item, "start_confirmed", consent_message=True)
            return InboundResult(phone, "active", "start_confirmed")
        if word in HELP_WORDS:
            queue_message(station, conn, phone, item, "help", consent_message=True)
            return InboundResult(phone, "help", "help")
        if word in YES_WORDS:
            if state is not SubscriberState.PENDING:
                return InboundResult(phone, "ignored", None)
            _set_state(station, conn, phone, SubscriberState.ACTIVE, f"{source}:YES")
            queue_message(station, conn, phone, item, "optin_confirmed")
            return InboundResult(phone, "active", "optin_confirmed")
        found = classify(body)
        if isinstance(found, Identified) and found.kind in (IdKind.S10, IdKind.IMPB):
            subscribers.follow(conn, phone, found.id, station.clock().isoformat())
            if state is SubscriberState.ACTIVE:
                queue_message(station, conn, phone, found.id, "following")
                return InboundResult(phone, "following", "following")
            if state is SubscriberState.STOPPED:
                return InboundResult(phone, "ignored", None)  # STOP stands until START
            _set_state(station, conn, phone, SubscriberState.PENDING, f"{source}:tracking-number")
            queue_message(station, conn, phone, found.id, "optin_request", consent_message=True)
            return InboundResult(phone, "pending", "optin_request")
        if state is SubscriberState.STOPPED:
            return InboundResult(phone, "ignored", None)
        queue_message(station, conn, phone, item, "unknown", consent_message=True)
        return InboundResult(phone, "unknown", "unknown")
