"""The printing desk: a test print, and a batch of labels from a CSV file, queued for the label printer
in its profile's language and resolution (the spooler in hardware/ sends them)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from station.app import Station
from station.desks.operators import OperatorDesk, Supervision
from station.desks.outcome import Outcome
from station.ids import InvalidId
from station.ids.scanning import canonical_id
from station.labels.layouts import test_print_tag, with_reprint_mark, with_void_mark
from station.labels.model import label_from_dict
from station.labels.render import render
from station.labels.rows import build_label
from station.model.events import EventKind
from station.model.localtime import shown
from station.office import baskets
from station.printing.profiles import profile
from station.printing.queue import PrintJob, PrintQueue
from station.store.journal import events_of

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool]
MAX_BATCH_ROWS = 100_000


LABEL_JOBS = ("label ", "sack tag ")  # the descriptions of an item's label jobs


class PrintDesk:
    """Jobs the operator asks for outright."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.queue = PrintQueue(station.db, station.clock)

    def reprint(
        self,
        job_id: int,
        *,
        facility: str = "",
        operator: str = "",
        supervisor: str | None = None,
        pin: str | None = None,
        reason: str = "",
    ) -> Outcome:
        """The same label again (a jam, a smudge), rendered again and marked REPRINT n.

        An item's label is free to reprint until the item's first scan after acceptance; from then on
        a second label could travel as a copy, so a supervisor's override is needed. Every reprint of
        an item is journalled; a voided item's label is never printed again.
        """
        original = self.queue.get(job_id)
        if original is None:
            return Outcome.refused(f"no print job {job_id} to reprint")
        station, item = self.station, original.item_id
        with station.db.reading() as conn:
            history = events_of(conn, item) if item else []
        if any(e.kind is EventKind.VOID for e in history):
            return self._void_copy(original)
        journalled = any(e.kind is EventKind.ACCEPTANCE for e in history)
        scanned = [e for e in history if e.kind.upu_code is not None and e.kind is not EventKind.ACCEPTANCE]
        allowed: Supervision | None = None
        if journalled and scanned:
            checked = OperatorDesk(station).supervise(
                supervisor, pin, "reprint", operator, str(item), reason or "label reprinted after a scan"
            )
            if not isinstance(checked, Supervision):
                if checked.details.get("needs_supervisor"):
                    why = f"{item} was scanned ({scanned[0].kind}) after acceptance: {checked.reason}"
                    return Outcome.refused(why, item, needs_supervisor=True)
                return checked
            allowed = checked
        number = (
            1 + sum(1 for e in history if e.kind is EventKind.REPRINT)
            if journalled
            else 1 + len(self.queue.reprints_of(job_id))
        )
        payload = original.payload
        if original.source and "label" in original.source:
            label = label_from_dict(original.source["label"])
            forms = [label_from_dict(page) for page in original.source.get("forms", [])]  # CN 22 / CN 23
            payload = render([with_reprint_mark(label, number), *forms], original.format)
        with station.db.transaction() as conn:
            job = self.queue.reprint(job_id, payload, number)
            if journalled:
                if allowed is not None:
                    allowed.journal(station, conn, facility)
                station.journal.append_in(
                    conn,
                    station.event(
                        str(item),
                        EventKind.REPRINT,
                        facility,
                        operator,
                        extra={
                            "reprint": number,
                            "job": job,
                            **({"supervisor": supervisor} if allowed else {}),
                        },
                    ),
                )
        return Outcome(
            True,
            original.item_id,
            message=f"REPRINT {number} of {original.description} queued",
            details={"print_job": job, "printer": original.printer, "reprint": number},
        )

    def _void_copy(self, original: PrintJob) -> Outcome:
        """A voided item's label again, for the records only: no barcode left, VOID across it."""
        if not original.source or "label" not in original.source:
            return Outcome.refused(
                f"{original.item_id} was voided: its label is not printed again", original.item_id
            )
        label = with_void_mark(label_from_dict(original.source["label"]))
        job = self.queue.enqueue(
            original.printer,
            render([label], original.format),
            original.format,
            f"VOID copy of {original.description}",
            item_id=original.item_id,
        )
        return Outcome(
            True,
            original.item_id,
            message=f"was voided: a VOID copy of its label queued (job {job}), no barcode on it",
            details={"print_job": job, "printer": original.printer},
        )

    def job_of(self, what: str, *, receipt: bool = False) -> int | None:
        """A job number as given, or the first label (`receipt`: the receipt) printed for an item: its
        own receipt, or its basket's."""
        if what.isdigit() and len(what) < 10:
            return int(what)
        item = canonical_id(what)
        jobs = [j for j in self.queue.jobs() if j.reprint_of is None]
        if not receipt:
            labels = [
                j for j in jobs if j.item_id == item and j.description.startswith(("label ", "sack tag "))
            ]
            return labels[0].id if labels else None
        with self.station.db.reading() as conn:
            basket = baskets.basket_of(conn, item)
        wanted = {f"receipt {item}", *([f"receipt basket {basket.id}"] if basket is not None else [])}
        found = [j for j in jobs if j.description in wanted]
        return found[-1].id if found else None

    def test_print(self, printer: str | None = None) -> Outcome:
        """A small tag that says the printer works."""
        printer = printer or self.station.config.devices.printer
        model = profile(self.station.config.devices.printer_profile)
        when = shown(self.station.clock(), self.station.config.time_zone)  # local, with its zone
        tag = test_print_tag(printer, when, model.dpi)
        job = self.queue.enqueue(printer, render([tag], model.language), model.language, "test print")
        return Outcome(
            True, None, message=f"test print queued as job {job} for {printer}", details={"job": job}
        )

    def batch(self, csv_path: Path, printer: str | None = None, progress: Progress | None = None) -> Outcome:
        """One label per row (columns tracking,from,to[,service,weight,routing_zip,reference]), all or none.

        A bad row refuses the whole batch naming its line, before anything is queued; a cancel keeps what
        was queued so far and says how much.
        """
        printer = printer or self.station.config.devices.printer
        model = profile(self.station.config.devices.printer_profile)
        try:
            with open(csv_path, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            return Outcome.refused(f"cannot read {csv_path}: {exc}")
        if not rows:
            return Outcome.refused(f"{csv_path} has no rows")
        if len(rows) > MAX_BATCH_ROWS:
            return Outcome.refused(f"{csv_path} has {len(rows)} rows; a batch is at most {MAX_BATCH_ROWS}")
        labels = []
        for line, row in enumerate(rows, start=2):
            try:
                labels.append(build_label(row, model.dpi, "shipping", False))
            except (ValueError, InvalidId, KeyError) as exc:
                return Outcome.refused(f"{csv_path.name} line {line}: {exc}")
        for n, (row, label) in enumerate(zip(rows, labels, strict=True)):
            if progress is not None and not progress(n, len(rows)):
                return Outcome(True, None, message=f"batch cancelled: {n} of {len(rows)} labels queued")
            self.queue.enqueue(
                printer, render([label], model.language), model.language, f"batch label {row.get('tracking')}"
            )
        return Outcome(
            True, None, message=f"batch of {len(rows)} labels queued", details={"labels": len(rows)}
        )
