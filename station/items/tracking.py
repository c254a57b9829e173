"""Tracking look-ups: an item's status and full history, sack-level events included.

The history is rebuilt from the journal at query time (the `item_status` table is only a cache for
lists): the item's own events, plus every event of each sack it travelled in while it was inside,
through nested sacks. Impossible sequences are reported as flags next to the status, never hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from station.items.containers import contents, sack_of, sack_state
from station.model.events import REASON_CODES, Event, EventKind, Membership
from station.model.states import ItemStatus, SackState
from station.model.status import StatusMachine
from station.network.port import HubPort, HubUnavailable
from station.store.db import Database
from station.store.journal import events_of

Remote = Callable[[str], list[Event]]  # the hub's events for an id (and for what was sorted into it)


def network_events(hub: HubPort | None) -> tuple[Remote | None, list[str]]:
    """The hub's events for one look-up, asked once per id; an unreachable hub is said, not fatal: the
    second value holds why (empty while the hub answers) and the look-up goes on with local events."""
    offline = [""]
    if hub is None:
        return None, offline
    asked: dict[str, list[Event]] = {}

    def events(key: str) -> list[Event]:
        if offline[0]:
            return []
        if key not in asked:
            try:
                asked[key] = hub.events_for(key)
            except HubUnavailable as exc:
                offline[0] = str(exc)
                return []
        return asked[key]

    return events, offline


_MAX_NESTING = 8


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of an item's history; `via_container` names the sack whose scan this was."""

    event: Event
    via_container: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        e = self.event
        return {
            "event_id": e.event_id,
            "time": e.occurred_at.isoformat(),
            "kind": str(e.kind),
            "upu_code": e.upu_code,
            "facility": e.facility,
            "station_id": e.station_id,
            "operator": e.operator,
            "container_id": e.container_id,
            "via_container": self.via_container,
            "weight_g": e.weight_g,
            "reason": e.reason,
            "reason_text": REASON_CODES.get(e.reason or ""),
            "signature_ref": e.signature_ref,
            "receiver": e.extra.get(
                "receiver"
            ),  # who took a delivered item: addressee, neighbour, safe place
            "photo": e.extra.get("photo"),
            "photo_sha256": e.extra.get("photo_sha256"),
            "note": e.note,
        }


@dataclass(frozen=True, slots=True)
class TrackingReport:
    """What a look-up answers."""

    item_id: str
    status: ItemStatus | None
    history: list[HistoryEntry]
    flags: list[str] = field(default_factory=list)
    current_sack: str | None = None
    sack_contents: list[str] = field(default_factory=list)
    sack_state: SackState | None = None

    @property
    def last_event(self) -> Event | None:
        """The latest event in the history."""
        return self.history[-1].event if self.history else None

    @property
    def is_sack(self) -> bool:
        """True when the id is a sack (something was sorted into it)."""
        return self.sack_state is not None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `station track --json` output)."""
        return {
            "id": self.item_id,
            "status": str(self.status) if self.status else None,
            "status_label": self.status.label if self.status else None,
            "is_sack": self.is_sack,
            "sack_state": str(self.sack_state) if self.sack_state else None,
            "current_sack": self.current_sack,
            "sack_contents": self.sack_contents,
            "flags": self.flags,
            "history": [h.to_json() for h in self.history],
        }


def track(
    db: Database, item_id: str, network: Remote | None = None, *, own_station: str | None = None
) -> TrackingReport | None:
    """The item's (or sack's) status and history; None when the id was never scanned.

    With `own_station`, an item that station scanned itself is its to account for: history imported
    from another system (rows of other stations in its own journal) is shown, but does not change the
    item's status.

    With `network` (the hub's events for an id), every station's events count, not only this one's:
    each is merged with the local journal by event id, and a sack's contents come from the events."""
    with db.reading() as conn:
        journalled: dict[str, list[Event]] = {}

        def local(key: str) -> list[Event]:
            if key not in journalled:
                journalled[key] = events_of(conn, key)
            return journalled[key]

        def events(key: str) -> list[Event]:
            if network is None:
                return local(key)
            merged = {e.event_id: e for e in local(key)}
            for e in network(key):
                if e.item_id == key:
                    merged.setdefault(e.event_id, e)
            return sorted(merged.values(), key=lambda e: e.occurred_at)

        own = events(item_id)
        if not own:
            return None
        imported: set[str] = set()
        if own_station is not None:
            mine = local(item_id)
            if any(e.station_id == own_station for e in mine):
                imported = {e.event_id for e in mine if e.station_id != own_station}
        entries = [HistoryEntry(e) for e in own]
        entries += _sack_events(events, own, depth=0)
        current = sack_of(conn, item_id)
        inside = contents(conn, item_id)
        state = sack_state(conn, item_id)
        if network is not None:
            current, inside, state = _from_events(network, item_id, own, current, inside, state)
    entries.sort(key=lambda h: (h.event.occurred_at, h.via_container is not None))
    machine = _status_of(entries, imported)
    if imported:
        machine.flags.append(
            f"{len(imported)} imported event(s) shown, not counted: this station holds the item"
        )
    return TrackingReport(item_id, machine.status, entries, machine.flags, current, inside, state)


def track_network(events: Remote, item_id: str) -> TrackingReport | None:
    """An item's status and history from the network's events alone (the hub's tracking page: no station
    database), sack events included; None when the id was never scanned."""
    own = sorted((e for e in events(item_id) if e.item_id == item_id), key=lambda e: e.occurred_at)
    if not own:
        return None
    entries = [HistoryEntry(e) for e in own] + _sack_events(events, own, depth=0)
    entries.sort(key=lambda h: (h.event.occurred_at, h.via_container is not None))
    machine = _status_of(entries, set())
    return TrackingReport(item_id, machine.status, entries, machine.flags)


def _status_of(entries: list[HistoryEntry], imported: set[str]) -> StatusMachine:
    """The status machine fed with the history in time order (imported events shown, not counted)."""
    machine = StatusMachine()
    for h in entries:
        if h.event.event_id in imported:
            continue
        machine.feed(h.event.kind, h.event.occurred_at.isoformat(), via_container=h.via_container)
        if h.event.kind is EventKind.FRAUD_ALERT and h.via_container is None:
            machine.flags.append(f"fraud alert: {h.event.note or h.event.reason or 'see history'}")
    return machine


def _sack_events(events: Callable[[str], list[Event]], own: list[Event], depth: int) -> list[HistoryEntry]:
    """Events of each sack while this id was inside it (recursing into the sacks those were in)."""
    if depth >= _MAX_NESTING:
        return []
    out: list[HistoryEntry] = []
    for i, event in enumerate(own):
        if event.kind is not EventKind.SORT_IN or not event.container_id:
            continue
        start = event.occurred_at
        end = next((e.occurred_at for e in own[i + 1 :] if e.kind.facts.membership is not None), None)
        sack_events = [
            e
            for e in events(event.container_id)
            if e.occurred_at >= start and (end is None or e.occurred_at < end)
        ]
        out += [HistoryEntry(e, event.container_id) for e in sack_events if not e.kind.is_internal]
        for inner in _sack_events(events, sack_events, depth + 1):
            out.append(HistoryEntry(inner.event, inner.via_container))
    return out


def _from_events(
    network: Remote,
    item_id: str,
    own: list[Event],
    current: str | None,
    inside: list[str],
    state: SackState | None,
) -> tuple[str | None, list[str], SackState | None]:
    """Where the item is and what the sack holds, read from every station's events."""
    for e in reversed(own):  # the last event that put the id in or out of a sack, or moved the sack
        facts = e.kind.facts
        if facts.membership is Membership.ENTERS and e.container_id:
            current = e.container_id
            break
        if facts.membership is Membership.LEAVES:
            current = None
            break
    for e in reversed(own):
        if e.kind.facts.sack_state is not None:
            state = e.kind.facts.sack_state
            break
    latest: dict[str, Event] = {}
    for e in network(item_id):  # events of the items sorted into this id, if it is a sack
        if e.item_id != item_id and e.container_id == item_id:
            latest[e.item_id] = e
    held = set(inside)
    for item in latest:
        last = [e for e in network(item) if e.item_id == item and e.kind.facts.membership is not None]
        if last and last[-1].kind.facts.membership is Membership.ENTERS and last[-1].container_id == item_id:
            held.add(item)
        else:
            held.discard(item)
    if held and state is None:
        state = SackState.OPEN
    return current, sorted(held), state
