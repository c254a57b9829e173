"""Performance figures from the journal: what `station report kpis` and the Insights screen show.

Every figure is computed from item journeys (`history.timelines`), so a sack's scans count for the
items in it. Definitions, so that a supervisor and a test agree on each number:

- volume: items accepted per local day, per service; items handled per facility (an item scanned
  there, on its own or in a sack, counts once per facility);
- on time: a delivered item is on time against the service standard when its local delivery day is
  no later than the standard's day; against the estimate when no later than the expected day the
  customer was given at acceptance (the learned median, `estimates`);
- dwell at a facility: from an item's first scan there to its first scan at the next facility (for the
  last facility, to its final delivered, attempted or returned scan), p50 and p90 in hours;
- attempted-delivery rate: attempts over delivery tries (delivered + attempted), with the reasons;
- scans per operator hour: an operator's scans over their working hours, each day's hours counted
  from their first scan to their last (at least a quarter of an hour);
- sack fill: items in a sack when it was closed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from station.insight.estimates import TransitModel, local_day, quantile, standard_days
from station.insight.history import Timeline
from station.model.events import MOVES, EventKind, Membership
from station.model.rows import Row

FINAL = (EventKind.DELIVERED, EventKind.ATTEMPTED, EventKind.RETURNED)
MIN_SHIFT_H = 0.25


def percentile(values: list[float], q: float) -> float:
    """The q-th quantile by linear interpolation between closest ranks (as numpy's default)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Kpis:
    """The figures of one period (and facility, when one was asked for)."""

    since: date | None
    until: date | None
    facility: str | None
    accepted_by_day: dict[str, int] = field(default_factory=dict)
    accepted_by_service: dict[str, int] = field(default_factory=dict)
    voided: int = 0  # accepted in the period and voided: in no count above
    handled_by_facility: dict[str, int] = field(default_factory=dict)
    delivered: int = 0
    on_time_standard: float = 0.0
    on_time_estimate: float = 0.0
    dwell_hours: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # p50, p90, items
    attempts: int = 0
    attempt_rate: float = 0.0
    attempt_reasons: dict[str, int] = field(default_factory=dict)
    scans_per_hour: dict[str, tuple[float, int, float]] = field(default_factory=dict)  # rate, scans, hours
    sack_fill: dict[str, float] = field(default_factory=dict)  # sacks, mean, p50, p90

    ok = True

    def to_json(self) -> dict[str, Any]:
        """`station report kpis --json`."""
        return {
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None,
            "facility": self.facility,
            "volume": {
                "accepted_by_day": self.accepted_by_day,
                "accepted_by_service": self.accepted_by_service,
                "voided": self.voided,
                "handled_by_facility": self.handled_by_facility,
            },
            "delivered": self.delivered,
            "on_time": {
                "service_standard": round(self.on_time_standard, 4),
                "estimate": round(self.on_time_estimate, 4),
            },
            "dwell_hours": {
                f: {"p50": round(p50, 2), "p90": round(p90, 2), "items": n}
                for f, (p50, p90, n) in self.dwell_hours.items()
            },
            "attempted": {
                "attempts": self.attempts,
                "rate": round(self.attempt_rate, 4),
                "reasons": self.attempt_reasons,
            },
            "scans_per_operator_hour": {
                op: {"rate": round(rate, 1), "scans": scans, "hours": round(hours, 2)}
                for op, (rate, scans, hours) in self.scans_per_hour.items()
            },
            "sack_fill": {k: round(v, 2) for k, v in self.sack_fill.items()},
        }

    def csv_rows(self) -> list[tuple[str, str, str, str]]:
        """(section, key, measure, value) rows: one long table a spreadsheet pivots."""
        out: list[tuple[str, str, str, str]] = []
        out += [("volume", day, "accepted", str(n)) for day, n in self.accepted_by_day.items()]
        out += [("volume", s, "accepted by service", str(n)) for s, n in self.accepted_by_service.items()]
        out += [("volume", f, "items handled", str(n)) for f, n in self.handled_by_facility.items()]
        out += [
            ("on time", "service standard", "share", f"{self.on_time_standard:.4f}"),
            ("on time", "estimate", "share", f"{self.on_time_estimate:.4f}"),
        ]
        for f, (p50, p90, n) in self.dwell_hours.items():
            out += [
                ("dwell", f, "p50 h", f"{p50:.2f}"),
                ("dwell", f, "p90 h", f"{p90:.2f}"),
                ("dwell", f, "items", str(n)),
            ]
        out.append(("attempted", "all", "rate", f"{self.attempt_rate:.4f}"))
        out += [("attempted", reason, "attempts", str(n)) for reason, n in self.attempt_reasons.items()]
        for op, (rate, scans, hours) in self.scans_per_hour.items():
            out += [
                ("operators", op, "scans per hour", f"{rate:.1f}"),
                ("operators", op, "hours", f"{hours:.2f}"),
            ]
            out.append(("operators", op, "scans", str(scans)))
        out += [("sacks", "all", k, f"{v:.2f}") for k, v in self.sack_fill.items()]
        return out

    def lines(self) -> list[str]:
        """The report as text."""
        period = f"{self.since or 'start'} to {self.until or 'now'}" + (
            f" at {self.facility}" if self.facility else ""
        )
        out = [f"performance {period}"]
        total = sum(self.accepted_by_day.values())
        days = len(self.accepted_by_day)
        out.append(
            f"accepted: {total} items on {days} days"
            + (f" ({total / days:.0f} a day)" if days else "")
            + (f"; {self.voided} more voided, not counted" if self.voided else "")
        )
        out.append(
            "  by service: " + ", ".join(f"{s} {n}" for s, n in sorted(self.accepted_by_service.items()))
        )
        out.append(
            f"delivered: {self.delivered}; on time against the service standard {self.on_time_standard:.1%},"
            f" against the estimate {self.on_time_estimate:.1%}"
        )
        out.append(f"attempted deliveries: {self.attempts} ({self.attempt_rate:.1%} of tries)")
        out += [
            f"  {reason}: {n}" for reason, n in sorted(self.attempt_reasons.items(), key=lambda kv: -kv[1])
        ]
        out.append("dwell per facility (hours, p50 / p90, items):")
        out += [
            f"  {f:<28} {p50:6.1f} / {p90:6.1f}  {n}" for f, (p50, p90, n) in sorted(self.dwell_hours.items())
        ]
        out.append("scans per operator hour:")
        out += [
            f"  {op:<16} {rate:6.1f}  ({scans} scans in {hours:.1f} h)"
            for op, (rate, scans, hours) in sorted(self.scans_per_hour.items())
        ]
        if self.sack_fill.get("sacks"):
            f = self.sack_fill
            out.append(
                f"sack fill: {f['sacks']:.0f} sacks, mean {f['mean']:.1f},"
                f" p50 {f['p50']:.0f}, p90 {f['p90']:.0f} items"
            )
        return out


def compute(
    lines: dict[str, Timeline],
    history: Iterable[Row],
    zone: ZoneInfo | None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    facility: str | None = None,
    model: TransitModel | None = None,
) -> Kpis:
    """The figures for items accepted in [since, until) (and, with `facility`, scans there)."""
    report = Kpis(
        local_day(since, zone) if since else None,
        local_day(until - timedelta(microseconds=1), zone) if until else None,
        facility,
    )

    def in_period(moment: datetime | None) -> bool:
        return moment is not None and (since is None or moment >= since) and (until is None or moment < until)

    if model is None:
        model = TransitModel(zone)
        model.learn(lines.values())
    by_day: Counter[str] = Counter()
    by_service: Counter[str] = Counter()
    handled: Counter[str] = Counter()
    dwell: dict[str, list[float]] = defaultdict(list)
    on_standard = on_estimate = delivered = attempts = tries = 0
    reasons: Counter[str] = Counter()
    for line in lines.values():
        if not in_period(line.accepted_at) or line.accepted_at is None:
            continue
        first = line.moves[0] if line.moves else None
        if facility is not None and not any(m.facility == facility for m in line.moves):
            continue
        if first is not None and (facility is None or first.facility == facility):
            if line.voided:  # sold and taken back: not a piece the network carries
                report.voided += 1
                continue
            by_day[local_day(line.accepted_at, zone).isoformat()] += 1
            by_service[line.service or "?"] += 1
        seen: list[tuple[str, datetime]] = []
        for move in line.moves:
            if not seen or seen[-1][0] != move.facility:
                if all(f != move.facility for f, _ in seen):
                    handled[move.facility] += 1
                seen.append((move.facility, move.at))
            if move.kind in (EventKind.DELIVERED, EventKind.ATTEMPTED) and (
                facility is None or move.facility == facility
            ):
                tries += 1
                if move.kind == EventKind.ATTEMPTED:
                    attempts += 1
                    reasons[move.reason or "UNSPECIFIED"] += 1
        final = next((m for m in reversed(line.moves) if m.kind in FINAL), None)
        for i, (where, arrived) in enumerate(seen):
            left = (
                seen[i + 1][1]
                if i + 1 < len(seen)
                else (final.at if final and final.facility == where else None)
            )
            if left is not None and (facility is None or where == facility):
                dwell[where].append((left - arrived).total_seconds() / 3600)
        done = line.delivered_at
        if done is not None:
            accepted = local_day(line.accepted_at, zone)
            arrived_on = local_day(done, zone)
            delivered += 1
            on_standard += (arrived_on - accepted).days <= standard_days(line.service, accepted)
            dist, _ = model.transit(line, accepted)
            on_estimate += (arrived_on - accepted).days <= quantile(dist, 0.5)
    report.accepted_by_day = dict(sorted(by_day.items()))
    report.accepted_by_service = dict(sorted(by_service.items()))
    report.handled_by_facility = dict(sorted(handled.items()))
    report.delivered = delivered
    report.on_time_standard = on_standard / delivered if delivered else 0.0
    report.on_time_estimate = on_estimate / delivered if delivered else 0.0
    report.dwell_hours = {
        f: (percentile(v, 0.5), percentile(v, 0.9), len(v)) for f, v in sorted(dwell.items())
    }
    report.attempts, report.attempt_rate = attempts, attempts / tries if tries else 0.0
    report.attempt_reasons = dict(reasons.most_common())
    report.scans_per_hour, report.sack_fill = _operators_and_sacks(history, zone, in_period, facility)
    return report


def _operators_and_sacks(
    history: Iterable[Row],
    zone: ZoneInfo | None,
    in_period: Callable[[datetime | None], bool],
    facility: str | None,
) -> tuple[dict[str, tuple[float, int, float]], dict[str, float]]:
    shifts: dict[tuple[str, date], list[datetime]] = defaultdict(list)
    contents: dict[str, set[str]] = defaultdict(set)
    inside: dict[str, str] = {}
    fills: list[float] = []
    for row in history:
        if row.kind not in MOVES and row.kind != EventKind.SACK_CLOSE:
            continue
        membership = EventKind(row.kind).facts.membership
        if membership is not None:
            old = inside.pop(row.item_id, None)
            if old is not None:
                contents[old].discard(row.item_id)
            if membership is Membership.ENTERS and row.container_id:
                inside[row.item_id] = row.container_id
                contents[row.container_id].add(row.item_id)
        if not in_period(row.at) or (facility is not None and row.facility != facility):
            continue
        if row.kind == EventKind.SACK_CLOSE:
            fills.append(float(len(contents.get(row.item_id, ()))))
        shifts[(row.operator, local_day(row.at, zone))].append(row.at)
    per_operator: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (operator, _day), times in shifts.items():
        hours = max((max(times) - min(times)).total_seconds() / 3600, MIN_SHIFT_H)
        per_operator[operator][0] += len(times)
        per_operator[operator][1] += hours
    rates = {op: (scans / hours, int(scans), hours) for op, (scans, hours) in sorted(per_operator.items())}
    sacks = {"sacks": float(len(fills))}
    if fills:
        sacks |= {
            "mean": sum(fills) / len(fills),
            "p50": percentile(fills, 0.5),
            "p90": percentile(fills, 0.9),
        }
    return rates, sacks
