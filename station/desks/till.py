"""The till desk: the day added up, reconciled with the meter, and closed.

`report` reads the day as it stands; `close` refuses while a basket is open (pay it, or take its
pieces out), keeps the report, prints it on the counter printer and closes the day: no transaction
dated that day is taken afterwards.
"""

from __future__ import annotations

from datetime import date

from station.app import Station
from station.desks.outcome import Outcome
from station.office import baskets, till
from station.office.till import DayReport
from station.postage.indicia import MeterKeyError, MeterKeys
from station.postage.meter import Meter, MeterError, Registers
from station.postage.rates import money
from station.postage.receipt import document_escpos, document_pdf
from station.printing.queue import PrintQueue


def report_lines(report: DayReport) -> list[str]:
    """The report as the printed copy and the terminal show it."""
    out = [f"Day {report.day}" + ("  (closed)" if report.closed else ""), ""]
    out.append("Pieces by service")
    for service, row in sorted(report.pieces_by_service.items()):
        out.append(f"  {service:<14} {row['pieces']:>4}  {money(row['postage_cents']):>10}")
    out.append("Payments")
    for method, row in sorted(report.payments.items()):
        out.append(f"  {method:<14} {row['baskets']:>4}  {money(row['cents']):>10}")
    if report.unpaid_baskets:
        out.append(f"  open baskets   {report.unpaid_baskets:>4}")
    out.append(f"Voids {report.voids.get('count', 0)}, refunded {money(report.voids.get('refund_cents', 0))}")
    out.append(f"Reprints {report.reprints}, supervisor overrides {report.overrides}")
    m = report.meter
    out.append(f"Meter {m.get('meter_id')}")
    for when in ("open", "close"):
        regs = m.get(when, {})
        down, up = money(regs.get("descending", 0)), money(regs.get("ascending", 0))
        out.append(f"  {when:<6} descending {down}  ascending {up}")
    out.append("RECONCILED" if report.reconciled else "NOT RECONCILED")
    out += [f"  ! {problem}" for problem in report.problems]
    out.append(f"Cash expected {money(report.cash_expected_cents)}")
    if report.cash_counted_cents is not None and report.cash_difference_cents is not None:
        counted, difference = money(report.cash_counted_cents), money(report.cash_difference_cents)
        out.append(f"Cash counted {counted}, difference {difference}")
    if report.feedback:
        scores = ", ".join(f"{score}: {n}" for score, n in sorted(report.feedback.items()))
        out.append(f"Feedback {scores}")
    out.append(f"Accepted and not dispatched: {len(report.not_dispatched)}")
    out += [f"  {item}" for item in report.not_dispatched]
    return out


class TillDesk:
    """The counter's days."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def today(self) -> date:
        """The station's calendar day now."""
        return till.local_day(self.station.clock(), self.station.config.time_zone)

    def report(self, day: date | None = None, counted_cash: int | None = None) -> DayReport | Outcome:
        """The day as it stands (a closed day: as it was closed, with this count if given)."""
        station, config = self.station, self.station.config
        day = day or self.today()
        try:
            registers, problem = self._meter()
        except (MeterError, MeterKeyError) as exc:
            return Outcome.refused(f"meter: {exc}")
        with station.db.reading() as conn:
            made = till.build(conn, day, config.time_zone, config.meter_id, registers, problem, counted_cash)
            made.closed = till.closed(conn, day)
        return made

    def close(self, day: date | None, counted_cash: int | None, by: str) -> DayReport | Outcome:
        """Close the day (refused while a basket is open, or when it is closed already)."""
        station = self.station
        day = day or self.today()
        with station.db.reading() as conn:
            if till.closed(conn, day):
                return Outcome.refused(f"the till of {day.isoformat()} is closed already")
            still_open = baskets.open_baskets(conn)
        if still_open:
            return Outcome.refused(
                f"basket {still_open[0]} is open: take the payment, or take its pieces out, then close"
            )
        made = self.report(day, counted_cash)
        if isinstance(made, Outcome):
            return made
        made.closed = True
        config = station.config
        with station.db.transaction() as conn:
            till.record_close(conn, made, by, station.clock().isoformat())
            PrintQueue(station.db, station.clock).enqueue(
                config.devices.receipt_printer,
                document_escpos(report_lines(made)),
                "escpos",
                f"till {made.day}",
            )
        return made

    def pdf(self, report: DayReport) -> bytes:
        """The report as a PDF."""
        return document_pdf(f"{self.station.config.facility} - till {report.day}", report_lines(report))

    def _meter(self) -> tuple[Registers, str | None]:
        meter_id = self.station.config.meter_id
        meter = Meter(
            self.station.db, meter_id, MeterKeys(self.station.db, self.station.paths.keys).mac_key(meter_id)
        )
        return meter.registers(), meter.check()
