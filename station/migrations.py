"""The station database's schema, as an ordered list of migrations: the only way the schema changes.

`schema_version` holds the number of the last migration applied. Opening a database applies the ones
after it, each in its own transaction, so a crash mid-upgrade leaves the database at a whole version.
A database written by a newer station (a version this code does not know) is refused rather than
guessed at. Each table's DDL lives in the module that owns the table; a migration only names them.

Version 1 is the schema round 1 created table by table. Its statements are all `IF NOT EXISTS`, so a
round-1 database (no `schema_version` table, and only the tables of the components it used) is taken
as version 0: version 1 adds what it lacks and keeps what it has, and the later versions follow.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station.errors import Fault
from station.store.db import Database, split_sql

log = logging.getLogger(__name__)


class SchemaError(Fault):
    """The database's schema cannot be used by this version of the station."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _run(ddl: str) -> Callable[[sqlite3.Connection], None]:
    def apply(conn: sqlite3.Connection) -> None:
        for statement in split_sql(ddl):
            conn.execute(statement)

    return apply


def _v1(conn: sqlite3.Connection) -> None:
    from station.items import containers
    from station.notify import outbox, subscribers
    from station.postage import indicia, meter
    from station.printing import queue
    from station.store import journal
    from station.store import serials as allocator

    for module in (journal, containers, allocator, subscribers, outbox, queue, meter, indicia):
        _run(module.SCHEMA_V1)(conn)


def _v2(conn: sqlite3.Connection) -> None:
    """The item's destination ZIP (for the sack destination rule), filled from each accepted item's
    acceptance event: the IMpb routing ZIP (AI 420), else the destination ZIP the counter priced it for.
    A step of the past schema written once and never changed: it reads the events table as it was."""
    conn.execute("ALTER TABLE item_status ADD COLUMN destination_zip TEXT")
    conn.execute(
        "UPDATE item_status SET destination_zip = (SELECT coalesce(json_extract(e.extra, '$.routing_zip'),"
        " json_extract(e.extra, '$.destination_zip')) FROM events e"
        " WHERE e.item_id = item_status.item_id AND e.kind = 'acceptance' ORDER BY e.occurred_at LIMIT 1)"
    )


def _v3(conn: sqlite3.Connection) -> None:
    from station.postage import indicia, meter

    indicia.migrate_v3(conn)
    meter.migrate_v3(conn)


def _v4(conn: sqlite3.Connection) -> None:
    from station.items import recipients

    _run(recipients.SCHEMA_V4)(conn)


def _v5(conn: sqlite3.Connection) -> None:
    from station.network import sync
    from station.store import journal

    conn.execute(journal.MIGRATE_V5)
    _run(sync.SCHEMA_V5)(conn)


def _v6(conn: sqlite3.Connection) -> None:
    from station.notify import network, subscribers

    _run(subscribers.SCHEMA_V6)(conn)
    _run(network.SCHEMA_V6)(conn)


def _v7(conn: sqlite3.Connection) -> None:
    from station.items import delivery_pins
    from station.notify import feedback
    from station.office import baskets, operators, till
    from station.postage import indicia, meter

    for module in (operators, baskets, till, feedback, delivery_pins):
        _run(module.SCHEMA_V7)(conn)
    indicia.migrate_v7(conn)
    meter.migrate_v7(conn)


def _v8(conn: sqlite3.Connection) -> None:
    from station.office import cases

    _run(cases.SCHEMA_V8)(conn)


def _v9(conn: sqlite3.Connection) -> None:
    from station.insight import fraud

    _run(fraud.SCHEMA_V9)(conn)


def _v10(conn: sqlite3.Connection) -> None:
    from station.insight import estimates, fraud

    _run(estimates.SCHEMA_V10)(conn)
    _run(fraud.SCHEMA_V10)(conn)


def _v11(conn: sqlite3.Connection) -> None:
    from station.store import installs

    _run(installs.SCHEMA_V11)(conn)


def _v12(conn: sqlite3.Connection) -> None:
    from station.notify import inbound_ids

    _run(inbound_ids.SCHEMA_V12)(conn)


def _v13(conn: sqlite3.Connection) -> None:
    from station.store import serials

    _run(serials.SCHEMA_V13)(conn)


def _v14(conn: sqlite3.Connection) -> None:
    from station.office import till

    _run(till.SCHEMA_V14)(conn)


def _v15(conn: sqlite3.Connection) -> None:
    from station.office import refunds

    _run(refunds.SCHEMA_V15)(conn)


def _v16(conn: sqlite3.Connection) -> None:
    from station.office import operators

    conn.execute(operators.MIGRATE_V16)


def _v17(conn: sqlite3.Connection) -> None:
    from station.office import suspense

    _run(suspense.SCHEMA_V17)(conn)


def _v18(conn: sqlite3.Connection) -> None:
    from station.office import sessions

    _run(sessions.SCHEMA_V18)(conn)


def _v19(conn: sqlite3.Connection) -> None:
    from station.store import serials

    _run(serials.SCHEMA_V19)(conn)


def _v20(conn: sqlite3.Connection) -> None:
    from station.office import in_flight

    _run(in_flight.SCHEMA_V20)(conn)


def _v21(conn: sqlite3.Connection) -> None:
    from station.office import baskets

    conn.execute(baskets.MIGRATE_V21)


def _v22(conn: sqlite3.Connection) -> None:
    from station.items import choices

    _run(choices.SCHEMA_V22)(conn)


def _v23(conn: sqlite3.Connection) -> None:
    from station.items import pickups, recipients

    conn.execute(recipients.MIGRATE_V23)
    _run(pickups.SCHEMA_V23)(conn)


def _v24(conn: sqlite3.Connection) -> None:
    from station.items import lockers

    _run(lockers.SCHEMA_V24)(conn)


def _v25(conn: sqlite3.Connection) -> None:
    from station.items import photos

    _run(photos.SCHEMA_V25)(conn)


def _v26(conn: sqlite3.Connection) -> None:
    from station.office import senders

    _run(senders.SCHEMA_V26)(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "round-1 tables: journal, sacks, item status, serials, SMS, print jobs, meter, indicia", _v1
    ),
    Migration(2, "item_status.destination_zip (for the sack destination rule), filled from acceptances", _v2),
    Migration(
        3, "meter keys enrolled under the operator root's signature; meter registers sealed by a MAC", _v3
    ),
    Migration(4, "recipients: each accepted item's address, beside the journal (personal data)", _v4),
    Migration(
        5, "events.body (the text each hash covers) and hub_sync: what the hub holds, since when offline", _v5
    ),
    Migration(
        6, "network_follows (a station's follows for its hub) and network_cursor (the hub's notifier)", _v6
    ),
    Migration(
        7,
        "operators (Argon2id PINs, badges), baskets, closed days, feedback, delivery PINs, voided indicia",
        _v7,
    ),
    Migration(8, "customer-service cases and their notes", _v8),
    Migration(9, "fraud_settings: each fraud rule's thresholds, where a station sets its own", _v9),
    Migration(10, "eta_counts (learned delivery estimates) and fraud_reviews (alerts acknowledged)", _v10),
    Migration(11, "program_versions: which version of the program opened the journal, since when", _v11),
    Migration(
        12, "sms_inbound_ids: the provider's id of each customer's text handled (replays refused)", _v12
    ),
    Migration(13, "serial_blocks: the blocks of tracking-number serials leased from the hub", _v13),
    Migration(14, "till_reopenings: a closed day opened again, its closing kept, by whom and why", _v14),
    Migration(15, "refunds: money given back for a voided paid piece, by the way it was paid", _v15),
    Migration(16, "operators.locked_until: wrong PINs lock an operator out for a while, not for good", _v16),
    Migration(17, "suspense_entries: amounts the till cannot explain yet, cleared by a second person", _v17),
    Migration(18, "operator_sessions: who signed in at the command line, until they sign out or idle", _v18),
    Migration(19, "impb_serials: the IMpb serial counter of a station without a hub, per Mailer ID", _v19),
    Migration(20, "in_flight: acceptances, payments and voids written down before they start", _v20),
    Migration(21, "baskets.card_cents: a split payment's card part (the rest in cash)", _v21),
    Migration(22, "customer_choices: delivery choices customers made on the tracking page", _v22),
    Migration(23, "pickup_codes (notice cards, the pickup shelf, lockers) and recipients.sender", _v23),
    Migration(24, "locker_doors and locker_tries: a bank of parcel lockers and its keypad", _v24),
    Migration(25, "photos_at_hub: the door photos the hub holds for the tracking page", _v25),
    Migration(26, "senders: known senders and business customers, offered at the counter", _v26),
)
LATEST = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    """The version a database is at: 0 for a new one and for a round-1 one, which has no such table."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if not has_table:
        return 0
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def backup_path(db_path: Path, version: int) -> Path:
    """Where the journal is copied before it is migrated from `version`."""
    return db_path.with_name(f"{db_path.name}.schema-{version}.bak")


def _keep_a_copy(db: Database, version: int) -> None:
    """A consistent copy of the journal as the older program left it, before any migration touches it:
    going back to the older version is then a copy, not a restore from the last night's backup."""
    if str(db.path) == ":memory:":
        return
    target = backup_path(db.path, version)
    if target.exists():
        return
    partial = target.with_name(target.name + ".tmp")
    with db.reading() as conn:
        copy = sqlite3.connect(partial)
        try:
            conn.backup(copy)
        finally:
            copy.close()
    os.chmod(partial, 0o600)  # the journal's addresses and phone numbers: owner only, as the journal
    os.replace(partial, target)
    log.info("journal copied to %s before its migration from schema %d", target, version)


def open_database(path: Path | str, *, synchronous: str = "FULL") -> Database:
    """The station database at `path` opened for writing, its schema brought up to `LATEST`."""
    db = Database(path, synchronous=synchronous)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _has_tables(db: Database) -> bool:
    """True for a database with anything in it (a round-1 journal has tables and no version)."""
    with db.reading() as conn:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone() is not None


def migrate(db: Database) -> int:
    """Bring the database up to `LATEST`; returns the version it was at."""
    with db.reading() as conn:
        start = schema_version(conn)
    if start > LATEST:
        raise SchemaError(
            f"{db.path}: the database is at schema version {start}, newer than this station knows"
            f" ({LATEST}): upgrade the station software"
        )
    if start < LATEST and (start > 0 or _has_tables(db)):  # a round-1 journal (version 0) too
        _keep_a_copy(db, start)
    for migration in MIGRATIONS:
        if migration.version <= start:
            continue
        with db.transaction() as conn:
            migration.apply(conn)
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (migration.version,))
    return start
