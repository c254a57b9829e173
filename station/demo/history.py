"""`station demo --days N`: months of a depot's network history with the structure real mail has.

What a model should be able to learn from it, and a report should show:
- lanes (origin and destination 3-digit ZIP, service) that run faster or slower than the service
  standard, by a fixed offset each lane keeps for the whole history;
- the week: counters are shut on Sunday, there is no Sunday delivery (an item due on Sunday arrives on
  Monday), Saturday is a light day, Monday a heavy one;
- a weather delay in one region for a few days (items there held a day or two, with a WEATHER scan);
- carriers of differing speed: each delivery office has a quick carrier and a slow one who attempts
  more (ADDRESSEE_ABSENT, NO_ACCESS) and delivers the next day;
- carriers walk their round in the same order every day (a street at a time, up one side and back
  the other), which is what the round planner learns;
- with `anomalies`, a carrier who now and then scans a batch "delivered" at the office in a few minutes.

Every run with the same seed writes the same history. Events go straight into per-site journal chains
(with the sack and status hook, never the SMS outbox: nobody is texted about the past).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from station.ids import Impb
from station.insight.eta import TRANSIT_DAYS
from station.items import containers, recipients
from station.model.delivery_week import add_delivery_days, is_delivery_day, next_delivery_day
from station.model.events import Event, EventKind
from station.store.db import Database
from station.store.journal import Journal


@dataclass(frozen=True)
class Site:
    """A facility with its own station (and so its own journal chain)."""

    station_id: str
    facility: str
    operator: str


@dataclass(frozen=True)
class Region:
    """A destination area: its depot, its delivery office, two carriers, its ZIPs and streets."""

    prefix: str
    depot: Site
    office: Site
    city: str
    zips: tuple[str, ...]
    streets: tuple[str, ...]
    carriers: tuple[str, str]  # (quick, slow)


COUNTERS = (
    Site("CTR-NYC1", "NEW YORK NY 10001", "clerk.ana"),
    Site("CTR-BKN1", "BROOKLYN NY 11201", "clerk.raj"),
    Site("CTR-JSY1", "JERSEY CITY NJ 07302", "clerk.mei"),
)
COUNTER_CLERKS = {
    "CTR-NYC1": ("clerk.ana", "clerk.tom"),
    "CTR-BKN1": ("clerk.raj",),
    "CTR-JSY1": ("clerk.mei",),
}
DEPOT = Site("DEP-NYC", "NEW YORK NY P&DC", "sorter.kim")
_STREETS = ("ELM ST", "OAK AVE", "PINE ST", "MAPLE DR", "CEDAR LN", "BIRCH RD")


def _region(prefix: str, code: str, city: str, zips: tuple[str, ...], carriers: tuple[str, str]) -> Region:
    depot = DEPOT if prefix == "100" else Site(f"DEP-{code}", f"{city} P&DC", f"sorter.{code.lower()}")
    office = Site(f"DLV-{code}1", f"{city} {zips[0]}", carriers[0])
    return Region(prefix, depot, office, city, zips, _STREETS, carriers)


REGIONS = (
    _region("941", "SFO", "SAN FRANCISCO CA", ("94105", "94107"), ("carrier.joe", "carrier.ned")),
    _region("606", "CHI", "CHICAGO IL", ("60601", "60614"), ("carrier.sue", "carrier.zed")),
    _region("021", "BOS", "BOSTON MA", ("02108", "02116"), ("carrier.ivy", "carrier.bo")),
    _region("303", "ATL", "ATLANTA GA", ("30303",), ("carrier.al", "carrier.cy")),
    _region("981", "SEA", "SEATTLE WA", ("98101",), ("carrier.di", "carrier.ed")),
    _region("100", "NYC", "NEW YORK NY", ("10001", "10011"), ("carrier.fay", "carrier.gus")),
)
SERVICES = (("ground", 0.45), ("priority", 0.35), ("letter", 0.12), ("express", 0.08))
WEEKDAY_VOLUME = (1.25, 1.0, 1.0, 1.0, 1.1, 0.55, 0.0)  # Monday .. Sunday (counters shut on Sunday)
WEATHER_REGION = "606"
LAST_TRUCK_UTC = 21
HOUSES_PER_STREET = 10
SLOW_ATTEMPTS, QUICK_ATTEMPTS = 0.14, 0.03


@dataclass
class HistorySummary:
    """What the history holds, and the truths a test can check a learner against."""

    days: int
    items: int = 0
    events: int = 0
    lane_offsets: dict[tuple[str, str, str], int] = field(default_factory=dict)
    weather: tuple[date, date] | None = None
    bursts: int = 0
    round_order: dict[str, list[str]] = field(default_factory=dict)  # carrier -> true address order


def _lane_offsets(rng: random.Random) -> dict[tuple[str, str, str], int]:
    offsets = {}
    for counter in COUNTERS:
        for region in REGIONS:
            for service, _ in SERVICES:
                choice = rng.choice((-1, 0, 0, 0, 0, 1, 1, 2))
                if service == "express":
                    choice = max(choice, 0)
                offsets[(counter.facility[-5:][:3], region.prefix, service)] = choice
    return offsets


def _round(region: Region, carrier: int) -> list[tuple[str, str]]:
    """The carrier's addresses (street line, ZIP) in walking order: up a street's one side, down the other."""
    streets = region.streets[carrier * 3 : carrier * 3 + 3]
    walk = []
    for s, street in enumerate(streets):
        odd = [n for n in range(1, HOUSES_PER_STREET * 2, 2)]
        even = [n for n in range(2, HOUSES_PER_STREET * 2 + 1, 2)]
        sides = odd + even[::-1] if s % 2 == 0 else even + odd[::-1]
        zip_code = region.zips[s % len(region.zips)]
        walk += [(f"{n} {street}", zip_code) for n in sides]
    return walk


def _noise(rng: random.Random) -> int:
    roll = rng.random()
    return 0 if roll < 0.62 else 1 if roll < 0.86 else 2 if roll < 0.94 else -1


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(0), UTC) + timedelta(hours=hour)


def fill_history(
    db: Database,
    *,
    days: int,
    per_day: int = 200,
    seed: int = 1,
    end: date | None = None,
    anomalies: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> HistorySummary:
    """Write `days` days of history ending the day before `end` (default today, UTC)."""
    rng = random.Random(seed)
    last = (end or datetime.now(UTC).date()) - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    summary = HistorySummary(days)
    summary.lane_offsets = offsets = _lane_offsets(rng)
    weather_start = first + timedelta(days=int(days * 0.4))
    summary.weather = (weather_start, weather_start + timedelta(days=min(4, max(days // 20, 1))))
    rounds = {(r.prefix, c): _round(r, c) for r in REGIONS for c in (0, 1)}
    for region in REGIONS:
        for c in (0, 1):
            summary.round_order[region.carriers[c]] = [line for line, _ in rounds[(region.prefix, c)]]
    journals: dict[str, Journal] = {}

    def journal(site_id: str) -> Journal:
        if site_id not in journals:
            journals[site_id] = Journal(db, site_id)
            journals[site_id].on_append(containers.apply)
        return journals[site_id]

    # Each day's deliveries, per (region, carrier, day): written when the day is reached, in round order.
    pending: dict[tuple[date, str, int], list[tuple[int, str, str]]] = {}
    events: list[Event] = []

    cutoff = _at(last + timedelta(days=1), 0)  # the history stops here: later scans have not happened yet

    def add(
        site: Site, item: str, kind: EventKind, at: datetime, operator: str = "", **fields: object
    ) -> None:
        if at >= cutoff:
            return
        events.append(
            Event.new(
                item,
                kind,
                facility=site.facility,
                station_id=site.station_id,
                operator=operator or site.operator,
                at=at,
                **fields,  # type: ignore[arg-type]
            )
        )

    serial = rng.randrange(10**9)
    names = ("LEE", "GARCIA", "SMITH", "NGUYEN", "COHEN", "OKAFOR", "ROSSI", "KOWALSKI", "TANAKA", "SILVA")
    span = (last - first).days + 1
    for offset in range(span):
        day = first + timedelta(days=offset)
        with db.transaction() as conn:
            count = int(per_day * WEEKDAY_VOLUME[day.weekday()] * rng.uniform(0.9, 1.1))
            for _ in range(count):
                counter = rng.choice(COUNTERS)
                region = rng.choice(REGIONS)
                service = rng.choices([s for s, _ in SERVICES], [w for _, w in SERVICES])[0]
                carrier = rng.randrange(2)
                house, to_zip = rng.choice(rounds[(region.prefix, carrier)])
                serial += 1
                item = Impb.build(f"9205590{serial % 10**13:013d}", to_zip).tracking
                accepted = _at(day, rng.uniform(13, 23))
                origin = counter.facility[-5:]
                lane = (origin[:3], region.prefix, service)
                # After the counter's 17:00 (22:00 UTC) truck cut-off, an item leaves a day later.
                late = int(accepted.hour >= LAST_TRUCK_UTC)
                due = add_delivery_days(day, TRANSIT_DAYS[service]) + timedelta(
                    days=offsets[lane] + _noise(rng) + late
                )
                due = max(due, day + timedelta(days=1))
                weather = (
                    region.prefix == WEATHER_REGION
                    and summary.weather[0] <= due <= summary.weather[1]
                    and rng.random() < 0.8
                )
                if weather:
                    due = summary.weather[1] + timedelta(days=rng.choice((1, 2)))
                due = next_delivery_day(due)
                clerk = rng.choice(COUNTER_CLERKS[counter.station_id])
                extra = {"service": service, "origin_zip": origin, "destination_zip": to_zip}
                add(
                    counter,
                    item,
                    EventKind.ACCEPTANCE,
                    accepted,
                    clerk,
                    weight_g=rng.randrange(80, 9000),
                    extra=extra,
                )
                recipients.record(
                    conn,
                    item,
                    (
                        f"{rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(names)}",
                        house,
                        f"{region.city} {to_zip}",
                    ),
                    to_zip,
                    accepted,
                    counter.facility,
                )
                add(DEPOT, item, EventKind.DISPATCH, _at(day, 23.5 + rng.uniform(0, 0.4)))
                travel = max((due - day).days - 1, 0)
                arrive_day = day + timedelta(days=max(travel, 1)) if travel else due
                arrive_hour = 9.0 if travel else 3.0
                if region.depot is not DEPOT:
                    add(
                        region.depot,
                        item,
                        EventKind.ARRIVAL,
                        _at(arrive_day, arrive_hour + rng.uniform(0, 2)),
                    )
                if weather:
                    add(region.depot, item, EventKind.DELAYED, _at(summary.weather[0], 12), reason="WEATHER")
                pending.setdefault((due, region.prefix, carrier), []).append((0, item, house))
                summary.items += 1
            # Today's rounds: delivery office, out for delivery, then the round in walking order.
            if is_delivery_day(day):
                for region in REGIONS:
                    for carrier in (0, 1):
                        loads = pending.pop((day, region.prefix, carrier), [])
                        if loads:
                            _deliver(
                                rng, add, region, carrier, day, loads, rounds, pending, anomalies, summary
                            )
            else:  # no Sunday delivery: Sunday's rounds go out on Monday
                for region in REGIONS:
                    for carrier in (0, 1):
                        loads = pending.pop((day, region.prefix, carrier), [])
                        if loads:
                            pending.setdefault((day + timedelta(days=1), region.prefix, carrier), []).extend(
                                loads
                            )
            events.sort(key=lambda e: e.occurred_at)
            for event in events:
                journal(event.station_id).append_in(conn, event)
            summary.events += len(events)
            events.clear()
        if progress is not None:
            progress(offset + 1, span)
    return summary


def _deliver(
    rng: random.Random,
    add: Callable[..., None],
    region: Region,
    carrier: int,
    day: date,
    loads: list[tuple[int, str, str]],
    rounds: dict[tuple[str, int], list[tuple[str, str]]],
    pending: dict[tuple[date, str, int], list[tuple[int, str, str]]],
    anomalies: bool,
    summary: HistorySummary,
) -> None:
    """One carrier's day: the office receives, loads the round, and the carrier walks it in order."""
    office, name = region.office, region.carriers[carrier]
    walk = {line: n for n, (line, _) in enumerate(rounds[(region.prefix, carrier)])}
    ordered = sorted(loads, key=lambda load: walk.get(load[2], len(walk)))
    for _, item, _ in ordered:
        add(office, item, EventKind.DELIVERY_OFFICE, _at(day, 11 + rng.uniform(0, 0.5)), "clerk.office")
        add(office, item, EventKind.OUT_FOR_DELIVERY, _at(day, 13 + rng.uniform(0, 0.4)), name)
    burst = (
        anomalies
        and carrier == 1
        and region.prefix == WEATHER_REGION
        and rng.random() < 0.05
        and len(ordered) >= 12
    )
    clock = _at(day, 14 + rng.uniform(0, 0.3))
    attempts = SLOW_ATTEMPTS if carrier == 1 else QUICK_ATTEMPTS
    for n, (tries, item, house) in enumerate(ordered):
        at_the_unit = burst and n < 12  # "delivered" at the office, one scan after another, never walked
        clock += (
            timedelta(seconds=rng.uniform(15, 25)) if at_the_unit else timedelta(minutes=rng.uniform(3, 6))
        )
        if at_the_unit:
            add(office, item, EventKind.DELIVERED, clock, name, signature_ref=f"sig-{item[-8:]}")
        elif rng.random() < attempts and tries < 2:
            add(
                office,
                item,
                EventKind.ATTEMPTED,
                clock,
                name,
                reason=rng.choice(("ADDRESSEE_ABSENT", "NO_ACCESS")),
            )
            again = next_delivery_day(day + timedelta(days=1))
            pending.setdefault((again, region.prefix, carrier), []).append((tries + 1, item, house))
        elif tries >= 2 and rng.random() < 0.3:
            add(office, item, EventKind.RETURNED, clock, name, reason="UNCLAIMED")
        else:
            add(office, item, EventKind.DELIVERED, clock, name, signature_ref=f"sig-{item[-8:]}")
    if burst:
        summary.bursts += 1
