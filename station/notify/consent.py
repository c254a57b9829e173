"""Consent, as the CTIA messaging principles ask: double opt-in, STOP honoured at once, every change logged.

States: pending (asked to reply YES; nothing else is sent), active, stopped. A text is read the way a
person means it: Unicode NFKC (full-width letters), case-folded, punctuation and emoji dropped. The CTIA
opt-out keywords (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, plus REVOKE and OPTOUT, and "opt out")
count as the whole message or its first word, and any text with "stop" or "unsubscribe" as a word opts
out too: when in doubt, opt out. `STOP <tracking number>` stops only that item, as USPS Text Tracking
does. A tracking number texted in follows that item. Replies are queued in the outbox; consent replies
are never held by quiet hours or the rate limit.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass

from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.model.states import SubscriberState
from station.notify import feedback, inbound_ids, subscribers
from station.notify.host import TextingStation
from station.notify.outbox import cancel_waiting, queue_message
from station.notify.phone import to_e164

STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
STOP_ANYWHERE = {"stop", "unsubscribe", "stopall", "optout"}
START_WORDS = {"start", "unstop"}
HELP_WORDS = {"help", "info"}
YES_WORDS = {"yes", "y"}


def words_of(body: str) -> list[str]:
    """The text's words as a person means them: NFKC, case-folded, without punctuation or emoji."""
    text = unicodedata.normalize("NFKC", body).casefold()
    return "".join(ch if ch.isalnum() else " " for ch in text).split()


def _opts_out(words: list[str]) -> bool:
    if not words:
        return False
    if words[0] in STOP_WORDS or words[:2] == ["opt", "out"]:
        return True
    joined = " ".join(words)
    return any(w in STOP_ANYWHERE for w in words) or " opt out" in f" {joined}"


def _stopped_item(words: list[str]) -> str | None:
    """The item of `STOP <tracking number>`, if that is what the text says."""
    if len(words) == 2 and words[0] == "stop":
        found = classify(words[1])
        if isinstance(found, Identified) and found.kind in ITEM_KINDS:
            return found.id
    return None


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
    station: TextingStation, conn: sqlite3.Connection, phone: str, state: SubscriberState, source: str
) -> None:
    subscribers.set_state(conn, phone, state, source, station.clock().isoformat())


def subscribe(station: TextingStation, item_id: str, phone_text: str, source: str = "counter") -> str:
    """The counter's opt-in: follow the item; a new or stopped number is asked to reply YES first."""
    phone = to_e164(phone_text)
    with station.db.transaction() as conn:
        if station.config.hub:  # the hub's notifier holds the network's consent and asks for YES
            subscribers.follow(conn, phone, item_id, station.clock().isoformat())
            subscribers.request_follow_at_hub(conn, phone, item_id, station.clock().isoformat())
            return subscribers.AT_HUB
        state = _state(conn, phone)
        subscribers.follow(conn, phone, item_id, station.clock().isoformat())
        if state is SubscriberState.ACTIVE:
            queue_message(station, conn, phone, item_id, "following")
            return SubscriberState.ACTIVE
        if state is SubscriberState.PENDING:
            return SubscriberState.PENDING  # already asked to reply YES: one request, not one per item
        _set_state(station, conn, phone, SubscriberState.PENDING, source)
        queue_message(station, conn, phone, item_id, "optin_request", consent_message=True)
        return SubscriberState.PENDING


def stop_item(station: TextingStation, item_id: str, phone_text: str, source: str) -> None:
    """No more texts about the item to the number (the tracking page's "stop texts"), at once; the number
    is told so, once, unless it follows nothing any more and was stopped already."""
    phone = to_e164(phone_text)
    with station.db.transaction() as conn:
        if item_id not in subscribers.items_followed(conn, phone):
            return  # it did not follow the item: nothing to stop, nobody to text
        _stop_item(station, conn, phone, item_id, source, f"stopped on the {source}")


def _stop_item(
    station: TextingStation, conn: sqlite3.Connection, phone: str, item_id: str, source: str, why: str
) -> None:
    subscribers.unfollow(conn, phone, item_id)
    cancel_waiting(conn, phone, f"{why} {item_id}", item_id=item_id)
    subscribers.log_change(conn, phone, f"stop-item:{item_id}", source, station.clock().isoformat())
    queue_message(station, conn, phone, item_id, "item_stopped")


def handle_inbound(
    station: TextingStation, phone_text: str, body: str, source: str = "sms", provider_id: str | None = None
) -> InboundResult:
    """A text from a customer (through SMPP, the webhook or the CLI). `provider_id`: the provider's id
    of the text (Twilio's MessageSid): a text already handled under it changes nothing."""
    phone = to_e164(phone_text)
    words = words_of(body)
    word = " ".join(words)
    keyword = words[0] if len(words) == 1 else ""
    with station.db.transaction() as conn:
        if provider_id is not None and not inbound_ids.first_time(
            conn, provider_id, phone, station.clock().isoformat()
        ):
            return InboundResult(phone, "replay", None)
        state = _state(conn, phone)
        item = subscribers.last_followed(conn, phone)
        stopped_item = _stopped_item(words)
        if stopped_item is not None:
            _stop_item(station, conn, phone, stopped_item, source, "customer replied STOP")
            return InboundResult(phone, "item stopped", "item_stopped")
        if _opts_out(words):
            if state is SubscriberState.STOPPED:
                return InboundResult(phone, "stopped", None)  # confirmed once already
            _set_state(station, conn, phone, SubscriberState.STOPPED, f"{source}:{word[:40]}")
            # STOP is honoured at once: nothing already waiting goes out after it.
            cancel_waiting(conn, phone, "customer replied STOP")
            queue_message(station, conn, phone, item, "stop_confirmed", consent_message=True)
            return InboundResult(phone, "stopped", "stop_confirmed")
        if keyword in START_WORDS or (words and words[0] in START_WORDS):
            _set_state(station, conn, phone, SubscriberState.ACTIVE, f"{source}:{word}")
            queue_message(station, conn, phone, item, "start_confirmed", consent_message=True)
            return InboundResult(phone, "active", "start_confirmed")
        if words and words[0] in HELP_WORDS:
            queue_message(station, conn, phone, item, "help", consent_message=True)
            return InboundResult(phone, "help", "help")
        if keyword in YES_WORDS:
            if state is not SubscriberState.PENDING:
                return InboundResult(phone, "ignored", None)
            _set_state(station, conn, phone, SubscriberState.ACTIVE, f"{source}:YES")
            queue_message(station, conn, phone, item, "optin_confirmed")
            return InboundResult(phone, "active", "optin_confirmed")
        if len(words) == 1 and words[0] in {"1", "2", "3", "4", "5"}:
            about = feedback.awaiting(conn, phone)
            if about is not None:
                feedback.record(conn, phone, about, int(words[0]), station.clock().isoformat())
                queue_message(station, conn, phone, about, "feedback_thanks")
                return InboundResult(phone, "feedback", "feedback_thanks")
        found = classify(body)
        if isinstance(found, Identified) and found.kind in ITEM_KINDS:
            subscribers.follow(conn, phone, found.id, station.clock().isoformat())
            if state is SubscriberState.ACTIVE:
                queue_message(station, conn, phone, found.id, "following")
                return InboundResult(phone, "following", "following")
            if state is SubscriberState.STOPPED:
                return InboundResult(phone, "ignored", None)  # STOP stands until START
            if state is SubscriberState.PENDING:
                return InboundResult(phone, "pending", None)  # asked to reply YES already: asked once
            _set_state(station, conn, phone, SubscriberState.PENDING, f"{source}:tracking-number")
            queue_message(station, conn, phone, found.id, "optin_request", consent_message=True)
            return InboundResult(phone, "pending", "optin_request")
        if state is SubscriberState.STOPPED:
            return InboundResult(phone, "ignored", None)
        queue_message(station, conn, phone, item, "unknown", consent_message=True)
        return InboundResult(phone, "unknown", "unknown")
