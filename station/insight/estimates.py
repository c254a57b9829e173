"""Learned delivery estimates: the owner of the `eta_counts` table.

The transit time of a delivered item is the number of local calendar days from its acceptance to its
delivery. For each lane (origin and destination 3-digit ZIP, service, weekday of acceptance) the
history gives an empirical distribution of that number. A lane with little data is shrunk toward
broader evidence, each level a prior for the one above it with `PRIOR_WEIGHT` pseudo-items:

    lane and weekday  <-  lane (any weekday)  <-  service and weekday  <-  the service standard

so a lane seen once says little and a lane seen 500 times speaks for itself. The estimate is the
distribution's median (the day that minimises the expected error in days) and its 80th percentile
("80%: by ..."); `station eta backtest` measures both on items the model never saw.

After acceptance each scan moves the estimate: the days left from a scan of a kind at a facility are
learned the same way (backing off to the kind anywhere, then to the lane), and an item cannot arrive
before today, so an item that has sat at a facility longer than usual is expected later, not on a day
already past. Out for delivery means today; an attempt means the next delivery day.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from station.insight.eta import DEFAULT_DAYS, TRANSIT_DAYS
from station.insight.history import Timeline
from station.model.delivery_week import add_delivery_days, next_delivery_day
from station.model.events import EventKind

SCHEMA_V10 = """
CREATE TABLE IF NOT EXISTS eta_counts (
    level      TEXT NOT NULL,
    key        TEXT NOT NULL,
    counts     TEXT NOT NULL,
    n          INTEGER NOT NULL,
    learned_at TEXT NOT NULL,
    PRIMARY KEY (level, key)
);
"""
PRIOR_WEIGHT = 2.0
SETTLING_DAYS = 14  # long enough for nearly every item accepted before it to be delivered
MAX_DAYS = 40
# The standard's own spread: mail is mostly on the day, often a day late, now and then two.
STANDARD_SHAPE = {0: 0.7, 1: 0.2, 2: 0.07, -1: 0.03}
Distribution = dict[int, float]


def local_day(moment: datetime, zone: ZoneInfo | None) -> date:
    """The local calendar day of a UTC moment."""
    return moment.astimezone(zone).date()


def standard_days(service: str, accepted: date) -> int:
    """Calendar days the service standard allows from an acceptance day."""
    return (add_delivery_days(accepted, TRANSIT_DAYS.get(service, DEFAULT_DAYS)) - accepted).days


def _standard(service: str, weekday: int) -> Distribution:
    # Any day of that weekday gives the same calendar length; 2024-01-01 was a Monday.
    days = standard_days(service, date(2024, 1, 1) + timedelta(days=weekday))
    return {max(days + d, 0): p for d, p in STANDARD_SHAPE.items()}


def _shrunk(counts: Counter[int] | None, prior: Distribution) -> Distribution:
    if not counts:
        return prior
    weight = PRIOR_WEIGHT
    n = sum(counts.values())
    out: Distribution = defaultdict(float)
    for days, p in prior.items():
        out[days] += p * weight / (n + weight)
    for days, c in counts.items():
        out[days] += c / (n + weight)
    return dict(out)


def quantile(dist: Distribution, q: float) -> int:
    """The smallest day count whose cumulative probability reaches `q`."""
    total = sum(dist.values())
    running = 0.0
    for days in sorted(dist):
        running += dist[days]
        if running >= q * total - 1e-9:
            return days
    return max(dist)


def nearest(dist: Distribution, q: float) -> int:
    """The day count whose cumulative probability is nearest `q` (the later one on a tie).

    Days are whole, so the day that first reaches 80% may hold 95% (most mail comes on its day): the
    "80%" day is then the one whose odds are closest to 80%, above or below.
    """
    total = sum(dist.values())
    running, best, gap = 0.0, max(dist), 2.0
    for days in sorted(dist):
        running += dist[days]
        if abs(running / total - q) <= gap + 1e-9:
            best, gap = days, abs(running / total - q)
    return best


def _lane_key(line: Timeline) -> str:
    return f"{line.origin_zip[:3] or '???'}>{line.destination_zip[:3] or '???'}:{line.service or '?'}"


@dataclass(frozen=True, slots=True)
class Estimate:
    """When the customer can expect the item, and the day it will be there by with 80% odds."""

    expected: date
    by_p80: date
    basis: str  # what the estimate rests on, for customer service

    def text(self) -> str:
        """'expected Tue 1 Dec (80%: by Wed 2 Dec)'."""
        first = f"expected {_day(self.expected)}"
        if self.by_p80 > self.expected:
            return f"{first} (80%: by {_day(self.by_p80)})"
        return first

    def to_json(self) -> dict[str, str]:
        """`station track --json`."""
        return {
            "expected": self.expected.isoformat(),
            "p80": self.by_p80.isoformat(),
            "basis": self.basis,
        }


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


class TransitModel:
    """Counts of transit days per lane level, and of days left per scan; `estimate` for one item."""

    def __init__(self, zone: ZoneInfo | None = None) -> None:
        self.zone = zone
        self.counts: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)

    # ---- learning

    def learn(self, lines: Iterable[Timeline]) -> int:
        """Count every delivered item's transit and days left after each scan; returns the items used."""
        used = 0
        for line in lines:
            delivered = line.delivered_at
            if line.accepted_at is None or delivered is None:
                continue
            start, end = local_day(line.accepted_at, self.zone), local_day(delivered, self.zone)
            days = (end - start).days
            if not 0 <= days <= MAX_DAYS:
                continue
            used += 1
            lane, weekday = _lane_key(line), start.weekday()
            self.counts[("lane-day", f"{lane}:{weekday}")][days] += 1
            self.counts[("lane", lane)][days] += 1
            self.counts[("service-day", f"{line.service or '?'}:{weekday}")][days] += 1
            for move in line.moves:
                if move.kind in (EventKind.ACCEPTANCE, EventKind.DELIVERED) or move.at > delivered:
                    continue
                left = (end - local_day(move.at, self.zone)).days
                self.counts[("scan-at", f"{move.kind}@{move.facility}:{line.service or '?'}")][left] += 1
                self.counts[("scan", f"{move.kind}:{lane}")][left] += 1
        return used

    # ---- the distributions

    def transit(self, line: Timeline, accepted: date) -> tuple[Distribution, str]:
        """Transit days from acceptance for this item's lane and weekday, and what it rests on."""
        lane, weekday = _lane_key(line), accepted.weekday()
        prior = _standard(line.service, weekday)
        service = self.counts.get(("service-day", f"{line.service or '?'}:{weekday}"))
        by_lane = self.counts.get(("lane", lane))
        by_day = self.counts.get(("lane-day", f"{lane}:{weekday}"))
        dist = _shrunk(by_day, _shrunk(by_lane, _shrunk(service, prior)))
        seen = sum(by_lane.values()) if by_lane else 0
        basis = f"lane {lane.replace('>', ' to ')}, {seen} delivered" if seen else "the service standard"
        return dist, basis

    def left_after(self, line: Timeline, kind: str, facility: str, fallback: Distribution) -> Distribution:
        """Days left after a scan of `kind` at `facility`, backing off to the kind on the lane."""
        here = self.counts.get(("scan-at", f"{kind}@{facility}:{line.service or '?'}"))
        on_lane = self.counts.get(("scan", f"{kind}:{_lane_key(line)}"))
        return _shrunk(here, _shrunk(on_lane, fallback))

    def keys_for(self, line: Timeline) -> list[tuple[str, str]]:
        """The count tables an estimate for `line` reads."""
        if line.accepted_at is None:
            return []
        lane, weekday = _lane_key(line), local_day(line.accepted_at, self.zone).weekday()
        service = line.service or "?"
        keys = [("lane-day", f"{lane}:{weekday}"), ("lane", lane), ("service-day", f"{service}:{weekday}")]
        if line.last is not None:
            last = line.last
            keys += [("scan-at", f"{last.kind}@{last.facility}:{service}"), ("scan", f"{last.kind}:{lane}")]
        return keys

    # ---- one item

    def estimate(self, line: Timeline, today: date) -> Estimate | None:
        """The estimate for an item in flight (None when it has no acceptance, or is delivered or back)."""
        if line.accepted_at is None or line.last is None:
            return None
        last = line.last
        if last.kind in (EventKind.DELIVERED, EventKind.RETURNED, EventKind.VOID):
            return None
        if last.kind == EventKind.OUT_FOR_DELIVERY:
            return Estimate(today, today, "out for delivery today")
        if last.kind == EventKind.ATTEMPTED:
            nxt = next_delivery_day(max(local_day(last.at, self.zone) + timedelta(days=1), today))
            return Estimate(nxt, nxt, "delivery attempted: next delivery day")
        accepted = local_day(line.accepted_at, self.zone)
        dist, basis = self.transit(line, accepted)
        start = accepted
        if last.kind != EventKind.ACCEPTANCE:
            # From the last scan: what remains on the lane from there is the fallback shape.
            scanned = local_day(last.at, self.zone)
            gone = (scanned - accepted).days
            remaining = {max(d - gone, 0): p for d, p in dist.items()}
            dist = self.left_after(line, last.kind, last.facility, remaining)
            start = scanned
            basis = f"{basis}; from the {last.kind} scan at {last.facility}"
        # It is not delivered yet: only days from today on are still possible.
        waited = (today - start).days
        later = {d: p for d, p in dist.items() if d >= waited}
        if not later:
            nxt = next_delivery_day(today)
            return Estimate(nxt, next_delivery_day(nxt + timedelta(days=1)), f"{basis}; later than usual")
        expected = next_delivery_day(start + timedelta(days=quantile(later, 0.5)))
        p80 = next_delivery_day(start + timedelta(days=nearest(later, 0.8)))
        return Estimate(expected, max(p80, expected), basis)

    # ---- kept in the station database

    def save(self, conn: sqlite3.Connection, at: datetime) -> None:
        """Replace the learned counts (inside the caller's transaction)."""
        conn.execute("DELETE FROM eta_counts")
        conn.executemany(
            "INSERT INTO eta_counts (level, key, counts, n, learned_at) VALUES (?,?,?,?,?)",
            [
                (level, key, json.dumps(dict(c)), sum(c.values()), at.isoformat())
                for (level, key), c in self.counts.items()
            ],
        )

    @classmethod
    def load(
        cls, conn: sqlite3.Connection, zone: ZoneInfo | None, line: Timeline | None = None
    ) -> TransitModel:
        """The counts last learned (empty: every estimate is the service standard's); with `line`, only
        the few rows its estimate reads (a network has thousands of lanes)."""
        model = cls(zone)
        rows = (
            conn.execute("SELECT level, key, counts FROM eta_counts")
            if line is None
            else (
                r
                for level, key in model.keys_for(line)
                for r in conn.execute(
                    "SELECT level, key, counts FROM eta_counts WHERE level=? AND key=?", (level, key)
                )
            )
        )
        for level, key, counts in rows:
            model.counts[(str(level), str(key))] = Counter(
                {int(k): int(v) for k, v in json.loads(counts).items()}
            )
        return model


def learned_at(conn: sqlite3.Connection) -> str | None:
    """When the counts were last learned."""
    row = conn.execute("SELECT max(learned_at) FROM eta_counts").fetchone()
    return str(row[0]) if row and row[0] else None


@dataclass(frozen=True, slots=True)
class Backtest:
    """`station eta backtest --json`."""

    test_items: int
    lanes: int
    model_mae_days: float
    baseline_mae_days: float
    p80_coverage: float
    train_items: int

    ok = True

    def to_json(self) -> dict[str, float | int]:
        """The answer's fields, as the issue names them."""
        return {
            "test_items": self.test_items,
            "lanes": self.lanes,
            "model_mae_days": round(self.model_mae_days, 3),
            "baseline_mae_days": round(self.baseline_mae_days, 3),
            "p80_coverage": round(self.p80_coverage, 3),
            "train_items": self.train_items,
        }

    @property
    def line(self) -> str:
        """The operator's line."""
        ratio = self.model_mae_days / self.baseline_mae_days if self.baseline_mae_days else 0.0
        return (
            f"{self.test_items} test items on {self.lanes} lanes: mean error {self.model_mae_days:.2f} days"
            f" (service standard alone {self.baseline_mae_days:.2f}, ratio {ratio:.2f}),"
            f" delivered by the 80% day: {self.p80_coverage:.0%}"
        )


def backtest(lines: Iterable[Timeline], split: float, zone: ZoneInfo | None) -> Backtest:
    """Train on the earliest `split` of delivered items by acceptance time, test on the rest at acceptance.

    Items accepted in the last `SETTLING_DAYS` of the history are not tested: only the quick ones among
    them are delivered yet, and testing on those alone would flatter the model (and the baseline).
    """
    every = list(lines)
    newest = max((m.at for line in every for m in line.moves), default=None)
    done = sorted(
        (line for line in every if line.accepted_at is not None and line.delivered_at is not None),
        key=lambda line: line.accepted_at or datetime.min,
    )
    cut = int(len(done) * split)
    train, test = done[:cut], done[cut:]
    if newest is not None:
        settled = newest - timedelta(days=SETTLING_DAYS)
        test = [line for line in test if line.accepted_at is not None and line.accepted_at <= settled]
    model = TransitModel(zone)
    model.learn(train)
    errors, baseline, covered, lanes = 0.0, 0.0, 0, set()
    for line in test:
        assert line.accepted_at is not None and line.delivered_at is not None
        accepted = local_day(line.accepted_at, zone)
        actual = (local_day(line.delivered_at, zone) - accepted).days
        dist, _ = model.transit(line, accepted)
        errors += abs(quantile(dist, 0.5) - actual)
        covered += actual <= nearest(dist, 0.8)
        baseline += abs(standard_days(line.service, accepted) - actual)
        lanes.add(_lane_key(line))
    n = len(test)
    return Backtest(
        n, len(lanes), errors / n if n else 0.0, baseline / n if n else 0.0, covered / n if n else 0.0, cut
    )
