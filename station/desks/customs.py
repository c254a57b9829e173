"""The customs desk: the day's declarations of items abroad, exported for the operator's customs system."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from station.abroad import customs_export
from station.abroad.customs_export import CustomsExport, CustomsExportError
from station.app import Station
from station.office.till import local_day


class CustomsDesk:
    """Customs data at one station."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def records(self, day: date | None = None) -> list[dict[str, Any]]:
        """The (local) day's records (default today), one per accepted item abroad with a declaration."""
        config = self.station.config
        with self.station.db.reading() as conn:
            return customs_export.records(conn, self._day(day), config.time_zone, config.country)

    def export(self, path: Path, day: date | None = None) -> CustomsExport:
        """Write the day's records to FILE.json or FILE.csv (CustomsExportError when it cannot be)."""
        when = self._day(day)
        found = self.records(when)
        customs_export.write(path, found)
        return CustomsExport(path, when, len(found))

    def _day(self, day: date | None) -> date:
        return day or local_day(self.station.clock(), self.station.config.time_zone)


__all__ = ["CustomsDesk", "CustomsExportError"]
