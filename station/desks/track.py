"""The track desk: what customer service answers about an id, and the notes and disputes they add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from station.app import Station
from station.desks.outcome import Outcome
from station.eta import expected_delivery
from station.events import EventKind
from station.scanning import Identified, classify
from station.tracking import TrackingReport, track

MAX_NOTE = 500


@dataclass(frozen=True)
class LookUp:
    """A look-up: the id as understood, its report (None when never scanned) and the expected day."""

    query: str
    id: str
    report: TrackingReport | None
    expected: date | None
    why_unknown: str = ""  # the normaliser's reason when the query is not an id at all

    @property
    def ok(self) -> bool:
        """True when the id was found."""
        return self.report is not None

    def to_json(self) -> dict[str, Any]:
        """The `station track --json` answer."""
        if self.report is None:
            return {"id": self.id, "status": None, "error": "unknown id"}
        return {
            **self.report.to_json(),
            "expected_delivery": self.expected.isoformat() if self.expected else None,
        }


class TrackDesk:
    """Customer service at one station."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def look_up(self, query: str) -> LookUp:
        """Status, history (sack events included), flags and the expected delivery day."""
        found = classify(query)
        key = found.id if isinstance(found, Identified) else query.strip()
        report = track(self.station.db, key)
        why = "" if isinstance(found, Identified) else found.reason
        return LookUp(query, key, report, expected_delivery(report) if report else None, why)

    def note(self, item: str, text: str, *, facility: str, operator: str) -> Outcome:
        """A customer-service note on an item or sack the station knows."""
        return self._write(item, text, EventKind.NOTE, facility, operator)

    def dispute(self, item: str, text: str, *, facility: str, operator: str) -> Outcome:
        """A dispute (not delivered, damaged, signature disputed...) opened on an item."""
        return self._write(item, text, EventKind.DISPUTE, facility, operator)

    def _write(self, item: str, text: str, kind: EventKind, facility: str, operator: str) -> Outcome:
        text = " ".join(text.split())
        if not text:
            return Outcome.refused(f"write the {kind} first")
        if len(text) > MAX_NOTE:
            return Outcome.refused(f"a {kind} is at most {MAX_NOTE} characters ({len(text)} given)")
        found = classify(item)
        key = found.id if isinstance(found, Identified) else item.strip()
        if track(self.station.db, key) is None:
            return Outcome.refused(f"unknown id {item!r}: look up an item the station has scanned")
        stored = self.station.journal.append(self.station.event(key, kind, facility, operator, note=text))
        return Outcome(True, key, message=f"{kind} saved", stored=stored)
