"""The insights desk: performance figures, inventory, reconciliation, staffing and rounds, from history.

Each use case reads the journal once, replays the items' journeys and hands them to the module that
owns the figure (`kpis`, `inventory`, `staffing`, `rounds`).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from station.app import Station
from station.errors import Refused
from station.insight import estimates, history, inventory, kpi_charts, kpis, rounds, staffing
from station.insight.estimates import TransitModel, local_day
from station.insight.history import RowSource, Timeline
from station.insight.inventory import Inventory, Reconciliation
from station.insight.kpis import Kpis
from station.insight.rounds import Round, Visit
from station.insight.staffing import Staffing
from station.model.events import EventKind
from station.model.localtime import zone
from station.model.rows import Row
from station.model.spreadsheet import safe_row
from station.paths import replace_private


class InsightsError(Refused):
    """A report that cannot be made or written; one line for the operator."""


class InsightsDesk:
    """Operations insight at one station."""

    def __init__(self, station: Station, hub: RowSource | None = None) -> None:
        self.station = station
        self.hub = hub  # with a hub: the same figures, network-wide
        self.zone = zone(station.config.time_zone)

    def _history(self, until: datetime | None = None) -> tuple[list[Row], dict[str, Timeline]]:
        rows = history.read(self.station.db, self.hub, until=until)
        return rows, history.timelines(rows)

    def kpis(
        self, since: datetime | None = None, until: datetime | None = None, facility: str | None = None
    ) -> Kpis:
        """The period's figures (items accepted in it)."""
        rows, lines = self._history(until)
        with self.station.db.reading() as conn:
            model = TransitModel.load(conn, self.zone) if estimates.learned_at(conn) else None
        return kpis.compute(lines, rows, self.zone, since=since, until=until, facility=facility, model=model)

    def write_kpis(self, report: Kpis, path: Path) -> str:
        """The report to a file by its suffix: .pdf (charts), .csv (long table) or .json."""
        try:
            suffix = path.suffix.lower()
            if suffix == ".pdf":
                pages = kpi_charts.write_pdf(report, path)
                return f"report written to {path} ({pages} pages)"
            out = io.StringIO(newline="")
            if suffix == ".json":
                json.dump(report.to_json(), out, ensure_ascii=False, indent=1)
            else:
                writer = csv.writer(out)
                writer.writerow(("section", "key", "measure", "value"))
                writer.writerows(safe_row(row) for row in report.csv_rows())
            replace_private(path, out.getvalue().encode("utf-8"))
        except OSError as exc:
            raise InsightsError(f"cannot write {path}: {exc.strerror}") from None
        return f"report written to {path}"

    def inventory(self, facility: str | None = None) -> Inventory:
        """What each facility (or one) holds now, by age."""
        now = self.station.clock()
        _rows, lines = self._history(now)
        return inventory.on_hand(lines, now, facility)

    def reconcile(self, day: date, facility: str) -> Reconciliation:
        """The facility's day at close (the end of the local day)."""
        opened = datetime.combine(day, time(0), self.zone).astimezone()  # a naive midnight is the machine's
        close = opened + timedelta(days=1)
        _rows, lines = self._history(close)
        return inventory.reconcile(lines, facility, opened, close)

    def staffing(self, facility: str | None = None) -> Staffing:
        """The next 7 days' scans per facility and the staff hours they need."""
        today = local_day(self.station.clock(), self.zone)
        rows, _lines = self._history()
        return staffing.forecast(rows, self.zone, today, facility)

    def round(
        self,
        carrier: str,
        *,
        coordinates: dict[str, tuple[float, float]] | None = None,
        start: tuple[float, float] | None = None,
    ) -> Round:
        """The carrier's items out for delivery now, in the order their round is walked."""
        _rows, lines = self._history()
        addresses = self._addresses()
        loaded: list[tuple[str, str]] = []
        visits: list[Visit] = []
        for line in lines.values():
            address = addresses.get(line.item_id)
            if address is None:
                continue
            for move in line.moves:
                if move.operator == carrier and move.kind in (EventKind.DELIVERED, EventKind.ATTEMPTED):
                    visits.append(Visit(local_day(move.at, self.zone), move.at.timestamp(), address))
            last = line.last
            if last is not None and last.kind == EventKind.OUT_FOR_DELIVERY and last.operator == carrier:
                loaded.append((line.item_id, address))
        found = rounds.order(carrier, loaded, visits)
        if coordinates:
            first = start or next(iter(coordinates.values()))
            found = rounds.optimise(found, coordinates, first)
        return found

    def _addresses(self) -> dict[str, str]:
        """item -> address key: the street line (the second of the address's lines) and the ZIP."""
        found = {}
        with self.station.db.reading() as conn:
            for item, lines, zip_code in conn.execute("SELECT item_id, lines, zip FROM recipients"):
                street = json.loads(lines)[1:2]
                found[str(item)] = rounds.address_key(street[0] if street else "", zip_code)
        return found


def read_coordinates(path: Path) -> dict[str, tuple[float, float]]:
    """`address,zip,lat,lon` rows (a header first) -> address key -> (lat, lon)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InsightsError(f"cannot read {path}: {exc}") from None
    found: dict[str, tuple[float, float]] = {}
    for n, row in enumerate(rows, start=2):
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (KeyError, TypeError, ValueError):
            raise InsightsError(f"{path} row {n}: needs address,zip,lat,lon with numbers") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails this too
            raise InsightsError(f"{path} row {n}: {lat},{lon} is not a place on Earth")
        found[rounds.address_key(row.get("address") or "", row.get("zip"))] = (lat, lon)
    return found
