"""The hub's schema: ordered migrations, one `.sql` file each in `hub/sql/` (`NNNN-what.sql`, applied in
that order; `hub.schema_version` holds the last one applied). The first line of each file says what it does.

The hub keeps every station's journal, chain intact. PostgreSQL itself enforces what a station may do:
- `hub.events` is partitioned by month of `occurred_at` (partitions made as events arrive);
- every row is checked before it is stored, by a trigger function run as the hub's owner (PostgreSQL
  calls it only as a trigger, and it refuses a row of any station but the caller's): its hash is
  recomputed from the canonical body the station hashed (`sha256(prev_hash|seq|body)`), its columns
  are taken from that body (a station cannot store one thing and hash another), and it must continue
  its station's chain (`hub.heads`);
- no one updates, deletes or truncates events (no privilege, and a trigger as a second wall);
- a station's role inserts only rows of its own station id (row-level security) and reads everyone's;
- `hub.push_rows` (SECURITY DEFINER; schema 3, `hub.push` before it, dropped in 4) is the station's path:
  it takes
  a batch COPYed into a temporary table (each event's hashed text and its columns), skips what the hub
  already holds, refuses a gap, a fork, an altered event or columns that are not the hashed text as a
  whole batch and records it in `hub.alerts` (the hub is the outside witness of each station's chain);
  a column it would glue into a body must hold no text that JSON escapes (schema 4);
- a second acceptance of an item by another station is recorded in `hub.alerts` as it arrives;
- every push that stores something wakes the hub's notifier (`pg_notify('hub_events')`), which texts
  the network's customers once, from the events and the follows (`hub.follows`) stations handed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class HubMigration:
    """One step of the hub's schema: its number, what it does, its SQL."""

    version: int
    description: str
    sql: str


def _read() -> tuple[HubMigration, ...]:
    found = []
    for entry in files("hub").joinpath("sql").iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        sql = entry.read_text(encoding="utf-8")
        first = sql.splitlines()[0]
        if not first.startswith("-- "):
            raise ValueError(f"hub/sql/{name}: the first line must say what the migration does (-- ...)")
        found.append(HubMigration(int(name.split("-", 1)[0]), first[3:].strip(), sql))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise ValueError(
            f"hub/sql: migrations must be numbered 1, 2, 3 ... without gaps: {[m.version for m in found]}"
        )
    return tuple(found)


MIGRATIONS: tuple[HubMigration, ...] = _read()
LATEST = MIGRATIONS[-1].version
