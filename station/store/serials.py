"""Per-station serial allocation (S10 ids, SSCC sack references), persisted so that no number is ever
handed out twice.

A station of a network issues from the blocks its hub leased it (`serial_blocks`, one row a lease: no
other station's block overlaps it, see hub/sql/0008); a station without a hub, from the block its
set-up gave it (configured; `station doctor` says it is not network-unique). The next free serial per
(service, country) is stored in the station database and advanced in the same committed transaction
that returns the numbers, so a crash either hands out nothing or records what it handed out. A number
the journal knows already (a pre-printed label from the same block, an id typed at the counter, a
history imported) is stepped over, never handed out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from station.errors import Fault
from station.ids.impb import Impb
from station.ids.s10 import S10
from station.ids.sscc import Sscc
from station.store import journal
from station.store.db import Database

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS s10_serials (
    station_id TEXT NOT NULL,
    service    TEXT NOT NULL,
    country    TEXT NOT NULL,
    next_serial INTEGER NOT NULL,
    PRIMARY KEY (station_id, service, country)
);
CREATE TABLE IF NOT EXISTS sscc_serials (station_id TEXT PRIMARY KEY, next_serial INTEGER NOT NULL);
"""


# Blocks leased from the hub, one row each; `next_serial` past `last_serial` when used up, `told_hub` once
# the hub was told (its 12 months before the block is leased again start then).
SCHEMA_V13 = """
CREATE TABLE IF NOT EXISTS serial_blocks (
    lease_id     INTEGER PRIMARY KEY,
    space        TEXT NOT NULL,
    first_serial INTEGER NOT NULL,
    last_serial  INTEGER NOT NULL,
    next_serial  INTEGER NOT NULL,
    leased_at    TEXT NOT NULL,
    told_hub     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS serial_blocks_space ON serial_blocks (space, lease_id);
"""


def s10_space(service: str, country: str) -> str:
    """The serial space of one S10 service indicator of one country, as the hub names it."""
    return f"s10:{service.upper()}:{country.upper()}"


def sscc_space(company_prefix: str) -> str:
    """The serial references of one GS1 company prefix."""
    return f"sscc:{company_prefix}"


def impb_space(mailer_id: str) -> str:
    """The package serials of one USPS Mailer ID."""
    return f"impb:{mailer_id}"


def space_top(space: str) -> int:
    """The largest serial of a space (the hub's `hub.serial_space_top`)."""
    kind, _, rest = space.partition(":")
    if kind == "s10":
        return 99_999_999
    if kind == "impb":
        return 9_999_999 if len(rest) == 9 else 9_999_999_999
    if kind == "sscc":
        return int(10 ** (16 - len(rest))) - 1
    raise ValueError(f"no serial space is named {space!r}")


@dataclass(frozen=True, slots=True)
class Block:
    """One leased block as this station holds it."""

    lease_id: int
    space: str
    first: int
    last: int
    next_serial: int
    leased_at: str

    @property
    def left(self) -> int:
        return max(0, self.last - self.next_serial + 1)


def blocks(conn: sqlite3.Connection, space: str | None = None) -> list[Block]:
    """This station's leased blocks (of one space), in the order they were leased."""
    sql = "SELECT lease_id, space, first_serial, last_serial, next_serial, leased_at FROM serial_blocks"
    rows = conn.execute(
        sql + (" WHERE space = ? ORDER BY lease_id" if space else " ORDER BY space, lease_id"),
        (space,) if space else (),
    ).fetchall()
    return [Block(int(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4]), str(r[5])) for r in rows]


def record_lease(conn: sqlite3.Connection, lease_id: int, space: str, first: int, last: int, at: str) -> bool:
    """A block the hub leased (a lease known already is kept as it is); True when it was new."""
    done = conn.execute(
        "INSERT INTO serial_blocks (lease_id, space, first_serial, last_serial, next_serial, leased_at)"
        " VALUES (?,?,?,?,?,?) ON CONFLICT (lease_id) DO NOTHING",
        (lease_id, space, first, last, first, at),
    )
    return done.rowcount == 1


def used_up_untold(conn: sqlite3.Connection) -> list[int]:
    """Leases used up that the hub has not been told of."""
    rows = conn.execute(
        "SELECT lease_id FROM serial_blocks WHERE next_serial > last_serial AND told_hub = 0"
        " ORDER BY lease_id"
    ).fetchall()
    return [int(r[0]) for r in rows]


def mark_told(conn: sqlite3.Connection, lease_id: int) -> None:
    conn.execute("UPDATE serial_blocks SET told_hub = 1 WHERE lease_id = ?", (lease_id,))


def _fresh(
    tx: sqlite3.Connection, build: Callable[[int], str], serial: int, last: int, wanted: int
) -> tuple[list[str], int]:
    """Up to `wanted` ids built from `serial` on, never past `last`, stepping over those the journal
    knows already (a pre-printed label, an id typed at the counter, an imported history); and the
    serial after the last one used."""
    made: list[str] = []
    while len(made) < wanted and serial <= last:
        batch = [build(n) for n in range(serial, min(last, serial + wanted - len(made) - 1) + 1)]
        known = journal.known_ids(tx, batch)
        made += [text for text in batch if text not in known]
        serial += len(batch)
    return made, serial


def _from_leases(
    tx: sqlite3.Connection, space: str, count: int, build: Callable[[int], str], *, networked: bool
) -> list[str] | None:
    """`count` ids from the space's leased blocks, oldest block first, stepping over ids the journal
    knows; None when the station holds no block of the space and has no hub (it issues from its own
    block then), SerialSpaceExhausted when too few are left (nothing is then handed out: the
    transaction rolls back) or when a station of a network holds no block of the space yet."""
    held = blocks(tx, space)
    if not held:
        if networked:
            raise SerialSpaceExhausted(
                f"no block of {space} leased from the hub yet: station hub lease --space {space}"
            )
        return None
    made: list[str] = []
    for block in held:
        got, serial = _fresh(tx, build, block.next_serial, block.last, count - len(made))
        made += got
        if serial != block.next_serial:
            tx.execute(
                "UPDATE serial_blocks SET next_serial = ? WHERE lease_id = ?", (serial, block.lease_id)
            )
        if len(made) == count:
            return made
    raise SerialSpaceExhausted(
        f"no leased serials left for {space} (the hub leases more at the next sync; now: station hub lease)"
    )


class SerialSpaceExhausted(Fault):
    """The station's block of S10 serials for this service and country is used up."""


class S10Allocator:
    """Hands out new S10 ids from this station's serial block."""

    def __init__(
        self, db: Database, station_id: str, first: int, last: int, *, networked: bool = False
    ) -> None:
        if not 0 <= first <= last <= 99_999_999:
            raise ValueError(f"S10 serial block {first}..{last} is outside 0..99999999")
        self._db = db
        self._station_id = station_id
        self._first = first
        self._last = last
        self._networked = networked  # a station of a network issues only from its hub's leases

    def allocate(self, service: str, country: str, count: int = 1) -> list[S10]:
        """`count` new ids; committed before they are returned."""
        if count < 1:
            raise ValueError("count must be at least 1")
        service, country = service.upper(), country.upper()
        S10.build(service, self._first, country)  # validates service and country before consuming
        space = s10_space(service, country)
        with self._db.transaction() as tx:
            leased = _from_leases(
                tx, space, count, lambda n: S10.build(service, n, country).text, networked=self._networked
            )
            if leased is not None:
                return [S10.parse(text) for text in leased]
            row = tx.execute(
                "SELECT next_serial FROM s10_serials WHERE station_id=? AND service=? AND country=?",
                (self._station_id, service, country),
            ).fetchone()
            made, serial = _fresh(
                tx,
                lambda n: S10.build(service, n, country).text,
                row[0] if row else self._first,
                self._last,
                count,
            )
            if len(made) < count:
                raise SerialSpaceExhausted(
                    f"only {len(made)} S10 serials left for {service}..{country}"
                    f" at station {self._station_id}"
                )
            tx.execute(
                "INSERT INTO s10_serials (station_id, service, country, next_serial) VALUES (?,?,?,?) "
                "ON CONFLICT (station_id, service, country) DO UPDATE SET next_serial=excluded.next_serial",
                (self._station_id, service, country, serial),
            )
        return [S10.parse(text) for text in made]


# A station without a hub issues IMpb serials from its own counter per Mailer ID (schema 19).
SCHEMA_V19 = """
CREATE TABLE IF NOT EXISTS impb_serials (mailer_id TEXT PRIMARY KEY, next_serial INTEGER NOT NULL);
"""


class ImpbAllocator:
    """New IMpb tracking numbers (USPS Pub. 199): 92 (a 9-digit Mailer ID) or 93 (a 6-digit one), the
    3-digit service type code, the Mailer ID, the serial (7 or 10 digits), the GS1 check digit."""

    def __init__(self, db: Database, mailer_id: str, *, networked: bool = False) -> None:
        if not (mailer_id.isascii() and mailer_id.isdigit() and len(mailer_id) in (6, 9)):
            raise ValueError(f"a Mailer ID has 6 or 9 digits, not {mailer_id!r}")
        self._db = db
        self._mid = mailer_id
        self._networked = networked

    def _build(self, service_type: str, serial: int) -> str:
        width = 7 if len(self._mid) == 9 else 10
        prefix = "92" if len(self._mid) == 9 else "93"
        return Impb.build(f"{prefix}{service_type}{self._mid}{serial:0{width}d}").tracking

    def allocate(self, service_type: str = "001", count: int = 1) -> list[Impb]:
        """`count` new tracking numbers; committed before they are returned."""
        if count < 1:
            raise ValueError("count must be at least 1")
        if not (service_type.isascii() and service_type.isdigit() and len(service_type) == 3):
            raise SerialSpaceExhausted(f"an IMpb service type code has 3 digits, not {service_type!r}")
        space, top = impb_space(self._mid), space_top(impb_space(self._mid))
        with self._db.transaction() as tx:
            leased = _from_leases(
                tx, space, count, lambda n: self._build(service_type, n), networked=self._networked
            )
            if leased is not None:
                return [Impb.parse(text) for text in leased]
            row = tx.execute(
                "SELECT next_serial FROM impb_serials WHERE mailer_id = ?", (self._mid,)
            ).fetchone()
            made, serial = _fresh(
                tx, lambda n: self._build(service_type, n), row[0] if row else 1, top, count
            )
            if len(made) < count:
                raise SerialSpaceExhausted(f"the IMpb serials of Mailer ID {self._mid} are used up")
            tx.execute(
                "INSERT INTO impb_serials (mailer_id, next_serial) VALUES (?, ?)"
                " ON CONFLICT (mailer_id) DO UPDATE SET next_serial = excluded.next_serial",
                (self._mid, serial),
            )
        return [Impb.parse(text) for text in made]


class SsccAllocator:
    """New SSCCs for sack tags: extension digit + GS1 company prefix + a persisted serial reference."""

    def __init__(
        self,
        db: Database,
        station_id: str,
        company_prefix: str,
        extension: int = 0,
        *,
        networked: bool = False,
    ) -> None:
        self._db = db
        self._station_id = station_id
        self._prefix = company_prefix
        self._extension = extension
        self._networked = networked

    def allocate(self) -> Sscc:
        """One new SSCC the journal does not know yet, committed before it is returned."""
        space = sscc_space(self._prefix)
        with self._db.transaction() as tx:
            build = lambda n: Sscc.build(self._extension, self._prefix, n).text  # noqa: E731
            leased = _from_leases(tx, space, 1, build, networked=self._networked)
            if leased is not None:
                return Sscc.parse(leased[0])
            row = tx.execute(
                "SELECT next_serial FROM sscc_serials WHERE station_id=?", (self._station_id,)
            ).fetchone()
            serial = row[0] if row else 1
            made = self._build(serial)
            while journal.known_ids(tx, [made.text]):  # a sack tag from the same range seen already
                serial += 1
                made = self._build(serial)
            tx.execute(
                "INSERT INTO sscc_serials VALUES (?, ?)"
                " ON CONFLICT (station_id) DO UPDATE SET next_serial=excluded.next_serial",
                (self._station_id, serial + 1),
            )
        return made

    def _build(self, serial: int) -> Sscc:
        # The station id's digits keep two stations sharing a company prefix apart.
        station_digits = int("".join(ch for ch in self._station_id if ch.isdigit()) or "0") % 100
        width = 16 - len(self._prefix)
        return Sscc.build(self._extension, self._prefix, station_digits * 10 ** (width - 2) + serial)
