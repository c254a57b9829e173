"""The hub as the station sees it: a port (`HubPort`) and the values that cross it.

The domain never opens a socket: `hub.client.HubClient` (PostgreSQL) implements this protocol, and so
can a test's hub. A station works exactly as without a network when it has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from station.errors import Refused, Unreachable
from station.model.choices import CustomerChoice
from station.model.events import Event
from station.model.rows import Row
from station.store.checkpoints import SignedCheckpoint


@dataclass(frozen=True, slots=True)
class NetworkFollow:
    """A number that asked, at one station's counter, to follow an item."""

    station_id: str
    local_id: int  # the station's own row id: the order that station took them in
    phone: str
    item_id: str
    requested_at: str
    stop: bool = False  # a request to stop the item's texts (from the tracking page), not to follow it


WEB_FOLLOWS = "@web"  # the feed of the tracking page's requests, beside each station's (never a station id)


class HubUnavailable(Unreachable):
    """The hub cannot be reached now (the station carries on; the events wait)."""


class LeaseRefused(Refused):
    """The hub will not lease this block (the reason in words)."""


@dataclass(frozen=True, slots=True)
class Lease:
    """A block of serials of one space, leased by the hub to this station."""

    lease_id: int
    space: str
    first: int
    last: int
    leased_at: datetime


class HubPort(Protocol):
    """The hub, as the station's use cases need it."""

    def head(self, station_id: str) -> HubHead:
        """The hub's last event of this station."""
        ...

    def push(self, batch: list[Outgoing], claim: HubHead, at_head_hash: str | None) -> PushAnswer:
        """Store a batch (in one hub transaction); `claim` is this station's own last event and
        `at_head_hash` the hash of its event at the hub's head seq (None when it has no such event)."""
        ...

    def events_for(self, item_id: str) -> list[Event]:
        """Every station's events for an id."""
        ...

    def accepted_at(self, item_id: str) -> str | None:
        """The station that accepted the item, if any did."""
        ...

    def history_rows(self, since: datetime | None, until: datetime | None) -> list[Row]:
        """Every station's events from `since` to `until`, in time order, as the history reads them
        (the reports, the estimates and the fraud rules then run network-wide on the same code)."""
        ...

    def push_follows(self, follows: list[NetworkFollow]) -> None:
        """Hand the hub's notifier the numbers that asked this station's counter to follow an item
        (idempotent: a follow pushed twice is held once)."""
        ...

    def lease(self, space: str, size: int) -> Lease:
        """A new block of `size` serials of `space` (e.g. `s10:EE:US`) leased to this station: no other
        station's unfinished block, nor one finished within 12 months, overlaps it. `LeaseRefused`
        when the hub will not lease it (two unfinished blocks held already, the space full)."""
        ...

    def leases(self) -> list[Lease]:
        """This station's unfinished blocks, as the hub records them."""
        ...

    def finish_lease(self, lease_id: int) -> None:
        """Tell the hub this station has used the block up (its 12 months before reuse start)."""
        ...

    def checkpoint_seq(self) -> int:
        """The newest of this station's signed checkpoints the hub holds (0: none)."""
        ...

    def push_checkpoints(self, public_key: str, points: list[SignedCheckpoint]) -> str | None:
        """Hand the hub this station's signed checkpoints (the customers' evidence); the hub's refusal in
        words (another key than the one it pinned, a checkpoint its rows contradict), or None."""
        ...

    def choices(self) -> list[CustomerChoice]:
        """Customers' delivery choices for items this station handled that it has not said it holds."""
        ...

    def ack_choices(self, choice_ids: list[int]) -> None:
        """This station holds these choices (the hub hands them over no more)."""
        ...

    def push_photo(self, item_id: str, ref: str, jpeg: bytes) -> str | None:
        """Hand the hub the door photo one of this station's delivery events names (after the event);
        the hub's refusal in words, or None (kept, or kept already)."""
        ...


class Outgoing(NamedTuple):
    """One journal event as the hub receives it: the exact body its hash covers, and its columns as
    the station stored them (the hub checks that they are the body's, so it need not parse it)."""

    seq: int
    prev_hash: str
    hash: str
    body: str
    recorded_at: str
    event_id: str
    item_id: str
    kind: str
    upu_code: str | None
    facility: str
    operator: str
    occurred_at: str  # the very text that was hashed
    container_id: str | None
    weight_g: int | None
    reason: str | None
    signature_ref: str | None
    note: str | None
    extra: str  # canonical JSON (keys sorted, no spaces), as it is in the body


OUTGOING_COLUMNS = ", ".join(Outgoing._fields)


@dataclass(frozen=True, slots=True)
class HubHead:
    """What the hub holds of this station's chain."""

    last_seq: int
    last_hash: str


@dataclass(frozen=True, slots=True)
class PushAnswer:
    """The hub's answer to one batch: how many it stored, its head now, and its refusal if any."""

    accepted: int
    head: HubHead
    problem: str | None = None


def accepted_elsewhere(hub: HubPort, item_id: str, station_id: str) -> str | None:
    """The other station that accepted `item_id`, as the hub knows now. None when none did, and when
    the hub does not answer: offline the acceptance is taken, and the hub flags a second one on arrival."""
    try:
        elsewhere = hub.accepted_at(item_id)
    except HubUnavailable:
        return None
    return elsewhere if elsewhere not in (None, station_id) else None
