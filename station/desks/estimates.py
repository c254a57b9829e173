"""The estimates desk: learn delivery estimates from the journal, and measure them on unseen items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station.app import Station
from station.insight import estimates, history
from station.insight.estimates import Backtest, TransitModel
from station.insight.history import RowSource
from station.model.localtime import zone


@dataclass(frozen=True)
class Learned:
    """What `station eta learn` did."""

    items: int
    levels: int

    ok = True

    @property
    def line(self) -> str:
        """The operator's line."""
        if not self.items:
            return "no delivered items in the journal yet: estimates stay the service standard's"
        return f"learned from {self.items} delivered items ({self.levels} lane and scan tables)"

    def to_json(self) -> dict[str, Any]:
        """`--json`."""
        return {"items": self.items, "tables": self.levels}


class EstimatesDesk:
    """Delivery estimates at one station."""

    def __init__(self, station: Station, hub: RowSource | None = None) -> None:
        self.station = station
        self.hub = hub  # with a hub: learned from every station's deliveries

    def learn(self) -> Learned:
        """Relearn from every delivered item in the journal; `track` uses it from then on."""
        tz = zone(self.station.config.time_zone)
        lines = history.timelines(history.read(self.station.db, self.hub))
        model = TransitModel(tz)
        used = model.learn(lines.values())
        with self.station.db.transaction() as conn:
            model.save(conn, self.station.clock())
        return Learned(used, len(model.counts))

    def backtest(self, split: float = 0.8) -> Backtest:
        """Train on the earliest `split` of delivered items, test on the rest (nothing is kept)."""
        lines = history.timelines(history.read(self.station.db, self.hub))
        return estimates.backtest(lines.values(), split, zone(self.station.config.time_zone))
