"""Fraud rules as data, run over the journal in batch: the owner of the `fraud_settings` table.

Each rule has an id, words, a severity and its thresholds (defaults here, a station's own values in
`fraud_settings`). The rules that must block act at scan time and live with the scan they block
(duplicate acceptance and voided label in `desks/scan.py`, copied indicia in `postage/checks.py`);
they are listed here so one table says what the station watches for. The batch rules read the
journal and raise an alert per finding, keyed so that a second run journals nothing twice.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from itertools import pairwise

from station.insight.history import rows
from station.model.events import MOVES, EventKind
from station.model.rows import Row
from station.store import journal

SCHEMA_V9 = """
CREATE TABLE IF NOT EXISTS fraud_settings (
    rule_id TEXT NOT NULL,
    name    TEXT NOT NULL,
    value   REAL NOT NULL,
    PRIMARY KEY (rule_id, name)
);
"""
# Schema 10: a supervisor's review of an alert (acknowledged, resolved with a note). The alert itself is a
# journal event and stays; its review may move on, so it lives beside the journal.
SCHEMA_V10 = """
CREATE TABLE IF NOT EXISTS fraud_reviews (
    alert_event_id TEXT PRIMARY KEY,
    state          TEXT NOT NULL,
    by_operator    TEXT NOT NULL,
    at             TEXT NOT NULL,
    note           TEXT
);
"""


class Severity(StrEnum):
    """How soon a supervisor should look."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found; `key` makes it the same finding on every run."""

    rule: str
    item_id: str
    operator: str
    facility: str
    time: str
    detail: str
    key: str

    def to_json(self) -> dict[str, str]:
        """`station fraud scan --json`."""
        return {
            "rule": self.rule,
            "item_id": self.item_id,
            "operator": self.operator,
            "facility": self.facility,
            "time": self.time,
            "detail": self.detail,
        }


Check = Callable[[list[Row], dict[str, float]], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class FraudRule:
    """A rule: what it watches for, how bad it is, its thresholds, and (batch rules) its check."""

    id: str
    description: str
    severity: Severity
    defaults: dict[str, float]
    check: Check | None = None  # None: applied at scan time, where it blocks


def _by_item(rows: list[Row]) -> dict[str, list[Row]]:
    items: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        items[row.item_id].append(row)
    return items


def _finding(rule: str, row: Row, detail: str, key: str = "") -> Finding:
    return Finding(
        rule,
        row.item_id,
        row.operator,
        row.facility,
        row.at.isoformat(),
        detail,
        key or f"{row.station_id}:{row.seq}",
    )


def _delivery_burst(rows: list[Row], s: dict[str, float]) -> Iterator[Finding]:
    """Many delivered scans by one operator at one place in a few minutes: delivered "at the unit"."""
    count, window = int(s["count"]), timedelta(seconds=s["window_s"])
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row.kind == EventKind.DELIVERED:
            groups[(row.operator, row.facility)].append(row)
    for (operator, facility), scans in groups.items():
        scans.sort(key=lambda r: r.at)
        start = 0
        while start + count <= len(scans):
            end = start + count - 1
            if scans[end].at - scans[start].at <= window:
                while end + 1 < len(scans) and scans[end + 1].at - scans[start].at <= window:
                    end += 1
                first, minutes = scans[start], (scans[end].at - scans[start].at).total_seconds() / 60
                detail = (
                    f"{end - start + 1} delivered scans by {operator} at {facility} within {minutes:.1f} min"
                )
                yield _finding("delivery-burst", first, detail)
                start = end + 1
            else:
                start += 1


def _delivered_without_out_for_delivery(rows: list[Row], _s: dict[str, float]) -> Iterator[Finding]:
    for history in _by_item(rows).values():
        loaded = False
        for row in history:
            if row.kind == EventKind.OUT_FOR_DELIVERY:
                loaded = True
            elif row.kind == EventKind.DELIVERED and not loaded:
                yield _finding(
                    "delivered-without-out-for-delivery",
                    row,
                    "delivered with no out-for-delivery scan before",
                )
                break


def _scan_after_delivered(rows: list[Row], _s: dict[str, float]) -> Iterator[Finding]:
    for history in _by_item(rows).values():
        delivered: Row | None = None
        for row in history:
            if delivered is not None and row.kind in MOVES and row.kind != EventKind.DELIVERED:
                yield _finding(
                    "scan-after-delivered", row, f"{row.kind} after delivery at {delivered.facility}"
                )
                break
            if row.kind == EventKind.DELIVERED:
                delivered = row


def _impossible_travel(rows: list[Row], s: dict[str, float]) -> Iterator[Finding]:
    """Two facilities scanned faster than the lane between them is ever travelled.

    A lane's fastest transit is learned from the history itself: its `nth` fastest observed trip (not
    the fastest, which may be the very copy being looked for) once it has `min_trips` of them, times
    `share`; a copied label scanned in two cities moments apart is far below it. A lane seen less often
    has only the `min_minutes` floor.
    """
    floor = timedelta(minutes=s["min_minutes"])
    trips: dict[tuple[str, str], list[timedelta]] = defaultdict(list)
    legs: list[tuple[Row, Row]] = []
    for history in _by_item(rows).values():
        scans = [r for r in history if r.kind in MOVES]
        for before, after in pairwise(scans):
            if after.facility != before.facility:
                trips[(before.facility, after.facility)].append(after.at - before.at)
                legs.append((before, after))
    fastest: dict[tuple[str, str], timedelta] = {}
    for lane, times in trips.items():
        if len(times) >= s["min_trips"]:
            times.sort()
            usual = times[min(int(s["nth"]) - 1, len(times) - 1)]
            fastest[lane] = max(floor, usual * s["share"])
    flagged: set[str] = set()
    for before, after in legs:
        took, limit = after.at - before.at, fastest.get((before.facility, after.facility), floor)
        if took < limit and after.item_id not in flagged:
            flagged.add(after.item_id)
            yield _finding(
                "impossible-travel",
                after,
                f"scanned at {before.facility} then {after.facility}"
                f" {took.total_seconds() / 60:.0f} min later"
                f" (the lane's fastest: {limit.total_seconds() / 60:.0f} min)",
            )


def _routing_mismatch(rows: list[Row], _s: dict[str, float]) -> Iterator[Finding]:
    for row in rows:
        if row.kind != EventKind.ACCEPTANCE:
            continue
        routing, destination = (
            str(row.extra.get("routing_zip") or ""),
            str(row.extra.get("destination_zip") or ""),
        )
        if routing and destination and routing[:5] != destination[:5]:
            yield _finding(
                "routing-mismatch", row, f"IMpb routing ZIP {routing[:5]}, accepted for {destination[:5]}"
            )


def _reprint_after_scan(rows: list[Row], _s: dict[str, float]) -> Iterator[Finding]:
    for history in _by_item(rows).values():
        scanned = False
        for row in history:
            if row.kind in MOVES and row.kind != EventKind.ACCEPTANCE:
                scanned = True
            elif row.kind == EventKind.REPRINT and scanned:
                who = row.extra.get("supervisor")
                yield _finding(
                    "reprint-after-scan",
                    row,
                    f"label printed again after the item was scanned (authorised by {who or 'nobody'})",
                )


def _void_rate_outlier(rows: list[Row], s: dict[str, float]) -> Iterator[Finding]:
    accepted: dict[str, int] = defaultdict(int)
    voids: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.kind == EventKind.ACCEPTANCE:
            accepted[row.operator] += 1
        elif row.kind == EventKind.VOID:
            voids[row.operator].append(row)
    total_accepted, total_voids = sum(accepted.values()), sum(len(v) for v in voids.values())
    if not total_accepted or not total_voids:
        return
    for operator, theirs in voids.items():
        others_voids = total_voids - len(theirs)
        others_accepted = total_accepted - accepted[operator]
        office = others_voids / others_accepted if others_accepted else 0.0
        rate = len(theirs) / max(accepted[operator], 1)
        if len(theirs) >= s["min_voids"] and rate > s["times"] * max(office, s["floor_rate"]):
            last = theirs[-1]
            yield _finding(
                "void-rate-outlier",
                last,
                f"{operator} voided {len(theirs)} of {accepted[operator]} pieces ({rate:.0%}),"
                f" the rest of the office {office:.0%}",
                key=f"void-rate:{operator}:{len(theirs)}",
            )


RULES: tuple[FraudRule, ...] = (
    FraudRule("duplicate-id", "an item id accepted a second time (a copied label)", Severity.HIGH, {}),
    FraudRule("voided-label", "a voided piece's label scanned again", Severity.HIGH, {}),
    FraudRule("indicia", "postage indicia forged, copied, out of date or underpaid", Severity.HIGH, {}),
    FraudRule(
        "delivery-burst",
        "one operator records many delivered scans within minutes at one place (stop-the-clock at the unit)",
        Severity.HIGH,
        {"count": 10, "window_s": 300},
        _delivery_burst,
    ),
    FraudRule(
        "delivered-without-out-for-delivery",
        "delivered with no out-for-delivery scan before it",
        Severity.MEDIUM,
        {},
        _delivered_without_out_for_delivery,
    ),
    FraudRule(
        "scan-after-delivered",
        "a scan that moves an item after it was delivered",
        Severity.MEDIUM,
        {},
        _scan_after_delivered,
    ),
    FraudRule(
        "impossible-travel",
        "two facilities scanned faster than any transport between them",
        Severity.MEDIUM,
        {"min_minutes": 30, "min_trips": 20, "nth": 3, "share": 0.5},
        _impossible_travel,
    ),
    FraudRule(
        "routing-mismatch",
        "the IMpb routing ZIP differs from the destination it was accepted for",
        Severity.LOW,
        {},
        _routing_mismatch,
    ),
    FraudRule(
        "reprint-after-scan",
        "a label printed again after the item's first scan",
        Severity.LOW,
        {},
        _reprint_after_scan,
    ),
    FraudRule(
        "void-rate-outlier",
        "an operator's void rate several times the rest of the office's",
        Severity.MEDIUM,
        {"times": 3, "min_voids": 3, "floor_rate": 0.01},
        _void_rate_outlier,
    ),
)


def settings(conn: sqlite3.Connection, rule: FraudRule) -> dict[str, float]:
    """The rule's thresholds: its defaults, with the station's own values over them."""
    own = {
        str(r[0]): float(r[1])
        for r in conn.execute("SELECT name, value FROM fraud_settings WHERE rule_id = ?", (rule.id,))
    }
    return {**rule.defaults, **own}


def known_keys(conn: sqlite3.Connection) -> set[str]:
    """The findings journalled already (a batch run journals each once)."""
    return {
        str(extra["key"]) for extra in journal.extras_of_kind(conn, EventKind.FRAUD_ALERT) if extra.get("key")
    }


def scan(conn: sqlite3.Connection, history: list[Row] | None = None) -> list[Finding]:
    """Every batch rule over the whole journal (or over `history`, the network's), with this station's
    thresholds."""
    if history is None:
        history = rows(conn)
    found: list[Finding] = []
    for rule in RULES:
        if rule.check is not None:
            found += [replace_key(f, rule.id) for f in rule.check(history, settings(conn, rule))]
    return found


def replace_key(finding: Finding, rule_id: str) -> Finding:
    """The key names its rule, so two rules on one event are two findings."""
    return Finding(
        finding.rule,
        finding.item_id,
        finding.operator,
        finding.facility,
        finding.time,
        finding.detail,
        f"{rule_id}:{finding.key}",
    )


class ReviewState(StrEnum):
    """Where a supervisor's look at an alert stands."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # seen, being looked into
    RESOLVED = "resolved"  # closed, with a note saying what was found


@dataclass(frozen=True, slots=True)
class Alert:
    """A journalled fraud alert with its review."""

    event_id: str
    item_id: str
    rule: str
    severity: str
    suspect: str  # the operator whose scans raised it
    facility: str
    time: str
    detail: str
    state: ReviewState
    reviewed_by: str | None
    note: str | None

    def to_json(self) -> dict[str, str | None]:
        """`station fraud alerts --json`."""
        return {
            "id": self.event_id,
            "rule": self.rule,
            "severity": self.severity,
            "item_id": self.item_id,
            "operator": self.suspect,
            "facility": self.facility,
            "time": self.time,
            "detail": self.detail,
            "state": str(self.state),
            "reviewed_by": self.reviewed_by,
            "note": self.note,
        }


_SEVERITY = {rule.id: str(rule.severity) for rule in RULES}
_RANK = {"high": 0, "medium": 1, "low": 2}


def alerts(conn: sqlite3.Connection, *, include_resolved: bool = False) -> list[Alert]:
    """The journal's fraud alerts with their reviews: the worst and newest first."""
    found = []
    reviews = {
        str(r[0]): (ReviewState(r[1]), r[2], r[3])
        for r in conn.execute("SELECT alert_event_id, state, by_operator, note FROM fraud_reviews")
    }
    for alert in journal.recorded_of_kind(conn, EventKind.FRAUD_ALERT):
        state, by, review_note = reviews.get(alert.event_id, (ReviewState.OPEN, None, None))
        if state is ReviewState.RESOLVED and not include_resolved:
            continue
        extra = alert.extra
        rule = str(extra.get("rule") or "?")
        found.append(
            Alert(
                alert.event_id,
                alert.item_id,
                rule,
                _SEVERITY.get(rule, "medium"),
                str(extra.get("suspect") or alert.operator),
                str(extra.get("where") or alert.facility),  # a batch finding: where and when the scans were
                str(extra.get("when") or alert.occurred_at),
                str(alert.note or ""),
                state,
                by,
                review_note,
            )
        )
    found.sort(key=lambda a: _RANK.get(a.severity, 1))  # stable: newest first within a severity
    return found


def review(conn: sqlite3.Connection, event_id: str, state: ReviewState, by: str, at: str, note: str) -> None:
    """Record a supervisor's review (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO fraud_reviews (alert_event_id, state, by_operator, at, note) VALUES (?,?,?,?,?)"
        " ON CONFLICT (alert_event_id) DO UPDATE SET state=excluded.state, by_operator=excluded.by_operator,"
        " at=excluded.at, note=coalesce(excluded.note, fraud_reviews.note)",
        (event_id, str(state), by, at, note or None),
    )
