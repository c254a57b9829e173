"""A realistic day of postal work, written into a journal for the demo, screenshots and benchmarks.

Two counters accept items (S10 for international services, IMpb for domestic parcels), a depot sorts
them into sacks per destination (small sacks nested into a pallet sack for the busiest route), sacks
are closed, dispatched and received, delivery offices load carriers' rounds, and carriers deliver
(with signature references), attempt or hold items. A few anomalies a real day has are included on
purpose: a copied label accepted twice and an item delivered without an out-for-delivery scan.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from station.app import Station
from station.config import StationConfig
from station.ids import Impb, Sscc
from station.model.events import Event, EventKind
from station.store.db import Database
from station.store.journal import Journal
from station.store.serials import S10Allocator


@dataclass(frozen=True)
class Site:
    """A facility with its own station (and so its own journal chain)."""

    station_id: str
    facility: str
    operator: str


COUNTERS = [
    Site("CTR-NYC1", "NEW YORK NY 10001", "clerk.ana"),
    Site("CTR-BKN1", "BROOKLYN NY 11201", "clerk.raj"),
]
ORIGIN_DEPOT = Site("DEP-NYC", "NEW YORK NY P&DC", "sorter.kim")
ROUTES = {
    # destination ZIP prefix -> (destination depot, delivery office)
    "941": (
        Site("DEP-SFO", "SAN FRANCISCO CA P&DC", "sorter.lee"),
        Site("DLV-SF1", "SAN FRANCISCO CA 94105", "carrier.joe"),
    ),
    "606": (
        Site("DEP-CHI", "CHICAGO IL P&DC", "sorter.ola"),
        Site("DLV-CHI1", "CHICAGO IL 60601", "carrier.sue"),
    ),
    "021": (
        Site("DEP-BOS", "BOSTON MA P&DC", "sorter.max"),
        Site("DLV-BOS1", "BOSTON MA 02108", "carrier.ivy"),
    ),
}
ZIPS = {"941": ["94105", "94107", "94110"], "606": ["60601", "60614"], "021": ["02108", "02116"]}
SACK_SIZE = 60
COMPANY_PREFIX = "0614141"  # GS1's documentation prefix: demo SSCCs are never a real company's


class DemoCancelled(Exception):
    """The operator cancelled; the transaction rolled back."""


@dataclass
class DemoSummary:
    """What the demo wrote."""

    items: int
    sacks: int
    events: int
    sample_ids: list[str]


def fill_demo_day(
    db: Database,
    *,
    items: int = 3000,
    seed: int | None = None,
    day: datetime | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> DemoSummary:
    """Write a day's events for `items` items; `progress(done, total)` returning False cancels."""
    rng = random.Random(seed)
    start = (day or datetime.now(UTC) - timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    w = _Writer(db)
    journal, ev = w.journal, w.event

    allocators = {
        c.station_id: S10Allocator(db, c.station_id, 20_000_000 + i * 1_000_000, 20_999_999 + i * 1_000_000)
        for i, c in enumerate(COUNTERS)
    }
    accepted: dict[str, list[tuple[str, datetime]]] = {p: [] for p in ROUTES}
    written = 0
    serial_base = rng.randrange(10**9)
    # Counter acceptance, 08:00-17:00.
    with db.transaction() as conn:
        for n in range(items):
            counter = COUNTERS[n % len(COUNTERS)]
            prefix = rng.choice(list(ROUTES))
            zip_code = rng.choice(ZIPS[prefix])
            if rng.random() < 0.3:
                item = allocators[counter.station_id].allocate(rng.choice(["RR", "CP", "EE"]), "US")[0].text
            else:
                body = f"9205590{(serial_base + n) % 10**13:013d}"
                item = Impb.build(body, zip_code).tracking
            at = start + timedelta(seconds=rng.randrange(9 * 3600))
            journal(counter).append_in(
                conn,
                ev(
                    counter,
                    item,
                    EventKind.ACCEPTANCE,
                    at,
                    weight_g=rng.randrange(80, 12_000),
                    extra={"routing_zip": zip_code},
                ),
            )
            written += 1
            accepted[prefix].append((item, at))
            if progress and n % 100 == 0 and progress(n, items) is False:
                raise DemoCancelled(f"cancelled after {n} of {items} items; nothing was written")
        # A copied label: the same id accepted again at the other counter.
        dup = accepted["941"][0][0] if accepted["941"] else None
        if dup is not None:
            journal(COUNTERS[1]).append_in(
                conn, ev(COUNTERS[1], dup, EventKind.ACCEPTANCE, start + timedelta(hours=9, minutes=30))
            )
            written += 1

    sacks = 0
    sample: list[str] = []
    for prefix, batch in accepted.items():
        depot, office = ROUTES[prefix]
        batch.sort(key=lambda x: x[1])
        sort_time = start + timedelta(hours=9, minutes=30)
        pallet = Sscc.build(1, COMPANY_PREFIX, rng.randrange(10**9)).text if prefix == "941" else None
        with db.transaction() as conn:
            j = journal(ORIGIN_DEPOT)
            for first in range(0, len(batch), SACK_SIZE):
                sack = Sscc.build(0, COMPANY_PREFIX, rng.randrange(10**9)).text
                sacks += 1
                for item, _accepted_at in batch[first : first + SACK_SIZE]:
                    sort_time += timedelta(seconds=rng.randrange(1, 3))
                    j.append_in(
                        conn,
                        ev(
                            ORIGIN_DEPOT,
                            item,
                            EventKind.SORT_IN,
                            sort_time,
                            container_id=sack,
                            extra={"destination": prefix},
                        ),
                    )
                    written += 1
                sort_time += timedelta(minutes=1)
                j.append_in(conn, ev(ORIGIN_DEPOT, sack, EventKind.SACK_CLOSE, sort_time))
                written += 1
                if pallet:
                    j.append_in(
                        conn,
                        ev(
                            ORIGIN_DEPOT,
                            sack,
                            EventKind.SORT_IN,
                            sort_time + timedelta(minutes=2),
                            container_id=pallet,
                        ),
                    )
                    written += 1
                else:
                    written += w.move_sack(conn, sack, depot, start)
            if pallet:
                sacks += 1
                j.append_in(conn, ev(ORIGIN_DEPOT, pallet, EventKind.SACK_CLOSE, start + timedelta(hours=12)))
                written += 1 + w.move_sack(conn, pallet, depot, start)
        # Delivery office: out for delivery and the carriers' outcomes, next day.
        with db.transaction() as conn:
            jo = journal(office)
            next_day = start + timedelta(days=1)
            for i, (item, _at) in enumerate(batch):
                if item == dup:
                    continue  # the duplicate-accepted item stays at the depot for investigation
                ofd = next_day + timedelta(hours=1, seconds=rng.randrange(3600))
                roll = rng.random()
                if roll < 0.02:
                    jo.append_in(
                        conn,
                        ev(
                            office,
                            item,
                            EventKind.DELAYED,
                            ofd,
                            reason=rng.choice(["WEATHER", "CAPACITY", "MISSORTED"]),
                        ),
                    )
                    written += 1
                    continue
                if i == 1:  # a carrier who forgot the out-for-delivery scan
                    jo.append_in(
                        conn,
                        ev(
                            office,
                            item,
                            EventKind.DELIVERED,
                            ofd + timedelta(hours=2),
                            signature_ref=f"sig-{item}",
                        ),
                    )
                    written += 1
                    continue
                jo.append_in(conn, ev(office, item, EventKind.OUT_FOR_DELIVERY, ofd))
                written += 1
                done = ofd + timedelta(minutes=rng.randrange(60, 420))
                if roll < 0.06:
                    jo.append_in(
                        conn,
                        ev(
                            office,
                            item,
                            EventKind.ATTEMPTED,
                            done,
                            reason=rng.choice(["ADDRESSEE_ABSENT", "NO_ACCESS", "BUSINESS_CLOSED"]),
                        ),
                    )
                elif roll < 0.065:
                    jo.append_in(conn, ev(office, item, EventKind.RETURNED, done, reason="REFUSED"))
                elif roll < 0.8:
                    jo.append_in(
                        conn, ev(office, item, EventKind.DELIVERED, done, signature_ref=f"sig-{item}")
                    )
                written += 1 if roll < 0.8 else 0
            sample += [item for item, _ in batch[:3]]
    return DemoSummary(items=items, sacks=sacks, events=written, sample_ids=sample)


class _Writer:
    """One journal per site on a shared database, and events stamped with the site's identity."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.journals: dict[str, Journal] = {}

    def journal(self, site: Site) -> Journal:
        if site.station_id not in self.journals:
            self.journals[site.station_id] = Station(
                self.db, StationConfig(station_id=site.station_id)
            ).journal
        return self.journals[site.station_id]

    def event(self, site: Site, item: str, kind: EventKind, at: datetime, **fields: Any) -> Event:
        return Event.new(
            item,
            kind,
            facility=site.facility,
            station_id=site.station_id,
            operator=site.operator,
            at=at,
            **fields,
        )

    def move_sack(self, conn: sqlite3.Connection, sack: str, depot: Site, start: datetime) -> int:
        """Dispatch from the origin depot, arrival at the destination depot and its delivery office."""
        self.journal(ORIGIN_DEPOT).append_in(
            conn, self.event(ORIGIN_DEPOT, sack, EventKind.DISPATCH, start + timedelta(hours=13))
        )
        self.journal(depot).append_in(
            conn, self.event(depot, sack, EventKind.ARRIVAL, start + timedelta(hours=20))
        )
        return 2
