"""What the public tracking page and API say about an item: its status, its events with their place and
time, the expected day with the 80% day, and on the delivery day a window.

Built from the network's events alone, and only from what the hub's web login may read (the kind, the
facility, the time, the reason code, the chain position; of an acceptance the service and the first
three digits of the ZIPs; of a load its place in the round). Nothing here can name a person or a
street: there is nothing of theirs to name.

The delivery window: a carrier's round takes a learned number of minutes per stop at each office (the
10th and 90th percentiles over past rounds: from the load to the delivery, divided by the stop's place
in the round as loaded), so the item at stop n is expected between load + n x p10 and load + n x p90,
widened to whole quarter hours and at least an hour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from station.insight.estimates import Estimate, TransitModel
from station.insight.history import Move, Timeline, timelines, zip_of
from station.items.tracking import HistoryEntry, track_network
from station.model.events import Event, EventKind
from station.model.rows import Row
from station.model.states import ItemStatus

Remote = Callable[[str], list[Event]]
DEFAULT_PACE = (3.0, 9.0)  # minutes per stop, 10th and 90th percentile, before an office's are learned
MIN_SAMPLES = 20


@dataclass(frozen=True, slots=True)
class Proof:
    """Where an event sits in its station's hash chain (the evidence a customer can check)."""

    station_id: str
    seq: int
    hash: str
    prev_hash: str


@dataclass(frozen=True, slots=True)
class PublicEvent:
    """One line of the public history."""

    time: datetime  # UTC
    kind: str
    facility: str
    reason: str | None
    proof: Proof | None
    choice: str | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """The delivery window on the delivery day (UTC)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class PublicTrack:
    """An item as the public sees it."""

    item_id: str
    status: ItemStatus | None
    events: tuple[PublicEvent, ...]
    expected: Estimate | None = None
    window: Window | None = None
    choices_forbidden: bool = False  # the sender asked that it is delivered as addressed

    @property
    def last_facility(self) -> str | None:
        """Where the item was last scanned."""
        return self.events[-1].facility if self.events else None

    @property
    def delivery_office(self) -> str | None:
        """The office that delivers it, once it reached it (behind the postcode)."""
        for e in reversed(self.events):
            if e.kind in (EventKind.DELIVERY_OFFICE, EventKind.OUT_FOR_DELIVERY):
                return e.facility
        return None

    @property
    def attempts(self) -> tuple[PublicEvent, ...]:
        """The attempts and their reasons (behind the postcode)."""
        return tuple(e for e in self.events if e.kind == EventKind.ATTEMPTED)


@dataclass
class RoundPace:
    """Minutes per stop of each office's rounds (10th and 90th percentile)."""

    by_facility: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def learn(cls, samples: Iterable[tuple[str, float]]) -> RoundPace:
        """From (facility, minutes per stop) of past deliveries."""
        grouped: dict[str, list[float]] = defaultdict(list)
        for facility, minutes in samples:
            if 0 < minutes < 120:
                grouped[facility].append(minutes)
        pace = {}
        for facility, values in grouped.items():
            if len(values) >= MIN_SAMPLES:
                values.sort()
                pace[facility] = (values[len(values) // 10], values[(len(values) * 9) // 10])
        return cls(pace)

    def window(self, facility: str, loaded_at: datetime, stop: int) -> Window:
        """Stop `stop` of a round loaded at `loaded_at`."""
        low, high = self.by_facility.get(facility, DEFAULT_PACE)
        start = _floor_quarter(loaded_at + timedelta(minutes=low * stop))
        end = _ceil_quarter(loaded_at + timedelta(minutes=high * stop))
        end = max(end, start + timedelta(hours=1))
        return Window(start, end)


def learn(
    rows: Iterable[Row], samples: Iterable[tuple[str, float]], zone: ZoneInfo | None = None
) -> tuple[TransitModel, RoundPace]:
    """The estimates and the rounds' pace, learned from public rows (as the hub's web login reads them:
    the ZIPs' first three digits only, which is all a lane is) and (office, minutes per stop) samples."""
    model = TransitModel(zone)
    model.learn(timelines(rows).values())
    return model, RoundPace.learn(samples)


def _floor_quarter(t: datetime) -> datetime:
    return t.replace(minute=t.minute - t.minute % 15, second=0, microsecond=0)


def _ceil_quarter(t: datetime) -> datetime:
    floor = _floor_quarter(t)
    return floor if floor == t else floor + timedelta(minutes=15)


def public_track(
    events: Remote,
    item_id: str,
    *,
    today: date,
    model: TransitModel | None = None,
    pace: RoundPace | None = None,
) -> PublicTrack | None:
    """The item's public answer; None when the id was never scanned."""
    report = track_network(events, item_id)
    if report is None:
        return None
    shown = [
        PublicEvent(
            h.event.occurred_at,
            str(h.event.kind),
            h.event.facility,
            h.event.reason,
            _proof(h.event),
            str(h.event.extra.get("choice")) if h.event.kind is EventKind.CHOICE else None,
        )
        for h in report.history
        if h.event.kind is not EventKind.SACK_OPEN
    ]
    line = _timeline(item_id, report.history)
    estimate = (model or TransitModel()).estimate(line, today) if line.accepted_at else None
    window = None
    last = report.last_event
    if report.status is ItemStatus.OUT_FOR_DELIVERY and last is not None:
        loaded = next(
            (h.event for h in reversed(report.history) if h.event.kind is EventKind.OUT_FOR_DELIVERY), None
        )
        stop = loaded.extra.get("stop") if loaded is not None else None
        if loaded is not None and isinstance(stop, int) and stop > 0:
            window = (pace or RoundPace()).window(loaded.facility, loaded.occurred_at, stop)
    forbidden = any(
        h.event.kind is EventKind.ACCEPTANCE and h.event.extra.get("no_choices") for h in report.history
    )
    return PublicTrack(item_id, report.status, tuple(shown), estimate, window, forbidden)


def _proof(event: Event) -> Proof | None:
    chain = event.extra.get("_chain")
    if not isinstance(chain, dict):
        return None
    return Proof(event.station_id, int(chain["seq"]), str(chain["hash"]), str(chain["prev_hash"]))


def _timeline(item_id: str, history: list[HistoryEntry]) -> Timeline:
    """The item's journey as the estimates read it."""
    line = Timeline(item_id)
    for entry in history:
        e = entry.event
        if e.kind is EventKind.ACCEPTANCE and line.accepted_at is None:
            line.accepted_at, line.service = e.occurred_at, str(e.extra.get("service") or "")
            line.origin_zip = zip_of(e.extra, "origin_zip")
            line.destination_zip = zip_of(e.extra, "destination_zip")
        if not e.kind.is_internal or e.kind is EventKind.VOID:
            line.moves.append(Move(str(e.kind), e.facility, e.station_id, e.operator, e.occurred_at))
    return line
