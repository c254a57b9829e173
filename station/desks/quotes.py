"""Every service side by side (issue 34, item 5): for one piece, each service's price and the day it is
expected (the learned estimate and its 80% day where the station has learned its lanes, else the
service standard), with the cheapest and the fastest marked, and the services that cannot take the
piece said with why. The counter's clerk and `station postage quote --all` read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from station.app import Station
from station.desks.counter import Piece, price
from station.desks.receipt_lines import expected as standard_day
from station.insight import estimates
from station.insight.estimates import Estimate, TransitModel, local_day
from station.insight.history import Move, Timeline
from station.model.events import EventKind
from station.model.localtime import zone
from station.postage.international import InternationalTable, journal_service
from station.postage.rates import Quote, RateError, RateTable


@dataclass(frozen=True, slots=True)
class Offer:
    """One service for the piece: its quote and expected day, or why it cannot take it."""

    service: str
    name: str
    quote: Quote | None
    expected: date | None = None
    by_p80: date | None = None
    basis: str = ""
    refused: str = ""
    cheapest: bool = False
    fastest: bool = False

    def to_json(self) -> dict[str, Any]:
        """One row of `station postage quote --all --json`."""
        return {
            "service": self.service,
            "name": self.name,
            "total_cents": self.quote.total_cents if self.quote else None,
            "billed_weight_g": self.quote.billed_weight_g if self.quote else None,
            "expected": self.expected.isoformat() if self.expected else None,
            "p80": self.by_p80.isoformat() if self.by_p80 else None,
            "basis": self.basis,
            "refused": self.refused or None,
            "cheapest": self.cheapest,
            "fastest": self.fastest,
        }


class QuotesDesk:
    """Prices and days of every service, for one piece."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def side_by_side(self, piece: Piece, on: date | None = None) -> list[Offer]:
        """Each service the network sells for the piece's destination, cheapest and fastest marked."""
        today = on or self.station.today()
        home = self.station.config.country
        if piece.abroad is not None:
            table = InternationalTable.for_date(today)
            services = [(key, str(p.name)) for key, p in table.products.items()]
        else:
            rates = RateTable.for_date(today)
            services = [(key, str(spec["name"])) for key, spec in rates.services.items()]
        offers = []
        for key, name in services:
            one = (
                replace(piece, abroad=replace(piece.abroad, product=key), service=key)
                if piece.abroad is not None
                else replace(piece, service=key)
            )
            try:
                quote = price(one, today, home)
            except RateError as exc:
                offers.append(Offer(key, name, None, refused=str(exc)))
                continue
            estimate = None if piece.abroad is not None else self._estimate(one, today)
            if estimate is not None:
                offers.append(Offer(key, name, quote, estimate.expected, estimate.by_p80, estimate.basis))
            elif piece.abroad is None:
                day = standard_day(key, self.station.clock(), self.station.config.time_zone)
                offers.append(Offer(key, name, quote, day, day, "the service standard"))
            else:
                offers.append(Offer(key, name, quote, basis=f"abroad ({journal_service(key)}): not forecast"))
        return _marked(offers)

    def _estimate(self, piece: Piece, today: date) -> Estimate | None:
        """The learned estimate for a piece accepted now on its lane (None: nothing learned yet)."""
        tz = zone(self.station.config.time_zone)
        now: datetime = self.station.clock()
        line = Timeline(
            "quote",
            [Move(EventKind.ACCEPTANCE, self.station.config.facility, self.station.station_id, "", now)],
            service=piece.service,
            origin_zip=piece.from_zip,
            destination_zip=piece.to_zip,
            accepted_at=now,
        )
        with self.station.db.reading() as conn:
            if estimates.learned_at(conn) is None:
                return None
            model = TransitModel.load(conn, tz, line)
        return model.estimate(line, local_day(now, tz))


def _marked(offers: list[Offer]) -> list[Offer]:
    """The cheapest (lowest total) and the fastest (earliest expected day, then the earliest 80% day,
    then the lower price) marked; several when they tie exactly."""
    priced = [o for o in offers if o.quote is not None]
    if not priced:
        return offers
    low = min(o.quote.total_cents for o in priced if o.quote is not None)
    dated = [o for o in priced if o.expected is not None]
    first = min(((o.expected, o.by_p80 or o.expected) for o in dated), default=None)
    out = []
    for o in offers:
        cheapest = o.quote is not None and o.quote.total_cents == low
        fastest = (
            first is not None and o.expected is not None and (o.expected, o.by_p80 or o.expected) == first
        )
        out.append(replace(o, cheapest=cheapest, fastest=fastest))
    return out
