"""The history desk: events imported from another system, and the journal exported in the same shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from station.app import Station
from station.desks.operators import OperatorDesk
from station.desks.outcome import Outcome
from station.errors import Refused
from station.insight import exchange as history_io
from station.insight.exchange import ExportReport, HistoryFileError, ImportReport
from station.office import operators


class ImportRefused(Refused):
    """The import was not authorised (no supervisor, a wrong PIN, a clerk's)."""


class HistoryDesk:
    """History in and out at one station."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def import_file(
        self,
        path: Path,
        *,
        skip_bad: bool = False,
        progress: Callable[[int], None] | None = None,
        supervisor: str | None = None,
        pin: str | None = None,
        operator: str = "",
    ) -> ImportReport:
        """Check every row, then journal the good ones (all or, with `skip_bad`, the good ones only).

        Importing puts other stations' events into this journal, so it is a supervisor's act once the
        station has operators: each imported event names the supervisor who authorised it (in the
        hashed text). HistoryFileError when the file cannot be read at all (not UTF-8, no header);
        ImportRefused when the supervisor's override is not given or not good.
        """
        imported_by = self._authorised(supervisor, pin, operator, path)
        read = history_io.reader_for(path)
        rows = read(path, self.station.station_id, self.station.clock())
        return history_io.import_events(
            self.station.db,
            self.station.station_id,
            rows,
            skip_bad=skip_bad,
            progress=progress,
            imported_by=imported_by,
        )

    def _authorised(self, supervisor: str | None, pin: str | None, operator: str, path: Path) -> str | None:
        """The supervisor who authorised the import; None on a station without operators."""
        with self.station.db.reading() as conn:
            if not operators.any_operators(conn):
                return None
        checked = OperatorDesk(self.station).supervise(
            supervisor, pin, "history import", operator or "-", path.name, f"history from {path.name}"
        )
        if isinstance(checked, Outcome):
            raise ImportRefused(checked.text)
        return checked.supervisor

    def export_file(
        self, path: Path, since: datetime | None = None, until: datetime | None = None
    ) -> ExportReport:
        """Write the items' journeys from `since` to `until` (HistoryFileError when it cannot be written)."""
        with self.station.db.reading() as conn:
            return history_io.export_events(conn, path, since, until)


__all__ = ["HistoryDesk", "HistoryFileError", "ImportRefused"]
