"""The customs desk: the day's declarations of items abroad, exported for the operator's customs system."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from station import customs_export
from station.app import Station
from station.customs_export import CustomsExport, CustomsExportError


class CustomsDesk:
    """Customs data at one station."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def records(self, day: date | None = None) -> list[dict[str, Any]]:
        """The (local) day's records, one per accepted item abroad with a declaration."""
        config = self.station.config
        when = day or customs_export.today(self.station.clock(), config.time_zone)
        with self.station.db.reading() as conn:
            return customs_export.records(conn, when, config.time_zone, config.country)

    def export(self, path: Path, day: date | None = None) -> CustomsExport:
        """Write the day's records to FILE.json or FILE.csv (CustomsExportError when it cannot be)."""
        config = self.station.config
        when = day or customs_export.today(self.station.clock(), config.time_zone)
        found = self.records(when)
        customs_export.write(path, found)
        return CustomsExport(path, when, len(found))


__all__ = ["CustomsDesk", "CustomsExportError"]
