"""The till desk: the day added up, reconciled with the meter, and closed.

`report` reads the day as it stands. `close` runs in one write transaction, so no acceptance or
payment can slip in between the report it keeps and the day's closing (every counter transaction asks
whether its day is closed inside its own write transaction): a piece is either in the kept report or
refused as dated a closed day. It closes baskets left empty, refuses while a basket holds unpaid
pieces (naming each and what to do), keeps the report, prints it on the counter printer and closes
the day. Only today or a past day is closed, by a clerk who worked it or a supervisor; reopening is a
supervisor's act with a reason, journalled, the report as it was closed kept.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from station.app import Station
from station.desks.operators import OperatorDesk
from station.desks.outcome import Outcome
from station.model.words import number_of
from station.office import baskets, cases, in_flight, operators, suspense, till
from station.office.cases import CaseKind
from station.office.suspense import SuspenseKind
from station.office.till import DayReport
from station.postage.indicia import MeterKeyError, MeterKeys
from station.postage.meter import Meter, MeterError, Registers
from station.postage.rates import money
from station.postage.receipt import document_escpos, document_pdf
from station.printing.queue import PrintQueue


def report_lines(report: DayReport) -> list[str]:
    """The report as the printed copy and the terminal show it."""
    out = [f"Day {report.day}" + ("  (closed)" if report.closed else ""), ""]
    out.append("Pieces accepted by service (the voided among them: see Voids)")
    for service, row in sorted(report.pieces_by_service.items()):
        out.append(f"  {service:<14} {row['pieces']:>4}  {money(row['postage_cents']):>10}")
    accepted = sum(row["pieces"] for row in report.pieces_by_service.values())
    postage = sum(row["postage_cents"] for row in report.pieces_by_service.values())
    voided, refunded = report.voids.get("count", 0), report.voids.get("refund_cents", 0)
    out.append(f"  sold (accepted less voided) {accepted - voided:>4}  {money(postage - refunded):>10}")
    out.append("Payments")
    for method, row in sorted(report.payments.items()):
        out.append(f"  {method:<14} {row['baskets']:>4}  {money(row['cents']):>10}")
    if report.refunds:
        out.append("Refunds to customers")
        for method, row in sorted(report.refunds.items()):
            out.append(f"  {method:<14} {row['refunds']:>4}  {money(-row['cents']):>10}")
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
    if report.suspense_opened is not None:
        out.append(f"  the difference is held in suspense (item {report.suspense_opened}), not in the day")
    if report.in_flight:
        out.append("In flight when the station stopped (station recover):")
        out += [f"  ! {line}" for line in report.in_flight]
    if report.suspense:
        held = sum(int(i["cents"]) for i in report.suspense)
        out.append(f"Suspense: {number_of(len(report.suspense), 'item')} open, {money(held)}")
        out += [f"  #{i['id']} {i['kind']} {money(int(i['cents']))} {i['subject']}" for i in report.suspense]
    if report.feedback:
        scores = ", ".join(f"{score}: {n}" for score, n in sorted(report.feedback.items()))
        out.append(f"Feedback {scores}")
    out.append(f"Accepted and not dispatched: {len(report.not_dispatched)}")
    out += [f"  {item}" for item in report.not_dispatched]
    return out


MAX_COUNTED_CENTS = 100_000_000  # $1,000,000 in one drawer is a typing error, not a count


def _may_close(conn: sqlite3.Connection, station_id: str, day: date, zone: str, by: str) -> Outcome | None:
    """None when `by` may close that day: anyone on a station without operators; else a supervisor or
    an admin, or a clerk who journalled something that day (the till is theirs)."""
    if not operators.any_operators(conn):
        return None
    found = operators.get(conn, by)
    if found is None or not found.enabled:
        return Outcome.refused(f"{by!r} is not an operator of this station: the till is closed by its clerk")
    if found.facts.supervises:
        return None
    if found.role == operators.Role.CLERK and by in till.operators_of_day(conn, station_id, day, zone):
        return None
    return Outcome.refused(
        f"{by} did not work the till of {day.isoformat()}: its clerk or a supervisor closes it"
    )


def _hold_difference(conn: sqlite3.Connection, report: DayReport, by: str, now: datetime) -> int:
    """The close's cash difference put in suspense, with a case to look into it."""
    difference = report.cash_difference_cents or 0
    kind = SuspenseKind.CASH_OVER if difference > 0 else SuspenseKind.CASH_SHORT
    counted, expected = money(report.cash_counted_cents or 0), money(report.cash_expected_cents)
    said = (
        f"till of {report.day}: cash counted {counted}, expected {expected}:"
        f" {money(abs(difference))} {'over' if difference > 0 else 'short'}, held in suspense"
    )
    subject = f"TILL-{report.day}"
    case_id = cases.open_case(conn, subject, CaseKind.SUSPENSE, said, by, now)
    return suspense.open_item(conn, kind, difference, subject, said, case_id, now.isoformat(), by)


def _to_do(basket: baskets.Basket) -> str:
    """What is left to do about an open basket, in words."""
    pieces = ", ".join(line.item_id for line in basket.live_lines)
    return (
        f"basket {basket.id} ({basket.operator}) holds {number_of(len(basket.live_lines), 'unpaid piece')}"
        f" ({pieces}, {money(basket.total_cents)}): take the payment (station basket pay {basket.id})"
        f" or abandon it under a supervisor (station basket abandon {basket.id} --supervisor NAME --pin -)"
    )


class TillDesk:
    """The counter's days."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def today(self) -> date:
        """The station's calendar day now."""
        return till.local_day(self.station.clock(), self.station.config.time_zone)

    def report(self, day: date | None = None, counted_cash: int | None = None) -> DayReport | Outcome:
        """The day as it stands (a closed day: as it was closed, with this count if given)."""
        station = self.station
        day = day or self.today()
        try:
            meter = self._meter()
            with station.db.snapshot() as conn:  # the registers and the log the report adds up: one state
                registers, problem = meter.registers(), meter.check()
                made = self._build(conn, day, registers, problem, counted_cash)
                made.closed = till.closed(conn, day)
        except (MeterError, MeterKeyError) as exc:
            return Outcome.refused(f"meter: {exc}")
        return made

    def close(self, day: date | None, counted_cash: int | None, by: str) -> DayReport | Outcome:
        """Close the day: one write transaction from the checks to the kept report (see the module)."""
        station, config = self.station, self.station.config
        day = day or self.today()
        if day > self.today():
            return Outcome.refused(f"the till of {day.isoformat()} cannot be closed before the day has come")
        if counted_cash is not None and not 0 <= counted_cash <= MAX_COUNTED_CENTS:
            return Outcome.refused(f"counted cash: between $0.00 and {money(MAX_COUNTED_CENTS)}")
        try:
            meter = self._meter()
        except (MeterError, MeterKeyError) as exc:
            return Outcome.refused(f"meter: {exc}")
        with station.db.transaction() as conn:
            # Read in the transaction that closes the day: a counter's debit committed between a read of
            # the registers and the read of the meter's log made them disagree ("edited outside").
            registers, problem = meter.registers(), meter.check()
            if till.closed(conn, day):
                return Outcome.refused(f"the till of {day.isoformat()} is closed already")
            who = _may_close(conn, station.station_id, day, config.time_zone, by)
            if who is not None:
                return who
            stopped = in_flight.stopped(conn)
            if stopped:
                return Outcome.refused(
                    f"{len(stopped)} transactions were in flight when the station stopped: station recover"
                    " says what became of each, then close"
                )
            still_open = (baskets.get(conn, i) for i in baskets.open_baskets(conn))
            left = [b for b in still_open if b is not None and b.live_lines]
            if left:  # refused before anything changes: a customer's basket just opened stays open
                return Outcome.refused("the day cannot close yet: " + "; ".join(_to_do(b) for b in left))
            baskets.close_if_empty(conn)  # only with the day's close: nothing can be added to them after it
            made = self._build(conn, day, registers, problem, counted_cash)
            made.closed = True
            if made.cash_difference_cents:  # never silently into the day: held apart, with a case
                made.suspense_opened = _hold_difference(conn, made, by, station.clock())
                made.suspense = [i.to_json() for i in suspense.items(conn, open_only=True)]
            till.record_close(conn, made, by, station.clock().isoformat())
            PrintQueue(station.db, station.clock).enqueue(
                config.devices.receipt_printer,
                document_escpos(report_lines(made)),
                "escpos",
                f"till {made.day}",
            )
        return made

    def reopen(
        self, day: date, *, supervisor: str | None, pin: str | None, reason: str, operator: str
    ) -> Outcome:
        """A closed day opened again by a supervisor, for a reason: the report as it was closed is kept
        beside the reopening, and an `override` event journals who and why."""
        station = self.station
        with station.db.reading() as conn:
            if not till.closed(conn, day):
                return Outcome.refused(f"the till of {day.isoformat()} is not closed")
        subject = f"TILL-{day.isoformat()}"
        checked = OperatorDesk(station).supervise(
            supervisor, pin, "till reopen", operator or "-", subject, reason
        )
        if isinstance(checked, Outcome):
            return checked
        with station.db.transaction() as conn:
            if not till.reopen(conn, day, checked.supervisor, checked.reason, station.clock().isoformat()):
                return Outcome.refused(f"the till of {day.isoformat()} is not closed")
            checked.journal(station, conn, station.config.facility)
        return Outcome(
            True, day.isoformat(), message=f"till of {day.isoformat()} reopened by {checked.supervisor}"
        )

    def pdf(self, report: DayReport) -> bytes:
        """The report as a PDF."""
        return document_pdf(f"{self.station.config.facility} - till {report.day}", report_lines(report))

    def _build(
        self,
        conn: sqlite3.Connection,
        day: date,
        registers: Registers,
        problem: str | None,
        counted: int | None,
    ) -> DayReport:
        config = self.station.config
        return till.build(
            conn, self.station.station_id, day, config.time_zone, config.meter_id, registers, problem, counted
        )

    def _meter(self) -> Meter:
        meter_id = self.station.config.meter_id
        return Meter(
            self.station.db, meter_id, MeterKeys(self.station.db, self.station.paths.keys).mac_key(meter_id)
        )
