"""History in and out: `station import events FILE.csv` and `station export events FILE.csv|.parquet`.

One shape both ways, a header row and one event per row:
`item_id,event,time,facility,station_id,origin_zip,dest_zip,service,operator` (and an optional
`reason` after them, the non-delivery reason code). `event` is a station kind or its UPU EMSEVT code,
`time` ISO 8601 with a UTC offset, `service` a station service name.

Imported events are journalled on a chain per source station id (never this station's own, which only
its scans write), each row checked and every refusal naming its row. An event is known by what it says
(item, kind, time, facility, source station), not by an id the file does not carry, so importing a
file twice, or importing an export back, adds nothing. Importing texts nobody: the journal used here
has the sack and status hook only, not the SMS outbox's.

The export gives every item its own rows: a dispatched sack's scan becomes a dispatch row for each item
that was in it (see `history.timelines`), which is the shape another system (or a model) learns from.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.errors import Refused
from station.ids.scanning import Identified, classify
from station.insight import history
from station.insight.eta import TRANSIT_DAYS
from station.items import containers
from station.model.events import REASON_CODES, Event, EventError, EventKind, StoredEvent
from station.model.spreadsheet import safe_row, unquoted
from station.paths import make_private, replace_private
from station.postage.international import is_international
from station.store import journal
from station.store.db import Database
from station.store.journal import Journal, event_from_content

COLUMNS = (
    "item_id",
    "event",
    "time",
    "facility",
    "station_id",
    "origin_zip",
    "dest_zip",
    "service",
    "operator",
)
OPTIONAL = ("reason",)
# The kinds a row may name: the ones an item has on its own. A sort into a sack needs the sack's id, which
# this shape has no column for; the station's own records (notes, alerts, voids) are not history.
KINDS = (
    EventKind.ACCEPTANCE,
    EventKind.DISPATCH,
    EventKind.ARRIVAL,
    EventKind.DELIVERY_OFFICE,
    EventKind.OUT_FOR_DELIVERY,
    EventKind.DELIVERED,
    EventKind.ATTEMPTED,
    EventKind.DELAYED,
    EventKind.RETURNED,
)
# EMSEVT codes as a row may give them. EMH (unsuccessful delivery) is read as an attempt.
BY_CODE = {"EMA": EventKind.ACCEPTANCE, "EMC": EventKind.DISPATCH, "EMD": EventKind.ARRIVAL}
BY_CODE |= {"EMG": EventKind.DELIVERY_OFFICE, "EMH": EventKind.ATTEMPTED, "EMI": EventKind.DELIVERED}
BY_CODE |= {"EDG": EventKind.OUT_FOR_DELIVERY, "EDF": EventKind.DELAYED}
MAX_TEXT = 80
MAX_ERRORS = 50  # refusals listed; the count says how many more
CHUNK = 5000  # rows per transaction: a crash loses at most the chunk it was in, and a re-import fills it
_STATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,39}")
_ZIP = re.compile(r"\d{5}(-?\d{4})?")


class HistoryFileError(Refused):
    """The file cannot be read at all (not UTF-8, no header, a missing column); one line for the operator."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One refused row: its line in the file and why."""

    line: int
    problem: str

    def __str__(self) -> str:
        return f"row {self.line}: {self.problem}"


@dataclass
class ImportReport:
    """What an import did."""

    rows: int = 0
    added: int = 0
    known: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    stations: set[str] = field(default_factory=set)
    applied: bool = True  # False: bad rows were found and nothing was imported

    @property
    def ok(self) -> bool:
        """True when every row was good."""
        return not self.error_count

    @property
    def line(self) -> str:
        """The operator's one line."""
        if not self.applied:
            return (
                f"nothing imported: {self.error_count} of {self.rows} rows are bad"
                " (fix them, or --skip-bad to import the good rows)"
            )
        skipped = f", {self.error_count} bad rows skipped" if self.error_count else ""
        return (
            f"imported {self.added} events from {self.rows} rows"
            f" ({self.known} already in the journal{skipped});"
            f" chains: {', '.join(sorted(self.stations)) or 'none'}"
        )


def _decoded_lines(data: io.BufferedIOBase) -> Iterator[str]:
    for number, raw in enumerate(data, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise HistoryFileError(
                f"line {number}: not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
            ) from None


def _clean(text: str, name: str, *, required: bool = True) -> str:
    value = text.strip()
    if required and not value:
        raise ValueError(f"{name} is empty")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{name} is longer than {MAX_TEXT} characters")
    if not value.isprintable():
        raise ValueError(f"{name} holds control characters")
    return value


def _time(text: str, now: datetime) -> datetime:
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"time {value[:40]!r} is not ISO 8601 (2026-12-01T09:14:00+01:00)") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {value[:40]!r} has no UTC offset (add Z or +01:00)")
    moment = moment.astimezone(UTC)
    if moment > now + timedelta(days=1):
        raise ValueError(f"time {value[:40]!r} is in the future")
    if moment.year < 1990:
        raise ValueError(f"time {value[:40]!r} is before any tracked mail")
    return moment


def _kind(text: str) -> EventKind:
    value = text.strip()
    if value.upper() in BY_CODE:
        return BY_CODE[value.upper()]
    try:
        kind = EventKind(value.lower())
    except ValueError:
        kind = None
    if kind not in KINDS:
        names = ", ".join(str(k) for k in KINDS)
        raise ValueError(f"event {value[:30]!r} is not one of {names} or EMA, EMC, EMD, EMG, EMH, EMI")
    assert kind is not None
    return kind


def _zip(text: str, name: str) -> str:
    value = text.strip()
    if value and not _ZIP.fullmatch(value):
        raise ValueError(f"{name} {value[:20]!r} is not a ZIP code (5 digits, or ZIP+4)")
    return value[:5]


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One good row, ready to journal."""

    line: int
    event: Event


def parse_row(line: int, row: dict[str, str], own_station: str, now: datetime) -> HistoryEvent:
    """One row checked and made an event; ValueError (the reason) for a bad one."""
    found = classify(row["item_id"])
    if not isinstance(found, Identified):
        raise ValueError(f"item_id {row['item_id'][:40]!r}: {found.reason}")
    kind = _kind(row["event"])
    at = _time(row["time"], now)
    facility = _clean(row["facility"], "facility")
    station_id = row["station_id"].strip()
    if not _STATION_ID.fullmatch(station_id):
        raise ValueError(f"station_id {station_id[:40]!r} is not a station id (letters, digits, . _ : -)")
    if station_id == own_station:
        raise ValueError(f"station_id {station_id} is this station: its events are its own scans")
    service = row["service"].strip().lower()
    if service and service not in TRANSIT_DAYS and not is_international(service):
        raise ValueError(
            f"service {service[:20]!r} is not one of {', '.join(TRANSIT_DAYS)} (or intl-PRODUCT abroad)"
        )
    origin, destination = _zip(row["origin_zip"], "origin_zip"), _zip(row["dest_zip"], "dest_zip")
    operator = _clean(row["operator"], "operator", required=False) or "imported"
    reason = (row.get("reason") or "").strip().upper() or None
    if reason is not None and reason not in REASON_CODES:
        raise ValueError(f"reason {reason[:30]!r} is not a reason code ({', '.join(REASON_CODES)})")
    if kind.needs_reason and reason is None:
        reason = "UNSPECIFIED"
    extra: dict[str, object] = {"imported": True}
    for name, value in (("service", service), ("origin_zip", origin), ("destination_zip", destination)):
        if value:
            extra[name] = value
    try:
        event = Event.new(
            found.id,
            kind,
            facility=facility,
            station_id=station_id,
            operator=operator,
            at=at,
            reason=reason if kind.needs_reason else None,
            extra=extra,
        )
    except EventError as exc:
        raise ValueError(str(exc)) from None
    return HistoryEvent(line, event)


def read_csv(path: Path, own_station: str, now: datetime) -> Iterator[HistoryEvent | RowError]:
    """Every row of the file, checked: a `HistoryEvent` or a `RowError` (the file's line number)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise HistoryFileError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.reader(_decoded_lines(handle))
        try:
            header = next(reader)
        except StopIteration:
            raise HistoryFileError(f"{path} is empty: it needs a header row ({','.join(COLUMNS)})") from None
        except csv.Error as exc:
            raise HistoryFileError(f"line 1: {exc}") from None
        names = [h.strip().lower() for h in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise HistoryFileError(f"the header lacks {', '.join(missing)} (it needs {','.join(COLUMNS)})")
        places = {name: names.index(name) for name in (*COLUMNS, *OPTIONAL) if name in names}
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RowError(reader.line_num, f"not CSV: {exc}")
                continue
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(cells) < len(COLUMNS):
                yield RowError(line, f"{len(cells)} fields, the header has {len(names)}")
                continue
            row = {name: unquoted(cells[i]) if i < len(cells) else "" for name, i in places.items()}
            try:
                yield parse_row(line, row, own_station, now)
            except ValueError as exc:
                yield RowError(line, str(exc))


def read_parquet(path: Path, own_station: str, now: datetime) -> Iterator[HistoryEvent | RowError]:
    """The same rows from a Parquet file (as `export` writes it); the row number counts the header as 1."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise HistoryFileError(f"cannot read {path} as Parquet: {str(exc).splitlines()[0]}") from None
    schema = source.schema_arrow
    missing = [c for c in COLUMNS if c not in schema.names]
    if missing:
        raise HistoryFileError(f"the file lacks the columns {', '.join(missing)}")
    wanted = [name for name in (*COLUMNS, *OPTIONAL) if name in schema.names]
    for name in wanted:
        kind = schema.field(name).type
        if pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            # A list or a struct would be read as its Python text ("['a', 'b']"): a value no row meant.
            raise HistoryFileError(f"column {name} holds {kind}, not text: each cell must be one value")
    line = 1
    try:
        for batch in source.iter_batches(batch_size=10_000, columns=wanted):  # never the whole file at once
            columns = {name: batch.column(name).to_pylist() for name in wanted}
            for i in range(batch.num_rows):
                line += 1
                row = {name: "" if values[i] is None else str(values[i]) for name, values in columns.items()}
                try:
                    yield parse_row(line, row, own_station, now)
                except ValueError as exc:
                    yield RowError(line, str(exc))
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError: a damaged file
        raise HistoryFileError(f"cannot read {path} as Parquet: {str(exc).splitlines()[0]}") from None


def _key(event: Event) -> tuple[str, str, str, str, str]:
    return (
        event.item_id,
        str(event.kind),
        event.occurred_at.isoformat(timespec="microseconds"),
        event.facility,
        event.station_id,
    )


def _is_known(conn: sqlite3.Connection, event: Event) -> bool:
    return journal.has_event(conn, *_key(event))


def _applied_unless_held(held: set[str]) -> Callable[[sqlite3.Connection, StoredEvent], None]:
    """The sack and status hook for imported events, except on what this station holds (`held`: the
    ids it scanned itself): history from another system is kept and shown, but it never moves an item or
    a sack of this station's (a made-up row from a made-up station cannot mark a parcel on this
    station's shelf Delivered)."""

    def apply(conn: sqlite3.Connection, stored: StoredEvent) -> None:
        if stored.event.item_id not in held:
            containers.apply(conn, stored)

    return apply


def import_events(
    db: Database,
    own_station: str,
    rows: Iterator[HistoryEvent | RowError],
    *,
    skip_bad: bool = False,
    progress: Callable[[int], None] | None = None,
    imported_by: str | None = None,
) -> ImportReport:
    """Journal the good rows; with any bad row and no `skip_bad`, nothing (the file is checked first).
    `imported_by`: the supervisor who authorised the import, named in each event it journals.

    Rows are journalled in time order per source station (its chain reads as its history did).
    """
    report = ImportReport()
    # The checked rows wait in a temporary SQLite file (its folder the owner's alone: addresses), not
    # in memory: a million-row history is sorted by time on disk and journalled a chunk at a time.
    with tempfile.TemporaryDirectory(prefix="station-import-") as folder:
        spool = sqlite3.connect(Path(folder) / "rows.sqlite3")
        try:
            spool.execute("PRAGMA journal_mode = OFF")
            spool.execute("PRAGMA synchronous = OFF")
            spool.execute(
                "CREATE TABLE rows (at TEXT NOT NULL, line INTEGER NOT NULL, key TEXT NOT NULL,"
                " body TEXT NOT NULL)"
            )
            batch: list[tuple[str, int, str, str]] = []
            for found in rows:
                report.rows += 1
                if isinstance(found, RowError):
                    report.error_count += 1
                    if len(report.errors) < MAX_ERRORS:
                        report.errors.append(found)
                    continue
                event = found.event
                at = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
                body = json.dumps(journal.canonical_content(event), ensure_ascii=False)
                batch.append((at, found.line, json.dumps(_key(event)), body))
                if len(batch) >= CHUNK:
                    spool.executemany("INSERT INTO rows VALUES (?,?,?,?)", batch)
                    batch.clear()
            spool.executemany("INSERT INTO rows VALUES (?,?,?,?)", batch)
            if report.error_count and not skip_bad:
                report.applied = False
                return report
            _journal_spooled(db, own_station, spool, report, progress, imported_by)
        finally:
            spool.close()
    return report


def _journal_spooled(
    db: Database,
    own_station: str,
    spool: sqlite3.Connection,
    report: ImportReport,
    progress: Callable[[int], None] | None,
    imported_by: str | None,
) -> None:
    """The spooled rows journalled in time order, a chunk a transaction; a row twice in the file, or
    known to the journal already, is counted as known."""
    journals: dict[str, Journal] = {}
    held: set[str] = set()  # of each chunk's items, those this station scanned itself (never moved)
    done = 0
    spool.execute("CREATE INDEX rows_by_key ON rows (key, at, line)")
    cursor = spool.execute(  # each row, and whether it is the first of its kind in the file
        "SELECT r.body, r.line = (SELECT min(o.line) FROM rows o WHERE o.key = r.key) FROM rows r"
        " ORDER BY r.at, r.line"
    )
    while chunk := cursor.fetchmany(CHUNK):
        events = [(event_from_content(json.loads(body)), bool(first)) for body, first in chunk]
        with db.transaction() as conn:
            held.clear()
            held.update(journal.scanned_by(conn, sorted({e.item_id for e, _ in events}), own_station))
            for found, first in events:
                if not first or _is_known(conn, found):
                    report.known += 1
                    continue
                chain = journals.get(found.station_id)
                if chain is None:
                    chain = journals[found.station_id] = Journal(db, found.station_id)
                    chain.on_append(_applied_unless_held(held))
                event = (
                    found
                    if imported_by is None
                    else replace(found, extra={**found.extra, "imported_by": imported_by})
                )
                chain.append_in(conn, event)
                report.added += 1
                report.stations.add(event.station_id)
        done += len(chunk)
        if progress is not None:
            progress(done)


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What an export wrote."""

    path: Path
    rows: int
    items: int

    ok = True

    @property
    def line(self) -> str:
        """The operator's one line."""
        return f"exported {self.rows} events of {self.items} items to {self.path}"


def export_rows(
    conn: sqlite3.Connection, since: datetime | None, until: datetime | None
) -> Iterator[list[str]]:
    """The rows of an export (items' own journeys, sack scans given to each item), in time order."""
    lines = history.timelines(history.rows(conn, until=until))
    out: list[tuple[datetime, list[str]]] = []
    for line in lines.values():
        for move in line.moves:
            if since is not None and move.at < since:
                continue
            kind = EventKind(move.kind)
            if kind not in KINDS:
                continue  # a sort into a sack, a removal: the sack's own scans are given to the item
            at = move.at.astimezone(UTC).isoformat(
                timespec="seconds" if not move.at.microsecond else "microseconds"
            )
            cells = [
                line.item_id,
                str(kind),
                at,
                move.facility,
                move.station_id,
                line.origin_zip,
                line.destination_zip,
                line.service,
                move.operator,
                move.reason or "",
            ]
            out.append((move.at, cells))
    out.sort(key=lambda pair: pair[0])
    for _at, cells in out:
        yield cells


def export_events(
    conn: sqlite3.Connection, path: Path, since: datetime | None = None, until: datetime | None = None
) -> ExportReport:
    """Write the export as CSV or (by the name's suffix) Parquet; written beside, then renamed into place."""
    found = list(export_rows(conn, since, until))
    names = [*COLUMNS, *OPTIONAL]
    partial = path.with_name(path.name + ".partial")
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.table({name: [r[i] for r in found] for i, name in enumerate(names)})
            pq.write_table(table, partial)
            make_private(partial)
        else:
            out = io.StringIO(newline="")
            writer = csv.writer(out)
            writer.writerow(names)
            writer.writerows(safe_row(row) for row in found)  # no cell a spreadsheet would run
            replace_private(partial, out.getvalue().encode("utf-8"))
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise HistoryFileError(f"cannot write {path}: {exc.strerror}") from None
    return ExportReport(path, len(found), len({r[0] for r in found}))


def reader_for(path: Path) -> Callable[[Path, str, datetime], Iterator[HistoryEvent | RowError]]:
    """CSV, or Parquet by the name's suffix."""
    return read_parquet if path.suffix.lower() == ".parquet" else read_csv
