"""The core composition root: one station's database, journal, sack tracking and id allocator.

Every process that opens a station (the GUI, `station scan`, the SMS worker) goes through
`Station.open`, so every journal hook is installed everywhere and no scan skips its side effects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from station.config import StationConfig
from station.items import containers
from station.migrations import LATEST, SchemaError, open_database, schema_version
from station.model.clock import utc_now
from station.model.events import Event, EventKind
from station.model.localtime import local
from station.notify.outbox import install_notifications
from station.paths import StationPaths
from station.store import installs
from station.store.checkpoints import FILE_NAME as CHECKPOINTS
from station.store.checkpoints import CheckpointLog
from station.store.db import Database
from station.store.journal import Journal
from station.store.serials import ImpbAllocator, S10Allocator


class Station:
    """A station's domain services over one database."""

    def __init__(
        self,
        db: Database,
        config: StationConfig,
        clock: Callable[[], datetime] = utc_now,
        paths: StationPaths | None = None,
    ) -> None:
        self.config = config
        self.db = db
        self.clock = clock
        self.paths = paths or StationPaths.beside(db.path)
        self.journal = Journal(db, config.station_id, clock)
        if not db.read_only:
            self.journal.checkpoints = CheckpointLog(
                self.paths.data / CHECKPOINTS, self.paths.keys, config.station_id
            )
        if not db.read_only:
            with db.transaction() as conn:  # the wall clock, not the station's: a fact about the install
                installs.record(conn, utc_now())
        self.journal.on_append(containers.apply)
        self.allocator = S10Allocator(
            db, config.station_id, config.s10_serial_first, config.s10_serial_last, networked=bool(config.hub)
        )
        self.impb_allocator = (
            ImpbAllocator(db, config.mailer_id, networked=bool(config.hub)) if config.mailer_id else None
        )
        # extensions: components that must see every scan install their hooks here, one line each.
        install_notifications(self)

    @classmethod
    def open(
        cls,
        db_path: Path | str,
        config: StationConfig | None = None,
        clock: Callable[[], datetime] = utc_now,
        *,
        paths: StationPaths | None = None,
    ) -> Station:
        """Open (creating and migrating if needed) the station database at `db_path`."""
        return cls(
            open_database(db_path), config or StationConfig(), clock, paths or StationPaths.beside(db_path)
        )

    @classmethod
    def at(
        cls,
        paths: StationPaths,
        config: StationConfig,
        clock: Callable[[], datetime] = utc_now,
        *,
        read_only: bool = False,
    ) -> Station:
        """Open the station whose files `paths` names (`read_only`: for look-ups, never waiting on a writer).

        A journal that does not exist yet is created even for reading: it is empty, and nobody else holds it.
        """
        if read_only and paths.db.exists():
            db = Database(paths.db, read_only=True)
            with db.reading() as conn:
                version = schema_version(conn)
            if version != LATEST:
                db.close()
                raise SchemaError(
                    f"{paths.db} is at schema version {version}, this station reads {LATEST}: any command"
                    " that writes (or the window) upgrades it"
                )
            return cls(db, config, clock, paths)
        return cls.open(paths.db, config, clock, paths=paths)

    def today(self) -> date:
        """The station's calendar day now, in its own zone: a label printed at 8 pm in New York is dated
        that day, not tomorrow's UTC date."""
        return local(self.clock(), self.config.time_zone).date()

    def event(self, item_id: str, kind: EventKind, facility: str, operator: str, **fields: Any) -> Event:
        """A new event of this station, stamped now by its clock."""
        return Event.new(
            item_id,
            kind,
            facility=facility,
            station_id=self.station_id,
            operator=operator,
            at=self.clock(),
            **fields,
        )

    @property
    def station_id(self) -> str:
        """This station's id (each station has its own journal chain)."""
        return self.config.station_id

    def close(self) -> None:
        """Sign the journal's head (what this process wrote), then close the database."""
        if not self.db.read_only:
            self.journal.checkpoint()
        self.db.close()

    def __enter__(self) -> Station:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
