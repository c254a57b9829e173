"""The history desk: events imported from another system, and the journal exported in the same shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from station.app import Station
from station.insight import exchange as history_io
from station.insight.exchange import ExportReport, HistoryFileError, ImportReport


class HistoryDesk:
    """History in and out at one station."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def import_file(
        self, path: Path, *, skip_bad: bool = False, progress: Callable[[int], None] | None = None
    ) -> ImportReport:
        """Check every row, then journal the good ones (all or, with `skip_bad`, the good ones only).

        HistoryFileError when the file cannot be read at all (not UTF-8, no header).
        """
        read = history_io.reader_for(path)
        rows = read(path, self.station.station_id, self.station.clock())
        return history_io.import_events(
            self.station.db, self.station.station_id, rows, skip_bad=skip_bad, progress=progress
        )

    def export_file(
        self, path: Path, since: datetime | None = None, until: datetime | None = None
    ) -> ExportReport:
        """Write the items' journeys from `since` to `until` (HistoryFileError when it cannot be written)."""
        with self.station.db.reading() as conn:
            return history_io.export_events(conn, path, since, until)


__all__ = ["HistoryDesk", "HistoryFileError"]
