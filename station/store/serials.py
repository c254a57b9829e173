"""Per-station S10 serial allocation, persisted so that no number is ever handed out twice.

Each station owns a block of the 8-digit serial space (configured). The next free serial per
(service, country) is stored in the station database and advanced in the same committed transaction
that returns the numbers, so a crash either hands out nothing or records what it handed out. A number
the journal knows already (a pre-printed label from the same block, an id typed at the counter, a
history imported) is stepped over, never handed out.
"""

from __future__ import annotations

from station.errors import Fault
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


class SerialSpaceExhausted(Fault):
    """The station's block of S10 serials for this service and country is used up."""


class S10Allocator:
    """Hands out new S10 ids from this station's serial block."""

    def __init__(self, db: Database, station_id: str, first: int, last: int) -> None:
        if not 0 <= first <= last <= 99_999_999:
            raise ValueError(f"S10 serial block {first}..{last} is outside 0..99999999")
        self._db = db
        self._station_id = station_id
        self._first = first
        self._last = last

    def allocate(self, service: str, country: str, count: int = 1) -> list[S10]:
        """`count` new ids; committed before they are returned."""
        if count < 1:
            raise ValueError("count must be at least 1")
        service, country = service.upper(), country.upper()
        S10.build(service, self._first, country)  # validates service and country before consuming
        with self._db.transaction() as tx:
            row = tx.execute(
                "SELECT next_serial FROM s10_serials WHERE station_id=? AND service=? AND country=?",
                (self._station_id, service, country),
            ).fetchone()
            serial = row[0] if row else self._first
            made: list[S10] = []
            while len(made) < count:
                if serial + (count - len(made)) - 1 > self._last:
                    left = max(0, self._last - serial + 1)
                    raise SerialSpaceExhausted(
                        f"only {left} S10 serials left for {service}..{country} at station {self._station_id}"
                    )
                batch = [S10.build(service, n, country) for n in range(serial, serial + count - len(made))]
                known = journal.known_ids(tx, [s.text for s in batch])
                made += [s for s in batch if s.text not in known]
                serial += len(batch)
            tx.execute(
                "INSERT INTO s10_serials (station_id, service, country, next_serial) VALUES (?,?,?,?) "
                "ON CONFLICT (station_id, service, country) DO UPDATE SET next_serial=excluded.next_serial",
                (self._station_id, service, country, serial),
            )
        return made


class SsccAllocator:
    """New SSCCs for sack tags: extension digit + GS1 company prefix + a persisted serial reference."""

    def __init__(self, db: Database, station_id: str, company_prefix: str, extension: int = 0) -> None:
        self._db = db
        self._station_id = station_id
        self._prefix = company_prefix
        self._extension = extension

    def allocate(self) -> Sscc:
        """One new SSCC the journal does not know yet, committed before it is returned."""
        with self._db.transaction() as tx:
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
