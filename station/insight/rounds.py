"""A carrier's round in delivery order, learned from the order of their previous days' scans.

Postal delivery sequences are built from how carriers actually walk: each day's delivered and
attempted scans, in time order, say which of the day's addresses came before which; the sequence keeps
every majority vote of the days (see `learn_sequence`). A new address is placed
beside the nearest known house on the same side of the same street (then the same street, then the
same ZIP), and anything left goes last, ordered by ZIP, street and number.

With coordinates for the stops, an optimiser (VROOM, through pyvroom) orders them instead: a round
trip from the start over straight-line distances.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from statistics import median
from typing import Any

_HOUSE = re.compile(r"\s*(\d+)[A-Z]?\s+(.+)")


def address_key(street_line: str, zip_code: str | None) -> str:
    """One spelling per address: upper case, single spaces, with its ZIP."""
    return " ".join(street_line.upper().split()) + "|" + (zip_code or "")[:5]


def _house(key: str) -> tuple[int | None, str, str]:
    line, _, zip_code = key.partition("|")
    found = _HOUSE.fullmatch(line)
    if found is None:
        return None, line, zip_code
    return int(found.group(1)), found.group(2), zip_code


@dataclass(frozen=True, slots=True)
class Visit:
    """One delivered or attempted scan of the carrier's, with the item's address."""

    day: date
    order: float  # the scan's time, as seconds: only the order within a day matters
    address: str  # address_key


@dataclass(frozen=True, slots=True)
class Stop:
    """An item on the round, in order, and why it is there."""

    item_id: str
    address: str
    place: float
    basis: str  # "learned over N days", "beside 14 ELM ST", "in ZIP 60601", "new address"

    def to_json(self) -> dict[str, Any]:
        """`station round --json`."""
        line, _, zip_code = self.address.partition("|")
        return {
            "item_id": self.item_id,
            "address": line,
            "zip": zip_code,
            "place": round(self.place, 4),
            "basis": self.basis,
        }


@dataclass
class Round:
    """The stops of one carrier's round."""

    carrier: str
    stops: list[Stop] = field(default_factory=list)
    days_learned: int = 0
    optimised: bool = False

    ok = True

    def to_json(self) -> dict[str, Any]:
        """`station round --json`."""
        return {
            "carrier": self.carrier,
            "days_learned": self.days_learned,
            "optimised": self.optimised,
            "stops": [s.to_json() for s in self.stops],
        }


def learn_sequence(visits: Iterable[Visit]) -> tuple[dict[str, tuple[float, int]], int]:
    """address -> (place from 0 to 1, days seen), and how many days were learned from.

    A day visits only the addresses with mail, so one day's positions say little. What every day says
    reliably is which of two addresses came first: the addresses are put in an order that keeps every
    such majority vote (a topological order), the one with the earliest median position first where the
    votes leave a choice.
    """
    days: dict[date, list[Visit]] = defaultdict(list)
    for visit in visits:
        days[visit.day].append(visit)
    positions: dict[str, list[float]] = defaultdict(list)
    first: Counter[tuple[str, str]] = Counter()
    for day_visits in days.values():
        day_visits.sort(key=lambda v: v.order)
        seen = list(dict.fromkeys(v.address for v in day_visits))
        for i, address in enumerate(seen):
            positions[address].append(i / (len(seen) - 1) if len(seen) > 1 else 0.5)
            for later in seen[i + 1 :]:
                first[(address, later)] += 1
    # Topological order of the majority votes (Kahn), the earliest median first among the free ones; a
    # cycle (a carrier who changed the walk) is broken at its earliest address.
    after: dict[str, set[str]] = defaultdict(set)
    waiting: Counter[str] = Counter()
    for (a, b), n in first.items():
        if n > first.get((b, a), 0):
            after[a].add(b)
            waiting[b] += 1
    middle = {a: median(p) for a, p in positions.items()}
    left, ranked = set(positions), []
    while left:
        free = [a for a in left if waiting[a] == 0] or list(left)
        pick = min(free, key=lambda a: (middle[a], a))
        ranked.append(pick)
        left.discard(pick)
        for b in after.get(pick, ()):
            waiting[b] -= 1
    last = max(len(ranked) - 1, 1)
    return {a: (n / last, len(positions[a])) for n, a in enumerate(ranked)}, len(days)


def order(carrier: str, items: list[tuple[str, str]], visits: Iterable[Visit]) -> Round:
    """`items` ((item id, address key)) in the learned order of `carrier`'s round."""
    known, days = learn_sequence(visits)
    streets: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    zips: dict[str, list[float]] = defaultdict(list)
    for address, (place, _n) in known.items():
        number, street, zip_code = _house(address)
        if number is not None:
            streets[(street, zip_code)].append((number, place))
        zips[zip_code].append(place)
    result = Round(carrier, days_learned=days)
    for item_id, address in items:
        if address in known:
            place, seen = known[address]
            result.stops.append(Stop(item_id, address, place, f"learned over {seen} days"))
            continue
        number, street, zip_code = _house(address)
        houses = streets.get((street, zip_code), [])
        same_side = [h for h in houses if number is not None and h[0] % 2 == number % 2]
        pool = same_side or houses
        if pool and number is not None:
            nearest_house = min(pool, key=lambda h: abs(h[0] - number))
            # just after (or before) its neighbour, by which way the numbers run on that side
            run = sorted(pool)
            rising = len(run) < 2 or run[-1][1] >= run[0][1]
            nudge = 1e-4 * (1 if (number > nearest_house[0]) == rising else -1)
            result.stops.append(
                Stop(item_id, address, nearest_house[1] + nudge, f"beside {nearest_house[0]} {street}")
            )
        elif zips.get(zip_code):
            result.stops.append(Stop(item_id, address, median(zips[zip_code]) + 1e-4, f"in ZIP {zip_code}"))
        else:
            result.stops.append(Stop(item_id, address, 2.0, "new address"))
    result.stops.sort(
        key=lambda s: (s.place, _house(s.address)[2], _house(s.address)[1], _house(s.address)[0] or 0)
    )
    return result


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def optimise(found: Round, coordinates: dict[str, tuple[float, float]], start: tuple[float, float]) -> Round:
    """The stops ordered by VROOM over straight-line distances from `start` (stops without coordinates
    keep their learned order, after the optimised ones)."""
    import vroom

    located = [s for s in found.stops if s.address in coordinates]
    rest = [s for s in found.stops if s.address not in coordinates]
    if len(located) < 2:
        return found
    points = [start] + [coordinates[s.address] for s in located]
    matrix = [[round(_metres(a, b)) for b in points] for a in points]
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=matrix)
    problem.add_vehicle(vroom.Vehicle(0, start=0, end=0))
    problem.add_job([vroom.Job(i, location=i) for i in range(1, len(points))])
    solution = problem.solve(exploration_level=5, nb_threads=1)
    route = [int(i) for i in solution.routes["id"].tolist() if i is not None and str(i) != "<NA>"]
    ordered = [located[i - 1] for i in route]
    out = Round(found.carrier, ordered + rest, found.days_learned, optimised=True)
    out.stops = [
        Stop(s.item_id, s.address, n, s.basis if s in rest else "optimised") for n, s in enumerate(out.stops)
    ]
    return out


def route_metres(
    stops: list[Stop], coordinates: dict[str, tuple[float, float]], start: tuple[float, float]
) -> float:
    """The length of a round trip through the stops in their order (straight lines)."""
    points = [start] + [coordinates[s.address] for s in stops if s.address in coordinates] + [start]
    return sum(_metres(a, b) for a, b in pairwise(points))
