"""The counter's day, added up and closed: the owner of the `till_days` table.

A day is the station's local calendar day. Its report: pieces and postage by service, payments by
method, voids and refunds, reprints, the meter's registers at the day's open and close, whether they
reconcile with the day's indicia, cash counted against cash expected, feedback scores, and the items
accepted that day and not dispatched yet. Once closed, the day takes no more transactions.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from station.errors import Refused
from station.items import containers
from station.model.events import EventKind
from station.model.localtime import zone
from station.model.words import number_of
from station.office import baskets, in_flight, suspense
from station.office import refunds as customer_refunds
from station.postage.meter import LogLine, Registers, log_lines
from station.store import journal

SCHEMA_V7 = """
CREATE TABLE IF NOT EXISTS till_days (
    day        TEXT PRIMARY KEY,
    closed_at  TEXT NOT NULL,
    closed_by  TEXT NOT NULL,
    report     TEXT NOT NULL
);
"""


# A closed day opened again: the report as it was closed, who reopened it and why (never deleted).
SCHEMA_V14 = """
CREATE TABLE IF NOT EXISTS till_reopenings (
    day          TEXT NOT NULL,
    closed_at    TEXT NOT NULL,
    closed_by    TEXT NOT NULL,
    report       TEXT NOT NULL,
    reopened_at  TEXT NOT NULL,
    reopened_by  TEXT NOT NULL,
    reason       TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS till_reopenings_kept BEFORE UPDATE ON till_reopenings
BEGIN SELECT RAISE(ABORT, 'a reopening is kept as it was'); END;
CREATE TRIGGER IF NOT EXISTS till_reopenings_not_deleted BEFORE DELETE ON till_reopenings
BEGIN SELECT RAISE(ABORT, 'a reopening is kept as it was'); END;
"""


class DayClosed(Refused):
    """A transaction dated a day whose till is closed."""


# The last scans that leave an accepted item in the building: accepted, sorted, in a sack not yet sent.
_NOT_DISPATCHED = (EventKind.ACCEPTANCE, EventKind.SORT_IN, EventKind.SACK_REMOVE, EventKind.SACK_CLOSE)


def bounds(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """The day's start and end as aware times (local midnight to local midnight)."""
    tz = zone(zone_name)
    start = datetime.combine(day, time(0), tzinfo=tz) if tz else datetime.combine(day, time(0)).astimezone()
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=start.tzinfo)
    return start, end


def local_day(moment: datetime, zone_name: str) -> date:
    """The station's calendar day of a moment."""
    return moment.astimezone(zone(zone_name)).date()


def closed(conn: sqlite3.Connection, day: date) -> bool:
    """True when that day's till was closed."""
    return conn.execute("SELECT 1 FROM till_days WHERE day = ?", (day.isoformat(),)).fetchone() is not None


def refuse_if_closed(conn: sqlite3.Connection, moment: datetime, zone_name: str) -> None:
    """DayClosed when `moment` falls in a closed day (every counter transaction asks)."""
    day = local_day(moment, zone_name)
    if closed(conn, day):
        raise DayClosed(f"the till of {day.isoformat()} is closed: no more transactions dated that day")


@dataclass
class DayReport:
    """What `station till close` prints, as JSON or as lines."""

    day: str
    pieces_by_service: dict[str, dict[str, int]] = field(default_factory=dict)
    payments: dict[str, dict[str, int]] = field(default_factory=dict)
    refunds: dict[str, dict[str, int]] = field(default_factory=dict)  # to customers, by method
    unpaid_baskets: int = 0
    unpaid_pieces: list[str] = field(default_factory=list)  # charged, not voided, in no paid basket
    voids: dict[str, int] = field(default_factory=dict)
    reprints: int = 0
    overrides: int = 0
    meter: dict[str, Any] = field(default_factory=dict)
    reconciled: bool = False
    problems: list[str] = field(default_factory=list)
    cash_expected_cents: int = 0
    cash_counted_cents: int | None = None
    cash_difference_cents: int | None = None
    feedback: dict[str, int] = field(default_factory=dict)
    not_dispatched: list[str] = field(default_factory=list)
    suspense: list[dict[str, Any]] = field(default_factory=list)  # every item still in suspense
    suspense_opened: int | None = None  # this close's difference, put in suspense
    in_flight: list[str] = field(default_factory=list)  # transactions a stop left in flight, not yet told
    closed: bool = False

    def to_json(self) -> dict[str, Any]:
        """`--json`."""
        return asdict(self)


def _registers_at(lines: list[LogLine], moment: str) -> tuple[int, int]:
    """(descending, ascending) after the last log line before `moment` (0, 0 before any)."""
    before = [line for line in lines if line.at is not None and _utc(line.at) < moment]
    if not before:
        older = [line for line in lines if line.at is None]  # lines from before the log said when
        return (older[-1].descending, older[-1].ascending) if older else (0, 0)
    return before[-1].descending, before[-1].ascending


def build(
    conn: sqlite3.Connection,
    station_id: str,
    day: date,
    zone_name: str,
    meter_id: str,
    registers_now: Registers,
    meter_problem: str | None,
    counted_cash: int | None,
) -> DayReport:
    """The day's report, read from the journal, the baskets and the meter's log."""
    first, last_moment = bounds(day, zone_name)
    start, end = first.isoformat(), last_moment.isoformat()
    report = DayReport(day.isoformat())
    accepted_cents = refunded_cents = 0
    charged: list[str] = []
    for kind, item_id, extra in journal.kinds_and_extras_between(conn, first, last_moment, station_id):
        if kind == EventKind.ACCEPTANCE:
            if int(extra.get("postage_cents", 0)) > 0:
                charged.append(item_id)
            service = str(extra.get("service", "?"))
            row = report.pieces_by_service.setdefault(service, {"pieces": 0, "postage_cents": 0})
            row["pieces"] += 1
            row["postage_cents"] += int(extra.get("postage_cents", 0))
            accepted_cents += int(extra.get("postage_cents", 0))
        elif kind == EventKind.VOID:
            report.voids["count"] = report.voids.get("count", 0) + 1
            refunded_cents += int(extra.get("refund_cents", 0))
            report.voids["refund_cents"] = refunded_cents
        elif kind == EventKind.REPRINT:
            report.reprints += 1
        elif kind == EventKind.OVERRIDE:
            report.overrides += 1
    for paid in baskets.paid_between(conn, first, last_moment):
        for method, cents in paid.paid_by.items():  # a split basket: its cash part and its card part
            row = report.payments.setdefault(str(method), {"baskets": 0, "cents": 0})
            row["baskets"] += 1
            row["cents"] += cents
    report.unpaid_baskets = len(baskets.open_baskets(conn))
    settled = baskets.paid_items(conn, charged) | journal.items_with_kind(conn, EventKind.VOID, charged)
    report.unpaid_pieces = [item for item in charged if item not in settled]
    for given in customer_refunds.between(conn, first, last_moment):
        row = report.refunds.setdefault(str(given.method), {"refunds": 0, "cents": 0})
        row["refunds"] += 1
        row["cents"] += given.cents
    # The drawer holds the day's cash payments less the cash handed back.
    report.cash_expected_cents = report.payments.get("cash", {}).get("cents", 0) - report.refunds.get(
        "cash", {}
    ).get("cents", 0)
    if counted_cash is not None:
        report.cash_counted_cents = counted_cash
        report.cash_difference_cents = counted_cash - report.cash_expected_cents
    lines = log_lines(conn, meter_id)
    day_lines = [line for line in lines if line.at is not None and _utc(start) <= _utc(line.at) < _utc(end)]
    opened, closed_at = _registers_at(lines, _utc(start)), _registers_at(lines, _utc(end))
    debits = sum(line.cents for line in day_lines if line.kind == "debit")
    credits = sum(line.cents for line in day_lines if line.kind == "credit")
    refunds = sum(line.cents for line in day_lines if line.kind == "refund")
    report.meter = {
        "meter_id": meter_id,
        "open": {"descending": opened[0], "ascending": opened[1]},
        "close": {"descending": closed_at[0], "ascending": closed_at[1]},
        "debits_cents": debits,
        "credits_cents": credits,
        "refunds_cents": refunds,
        "now": {"descending": registers_now.descending, "ascending": registers_now.ascending},
    }
    if meter_problem:
        report.problems.append(f"meter: {meter_problem}")
    if closed_at[1] - opened[1] != debits:
        report.problems.append("the ascending register moved by other than the day's debits")
    if debits != accepted_cents:
        report.problems.append(
            f"indicia issued for {accepted_cents} cents, the meter was debited {debits} cents"
        )
    if closed_at[0] != opened[0] + credits + refunds - debits:
        report.problems.append(
            "the descending register does not follow the day's credits, refunds and debits"
        )
    if refunds != refunded_cents:
        report.problems.append(f"voids refunded {refunded_cents} cents, the meter took back {refunds} cents")
    last = lines[-1] if lines else None
    if last is not None and (last.descending, last.ascending) != (
        registers_now.descending,
        registers_now.ascending,
    ):
        report.problems.append("the registers are not where the meter's log left them: edited outside")
    if report.unpaid_pieces:
        shown = ", ".join(report.unpaid_pieces[:5]) + (" ..." if len(report.unpaid_pieces) > 5 else "")
        report.problems.append(
            f"{number_of(len(report.unpaid_pieces), 'piece')} charged to the meter and not paid for: {shown}"
        )
    report.reconciled = not report.problems
    report.suspense = [item.to_json() for item in suspense.items(conn, open_only=True)]
    report.in_flight = [flight.line(zone_name) for flight in in_flight.stopped(conn)]
    accepted = journal.accepted_between(conn, first, last_moment, station_id)
    still_here = containers.last_kind_in(conn, accepted, _NOT_DISPATCHED)
    report.not_dispatched = [item for item in accepted if item in still_here]
    for score, n in conn.execute(
        "SELECT score, count(*) FROM sms_feedback WHERE at >= ? AND at < ? GROUP BY score",
        (_utc(start), _utc(end)),
    ):
        report.feedback[str(score)] = int(n)
    return report


def _utc(text: str) -> str:
    """An ISO time as the journal writes it (UTC), so text comparison is time comparison."""
    return datetime.fromisoformat(text).astimezone(UTC).isoformat(timespec="microseconds")


def operators_of_day(conn: sqlite3.Connection, station_id: str, day: date, zone_name: str) -> set[str]:
    """Who journalled something at this station on that day."""
    first, last = bounds(day, zone_name)
    return journal.operators_between(conn, first, last, station_id)


def reopen(conn: sqlite3.Connection, day: date, by: str, reason: str, at: str) -> bool:
    """The closed day opened again, its closing kept in `till_reopenings`; False when it was not closed."""
    row = conn.execute(
        "SELECT closed_at, closed_by, report FROM till_days WHERE day = ?", (day.isoformat(),)
    ).fetchone()
    if row is None:
        return False
    conn.execute(
        "INSERT INTO till_reopenings (day, closed_at, closed_by, report, reopened_at, reopened_by, reason)"
        " VALUES (?,?,?,?,?,?,?)",
        (day.isoformat(), row[0], row[1], row[2], at, by, reason),
    )
    conn.execute("DELETE FROM till_days WHERE day = ?", (day.isoformat(),))
    return True


def record_close(conn: sqlite3.Connection, report: DayReport, by: str, at: str) -> None:
    """The day closed (its report kept as it was when closed)."""
    conn.execute(
        "INSERT INTO till_days (day, closed_at, closed_by, report) VALUES (?,?,?,?)",
        (report.day, at, by, json.dumps(report.to_json())),
    )
