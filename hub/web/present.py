"""What the page and the API show of a `PublicTrack`, in the asked language: words for each status,
event kind, reason and choice (English source text, translated by the catalogs), places by town.

Every value here comes from the public columns: there is no name, street, phone or customs line to
leak. The details behind the postcode add the delivery office, the attempts and their reasons, and the
choice in force.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from hub.web.i18n import Words
from hub.web.reading import ChoiceInForce, Place
from station.insight.public_track import PublicEvent, PublicTrack
from station.model.events import EventKind


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "translate later": Babel extracts it
    """Mark a text for translation where it is defined; it is translated where it is shown."""
    return text


STATUS_WORDS = {
    "accepted": N_("Accepted"),
    "in-transit": N_("In transit"),
    "out-for-delivery": N_("Out for delivery"),
    "delivered": N_("Delivered"),
    "attempted": N_("Delivery attempted"),
    "delayed": N_("Delayed"),
    "returned": N_("Returned to the sender"),
    "voided": N_("Cancelled at the counter"),
    "held": N_("Ready to collect"),
}
KIND_WORDS = {
    EventKind.ACCEPTANCE: N_("Accepted at the post office"),
    EventKind.SORT_IN: N_("Sorted"),
    EventKind.SACK_REMOVE: N_("Sorted"),
    EventKind.SACK_CLOSE: N_("Sorted"),
    EventKind.DISPATCH: N_("Left the office"),
    EventKind.ARRIVAL: N_("Arrived at a sorting office"),
    EventKind.DELIVERY_OFFICE: N_("Arrived at the delivery office"),
    EventKind.OUT_FOR_DELIVERY: N_("Out for delivery"),
    EventKind.DELIVERED: N_("Delivered"),
    EventKind.ATTEMPTED: N_("Delivery attempted"),
    EventKind.DELAYED: N_("Delayed"),
    EventKind.RETURNED: N_("Returned to the sender"),
    EventKind.VOID: N_("Cancelled at the counter"),
    EventKind.CHOICE: N_("Your delivery choice was taken"),
    EventKind.HELD: N_("Ready to collect at the post office"),
    EventKind.PICKED_UP: N_("Collected"),
}
REASON_WORDS = {
    "ADDRESSEE_ABSENT": N_("Nobody was in: a notice was left"),
    "ADDRESS_INCORRECT": N_("The address is incorrect or incomplete"),
    "REFUSED": N_("Refused at the address"),
    "NO_ACCESS": N_("No access to the address"),
    "BUSINESS_CLOSED": N_("The business was closed"),
    "ADDRESSEE_MOVED": N_("The addressee has moved"),
    "DAMAGED": N_("The item is damaged"),
    "CUSTOMS": N_("Held for customs"),
    "WEATHER": N_("Delayed by the weather"),
    "MISSORTED": N_("Sent the wrong way, now on its way again"),
    "CAPACITY": N_("Waiting for transport"),
    "UNCLAIMED": N_("Not collected in time"),
    "SENDER_REQUEST": N_("Returned at the sender's request"),
    "UNSPECIFIED": N_("No reason given"),
}
CHOICE_WORDS = {
    "hold": N_("Hold it at the office for pickup"),
    "redirect": N_("Redirect it to another office"),
    "safe-place": N_("Leave it at a safe place"),
    "neighbour": N_("Deliver it to a neighbour"),
    "another-day": N_("Deliver it another day"),
}
REFUSAL_WORDS = {
    "gate:wrong": N_("That postcode is not the one on the item."),
    "gate:locked": N_("Too many wrong postcodes: try again in 15 minutes."),
    "gate:unknown": N_("We have no record of this number."),
    "state:out-for-delivery": N_("The item is already out for delivery: choices are closed for today."),
    "state:delivered": N_("The item was delivered."),
    "state:returned": N_("The item is on its way back to the sender."),
    "state:void": N_("The item was cancelled at the counter."),
    "sender:forbidden": N_("The sender asked that this item is delivered as addressed."),
}
CLOSED_STATES = ("out-for-delivery", "delivered", "returned", "voided")
UTC_PLACE = Place("", "UTC")


def place_of(facility: str, places: dict[str, Place]) -> Place:
    """The facility's public name and zone (its code, in UTC, until the hub names it)."""
    return places.get(facility) or Place(facility, "UTC")


def zone_of(track: PublicTrack, places: dict[str, Place]) -> str:
    """The zone the item is in now (its last place's)."""
    return place_of(track.last_facility or "", places).time_zone if track.last_facility else "UTC"


def event_json(e: PublicEvent, places: dict[str, Place], words: Words) -> dict[str, Any]:
    """One event of the API's answer."""
    place = place_of(e.facility, places)
    return {
        "time": _local_iso(e.time, place.time_zone),
        "kind": e.kind,
        "place": place.town,
        "text": words(KIND_WORDS.get(EventKind(e.kind), e.kind)),
        **(
            {
                "proof": {
                    "station": e.proof.station_id,
                    "seq": e.proof.seq,
                    "hash": e.proof.hash,
                    "prev_hash": e.proof.prev_hash,
                }
            }
            if e.proof
            else {}
        ),
    }


def track_json(track: PublicTrack, places: dict[str, Place], words: Words) -> dict[str, Any]:
    """`GET /api/v1/track/{id}`."""
    status = str(track.status) if track.status else None
    return {
        "id": track.item_id,
        "status": status,
        "status_text": words(STATUS_WORDS[status]) if status else None,
        "events": [event_json(e, places, words) for e in track.events],
        "expected": expected_json(track, places),
    }


def expected_json(track: PublicTrack, places: dict[str, Place]) -> dict[str, Any] | None:
    """The expected day, the 80% day and the window (None when nothing is expected any more)."""
    if track.expected is None:
        return None
    zone = zone_of(track, places)
    window = (
        {"from": _local_iso(track.window.start, zone), "to": _local_iso(track.window.end, zone)}
        if track.window
        else None
    )
    return {
        "day": track.expected.expected.isoformat(),
        "by_80": track.expected.by_p80.isoformat(),
        "window": window,
    }


def details_json(
    track: PublicTrack,
    places: dict[str, Place],
    words: Words,
    choice: ChoiceInForce | None,
    photo: bytes | None = None,
) -> dict[str, Any]:
    """What the postcode adds: the delivery office, the attempts and their reasons, the choice, and the
    photo taken at the door (a data: URL of the JPEG, faces blurred at the door)."""
    office = track.delivery_office
    return {
        "photo": "data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii") if photo else None,
        "delivery_office": place_of(office, places).town if office else None,
        "attempts": [
            {
                "time": _local_iso(a.time, place_of(a.facility, places).time_zone),
                "reason": a.reason,
                "reason_text": words(
                    REASON_WORDS.get(a.reason or "UNSPECIFIED", REASON_WORDS["UNSPECIFIED"])
                ),
                "notice_at": place_of(a.facility, places).town if a.reason == "ADDRESSEE_ABSENT" else None,
            }
            for a in track.attempts
        ],
        "choice": (
            {
                "choice": choice.choice,
                "text": words(CHOICE_WORDS[choice.choice]),
                "made_at": choice.made_at.isoformat(),
                "office": choice.office,
                "day": choice.day.isoformat() if choice.day else None,
            }
            if choice
            else None
        ),
        "choices_open": choices_open(track),
        "choices_forbidden": track.choices_forbidden,
    }


def choices_open(track: PublicTrack) -> bool:
    """A choice can still be made (not out for delivery, delivered, returned or cancelled, and the sender
    did not forbid choices)."""
    return track.status is not None and str(track.status) not in CLOSED_STATES and not track.choices_forbidden


def _local_iso(at: datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")
