"""Next week's work per facility, and the staff hours it takes.

The forecast for a day is the mean of the scans on the same weekday over the last `WEEKS` weeks of
history (mail has a strong week: Mondays heavy, Saturdays light, counters shut on Sunday), scaled by
the trend of the last two weeks against the two before them. The hours needed are the forecast scans
over the facility's measured scans per operator hour (`kpis`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from station.insight.estimates import local_day
from station.insight.kpis import MIN_SHIFT_H
from station.model.events import MOVES
from station.model.rows import Row

WEEKS = 6


@dataclass(frozen=True, slots=True)
class DayPlan:
    """One facility's forecast day."""

    day: date
    scans: float
    hours: float


@dataclass
class Staffing:
    """Per facility: the next 7 days, and the rate the hours are computed at."""

    start: date
    plans: dict[str, list[DayPlan]] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)

    ok = True

    def to_json(self) -> dict[str, Any]:
        """`station report staffing --json`."""
        return {
            "from": self.start.isoformat(),
            "facilities": {
                f: {
                    "scans_per_operator_hour": round(self.rates[f], 1),
                    "days": [
                        {
                            "day": p.day.isoformat(),
                            "weekday": f"{p.day:%a}",
                            "scans": round(p.scans),
                            "staff_hours": round(p.hours, 1),
                        }
                        for p in plans
                    ],
                }
                for f, plans in self.plans.items()
            },
        }


def forecast(history: list[Row], zone: ZoneInfo | None, today: date, facility: str | None = None) -> Staffing:
    """The 7 days from `today` for every facility (or one)."""
    daily: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    shifts: dict[tuple[str, str, date], list[Row]] = defaultdict(list)
    first_day = today - timedelta(weeks=WEEKS)
    for row in history:
        if row.kind not in MOVES or (facility is not None and row.facility != facility):
            continue
        day = local_day(row.at, zone)
        if first_day <= day < today:
            daily[row.facility][day] += 1
            shifts[(row.facility, row.operator, day)].append(row)
    hours: dict[str, float] = defaultdict(float)
    scans: dict[str, int] = defaultdict(int)
    for (where, _op, _day), rows in shifts.items():
        span = (max(r.at for r in rows) - min(r.at for r in rows)).total_seconds() / 3600
        hours[where] += max(span, MIN_SHIFT_H)
        scans[where] += len(rows)
    plan = Staffing(today)
    for where, days in sorted(daily.items()):
        rate = scans[where] / hours[where] if hours[where] else 0.0
        recent = sum(n for d, n in days.items() if d >= today - timedelta(weeks=2))
        before = sum(
            n for d, n in days.items() if today - timedelta(weeks=4) <= d < today - timedelta(weeks=2)
        )
        trend = min(max(recent / before, 0.5), 2.0) if before and recent else 1.0
        plan.rates[where] = rate
        plan.plans[where] = []
        for ahead in range(7):
            day = today + timedelta(days=ahead)
            same = [days.get(day - timedelta(weeks=w), 0) for w in range(1, WEEKS + 1)]
            seen = [
                n
                for n, w in zip(same, range(1, WEEKS + 1), strict=True)
                if day - timedelta(weeks=w) >= min(days)
            ]
            expected = (sum(seen) / len(seen) if seen else 0.0) * trend
            plan.plans[where].append(DayPlan(day, expected, expected / rate if rate else 0.0))
    return plan
