"""Verifying a scanned indicia at acceptance and sort, with each failure recorded as a fraud alert.

Checks, in order: readable, signed by a registered meter, piece serial not already used by another
item (a copied label), date inside the acceptance window, postage not lower than the measured weight
requires, and the tracking number matching the item it is on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from station.app import Station
from station.desks.outcome import Outcome
from station.ids.scanning import Identified
from station.model.events import EventKind
from station.postage.indicia import (
    IndiciaError,
    IndiciaFields,
    MeterKeys,
    piece_use,
    record_piece_use,
    verify_signature,
    voided_at,
)
from station.postage.rates import RateError, RateTable, money

# An indicia handler verifies a scanned postage indicia (the postage checks install one on the scan desk).
IndiciaHandler = Callable[[Identified, EventKind, str, str], Outcome]


@dataclass
class IndiciaReport:
    """The result of verifying one indicia."""

    fields: IndiciaFields | None
    problems: list[str] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        """No check failed."""
        return self.fields is not None and not self.problems


def verify_indicia(
    station: Station,
    payload: str,
    *,
    today: date,
    item_id: str | None = None,
    measured_weight_g: int | None = None,
    service: str | None = None,
    record_use: bool = False,
    keys: MeterKeys | None = None,
) -> IndiciaReport:
    """Run every check; with `record_use`, remember the piece as used by this item (acceptance)."""
    keys = keys or MeterKeys(station.db, station.paths.keys)
    try:
        fields = verify_signature(payload, keys)
    except IndiciaError as exc:
        return IndiciaReport(None, [str(exc)])
    report = IndiciaReport(fields)
    tracking = item_id or fields.tracking
    if item_id is not None and item_id != fields.tracking:
        report.problems.append(
            f"tracking mismatch: the indicia is for {fields.tracking}, the item is {item_id}"
        )
    with station.db.transaction() as conn:
        row = piece_use(conn, fields.meter_id, fields.piece)
        if row is not None and row[0] != tracking:
            report.problems.append(
                f"piece serial already used: {fields.meter_id} piece {fields.piece} paid for {row[0]}"
                " (copied label)"
            )
        elif row is None and record_use and not report.problems:
            record_piece_use(conn, fields.meter_id, fields.piece, tracking, station.clock().isoformat())
        voided = voided_at(conn, fields.meter_id, fields.piece)
        if voided is not None:
            report.problems.append(f"voided on {voided[:10]}: its postage was refunded, the label is dead")
    age = (today - fields.mailed_on).days
    window = station.config.acceptance_window_days
    if age > window or age < -1:
        report.problems.append(
            f"date {fields.mailed_on.isoformat()} is outside the {window}-day acceptance window"
        )
    if measured_weight_g is not None:
        try:
            table = RateTable.for_date(fields.mailed_on)
            by_category = {v["category"]: k for k, v in table.services.items()}
            chosen = service or by_category.get(fields.category, "ground")
            needed = table.quote(
                chosen, measured_weight_g, fields.origin_zip, fields.destination_zip
            ).total_cents
            if fields.postage_cents < needed:
                report.problems.append(
                    f"underpaid: postage {money(fields.postage_cents)},"
                    f" {measured_weight_g} g needs {money(needed)}"
                )
        except RateError as exc:
            report.problems.append(f"cannot price the measured weight: {exc}")
    return report


def record_alert(station: Station, item_id: str, problems: list[str], facility: str, operator: str) -> None:
    """Journal a fraud alert on the item (never silently drop a failed check)."""
    station.journal.append(
        station.event(
            item_id,
            EventKind.FRAUD_ALERT,
            facility,
            operator,
            note="indicia: " + "; ".join(problems),
            extra={"rule": "indicia"},
        )
    )


def install_indicia_checks(station: Station, desk_handlers: list[IndiciaHandler]) -> None:
    """Plug verification into a ScanDesk: a scanned indicia is checked and failures are journalled."""

    def handle(found: Identified, kind: EventKind, facility: str, operator: str) -> Outcome:
        # Scanned where a tracking barcode belongs: it is checked (a copy or forgery is caught here), but
        # it records no scan, so the answer is a refusal that says what to scan instead.
        report = verify_indicia(
            station, found.id, today=station.today(), record_use=kind is EventKind.ACCEPTANCE
        )
        subject = report.fields.tracking if report.fields else "UNREADABLE-INDICIA"
        if report.genuine:
            return Outcome.refused(
                f"that is the postage indicia (genuine, paid for {subject}): scan the item's tracking barcode"
                f" to record {kind}",
                subject,
                indicia="genuine",
            )
        record_alert(station, subject, report.problems, facility, operator)
        return Outcome(
            False, subject, "indicia refused: " + "; ".join(report.problems) + " (fraud alert recorded)"
        )

    desk_handlers.append(handle)
