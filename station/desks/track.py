"""The track desk: what customer service answers about an id, and the notes and disputes they add."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from station.app import Station
from station.desks.outcome import Outcome
from station.ids.scanning import Identified, canonical_id, classify
from station.insight import estimates
from station.insight.estimates import Estimate, TransitModel, local_day
from station.insight.eta import expected_delivery
from station.insight.history import Move, Timeline, zip_of
from station.items import containers, recipients
from station.items.tracking import TrackingReport, network_events, track
from station.model.events import EventKind
from station.model.localtime import zone
from station.model.words import number_of
from station.network.port import HubPort
from station.notify import subscribers
from station.notify.phone import InvalidPhone, to_e164
from station.postage.international import is_international

MAX_NOTE = 500
_NUMBER_RUN = re.compile(r"\+?\(?\d[\d ().-]*\d")


@dataclass(frozen=True)
class LookUp:
    """A look-up: the id as understood, its report (None when never scanned) and the expected day."""

    query: str
    id: str
    report: TrackingReport | None
    expected: date | None
    why_unknown: str = ""  # the normaliser's reason when the query is not an id at all
    estimate: Estimate | None = None  # learned from history: the expected day and the 80% day
    addressee: str = ""  # whom it goes to, every part the counter wrote (this office's record only)

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
            "estimate": self.estimate.to_json() if self.estimate else None,
            "addressee": self.addressee or None,
        }

    @property
    def expected_text(self) -> str:
        """'expected Tue 1 Dec (80%: by Wed 2 Dec)', or '' when nothing is expected any more."""
        if self.estimate is not None:
            return self.estimate.text()
        return f"expected {self.expected:%a} {self.expected.day} {self.expected:%b}" if self.expected else ""


@dataclass(frozen=True)
class SearchHit:
    """An item found by its recipient, phone, ZIP or day."""

    item_id: str
    recipient: str
    address: str
    accepted_at: datetime | None
    status: str

    def to_json(self) -> dict[str, Any]:
        """One hit of `station track --search --json`."""
        return {
            "id": self.item_id,
            "recipient": self.recipient,
            "address": self.address,
            "accepted_at": self.accepted_at.isoformat() if self.accepted_at else None,
            "status": self.status,
        }


@dataclass(frozen=True)
class Search:
    """What a search understood and found."""

    query: str
    understood: str
    hits: list[SearchHit]

    @property
    def text(self) -> str:
        """One line for the operator."""
        found = number_of(len(self.hits), "item")
        more = " (the newest shown: narrow the search)" if len(self.hits) >= recipients.MAX_HITS else ""
        return f"{found} for {self.understood}{more}"


class TrackDesk:
    """Customer service at one station."""

    def __init__(self, station: Station, hub: HubPort | None = None) -> None:
        self.station = station
        self.hub = hub  # with a hub, every station's events for the id

    def look_up(self, query: str) -> LookUp:
        """Status, history (sack events included), flags and the expected delivery day."""
        found = classify(query)
        key = found.id if isinstance(found, Identified) else query.strip()
        network, offline = network_events(self.hub)
        report = track(self.station.db, key, network, own_station=self.station.station_id)
        why = "" if isinstance(found, Identified) else found.reason
        if offline[0] and report is not None:
            report.flags.append(f"hub unreachable ({offline[0]}): this station's scans only")
        if report is None:
            return LookUp(query, key, None, None, why)
        estimate = self._estimate(report)
        expected = estimate.expected if estimate else expected_delivery(report)
        with self.station.db.reading() as conn:
            written = recipients.of(conn, key)
        return LookUp(query, key, report, expected, why, estimate, written.one_line if written else "")

    def _estimate(self, report: TrackingReport) -> Estimate | None:
        """The learned estimate (None for a sack, or before anything was learned)."""
        if report.is_sack or any(
            is_international(str(h.event.extra.get("service", "")))
            for h in report.history
            if h.event.kind is EventKind.ACCEPTANCE
        ):
            return None  # abroad, the destination's post delivers: no lane of ours to learn from
        tz = zone(self.station.config.time_zone)
        with self.station.db.reading() as conn:
            if estimates.learned_at(conn) is None:
                return None
            line = timeline_of(report)
            model = TransitModel.load(conn, tz, line)
        return model.estimate(line, local_day(self.station.clock(), tz))

    def search(self, query: str) -> Search:
        """Items by recipient name (any part), phone, ZIP and acceptance day (YYYY-MM-DD, local), in
        any combination: `Lee 94105 2026-12-01`."""
        name_words, zip_code, day, phone = [], None, None, None
        for run in _NUMBER_RUN.finditer(query):  # a phone number is typed with spaces, dashes, brackets
            in_run = _phone_in(run.group())
            if in_run is not None and phone is None:
                phone, typed = in_run
                query = query.replace(typed, " ", 1)
        for word in query.split():
            if _is_day(word):
                day = date.fromisoformat(word)
            elif word.isdigit() and len(word) == 5:
                zip_code = word
            else:
                name_words.append(word)
        name = " ".join(name_words)
        understood = [f"name {name!r}"] if name else []
        understood += [f"ZIP {zip_code}"] if zip_code else []
        understood += [f"accepted on {day}"] if day else []
        understood += [f"phone {phone}"] if phone else []
        if not understood:
            return Search(query, "nothing (type a name, phone, ZIP or YYYY-MM-DD)", [])
        between = None
        if day is not None:  # the station's own day (its zone, else the machine's), not UTC's
            tz = zone(self.station.config.time_zone)
            start = (
                datetime.combine(day, time.min, tzinfo=tz)
                if tz
                else datetime.combine(day, time.min).astimezone()
            )
            between = (start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=start.tzinfo))
        with self.station.db.reading() as conn:
            items = tuple(subscribers.items_followed(conn, phone)) if phone else None
            addressees = recipients.search(
                conn, name=name or None, zip_code=zip_code, between=between, items=items
            )
            hits = []
            for r in addressees:
                record = containers.item_record(conn, r.item_id)
                status = record.status.label if record else "not scanned"
                hits.append(SearchHit(r.item_id, r.name, r.one_line, r.accepted_at, status))
        return Search(query, ", ".join(understood), hits)

    def proof_of_delivery(self, item: str) -> Path | None:
        """The item's latest proof-of-delivery PDF, if it was delivered here."""
        folder = self.station.paths.proofs_of_delivery
        numbered = {
            int(p.stem.rsplit("-", 1)[1]): p
            for p in folder.glob(f"{item}-*.pdf")
            if p.stem.rsplit("-", 1)[1].isdigit()
        }
        if numbered:
            return numbered[max(numbered)]
        first = folder / f"{item}.pdf"
        return first if first.exists() else None

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
        key = canonical_id(item)
        if track(self.station.db, key) is None:
            return Outcome.refused(f"unknown id {item!r}: look up an item the station has scanned")
        stored = self.station.journal.append(self.station.event(key, kind, facility, operator, note=text))
        return Outcome(True, key, message=f"{kind} saved", stored=stored)


def _is_day(word: str) -> bool:
    try:
        date.fromisoformat(word)
    except ValueError:
        return False
    return len(word) == 10


def _phone_in(run: str) -> tuple[str, str] | None:
    """The phone number in a run of digits and separators (beside a ZIP or a day, perhaps), as E.164 and
    as typed."""
    parts = run.split()
    for start in range(len(parts)):
        for end in range(len(parts), start, -1):
            typed = " ".join(parts[start:end])
            if sum(c.isdigit() for c in typed) < 10:
                break
            try:
                return to_e164(typed), typed
            except InvalidPhone:
                continue
    return None


def timeline_of(report: TrackingReport) -> Timeline:
    """The item's journey as the estimates read it, from its tracking history."""
    line = Timeline(report.item_id)
    for entry in report.history:
        e = entry.event
        if e.kind is EventKind.ACCEPTANCE and line.accepted_at is None:
            line.accepted_at, line.service = e.occurred_at, str(e.extra.get("service") or "")
            line.origin_zip = zip_of(e.extra, "origin_zip")
            line.destination_zip = zip_of(e.extra, "routing_zip", "destination_zip")
        if not e.kind.is_internal or e.kind is EventKind.VOID:
            line.moves.append(
                Move(str(e.kind), e.facility, e.station_id, e.operator, e.occurred_at, entry.via_container)
            )
    return line
