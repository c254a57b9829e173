"""The fraud desk: every batch rule over the journal, each new finding journalled once as an alert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station.app import Station
from station.desks.outcome import Outcome
from station.insight import fraud, history
from station.insight.fraud import Alert, Finding, FraudRule, ReviewState
from station.insight.history import RowSource
from station.model.events import EventKind
from station.office import operators

MAX_REVIEW_NOTE = 500


@dataclass(frozen=True)
class FraudReport:
    """What a run found, and which findings were new (journalled by this run)."""

    findings: list[Finding]
    new: int

    ok = True

    @property
    def line(self) -> str:
        """What `station fraud scan` prints last."""
        return f"{len(self.findings)} alerts ({self.new} new)"

    def to_json(self) -> dict[str, Any]:
        """`--json`."""
        return {"alerts": [f.to_json() for f in self.findings], "new": self.new}


class FraudDesk:
    """Fraud rules at one station."""

    def __init__(self, station: Station, hub: RowSource | None = None) -> None:
        self.station = station
        self.hub = hub

    def rules(self) -> list[tuple[FraudRule, dict[str, float]]]:
        """Every rule with the thresholds in force."""
        with self.station.db.reading() as conn:
            return [(rule, fraud.settings(conn, rule)) for rule in fraud.RULES]

    def scan(self, *, facility: str, operator: str) -> FraudReport:
        """Run the batch rules; journal what is new (a second run adds nothing). With a hub, over every
        station's events (a finding's key names the station and event it is about, so it is new once)."""
        network = history.read(self.station.db, self.hub) if self.hub is not None else None
        with self.station.db.transaction() as conn:
            found = fraud.scan(conn, network)
            known = fraud.known_keys(conn)
            new = [f for f in found if f.key not in known]
            for finding in new:
                self.station.journal.append_in(
                    conn,
                    self.station.event(
                        finding.item_id,
                        EventKind.FRAUD_ALERT,
                        facility,
                        operator,
                        note=finding.detail[:500],
                        extra={
                            "rule": finding.rule,
                            "key": finding.key,
                            "suspect": finding.operator,
                            "where": finding.facility,
                            "when": finding.time,
                        },
                    ),
                )
        return FraudReport(found, len(new))

    def alerts(self, *, include_resolved: bool = False) -> list[Alert]:
        """The alerts a supervisor has to look at (with `include_resolved`, every one)."""
        with self.station.db.reading() as conn:
            return fraud.alerts(conn, include_resolved=include_resolved)

    def acknowledge(
        self, alert_id: str, *, by: str, pin: str | None = None, signed_in: bool = False, facility: str
    ) -> Outcome:
        """A supervisor has seen the alert and is looking into it."""
        return self._review(alert_id, ReviewState.ACKNOWLEDGED, "", by, pin, signed_in, facility)

    def resolve(
        self,
        alert_id: str,
        note: str,
        *,
        by: str,
        pin: str | None = None,
        signed_in: bool = False,
        facility: str,
    ) -> Outcome:
        """Close the alert with a note saying what was found (the note is journalled on the item)."""
        return self._review(alert_id, ReviewState.RESOLVED, note, by, pin, signed_in, facility)

    def _review(
        self,
        alert_id: str,
        state: ReviewState,
        note: str,
        by: str,
        pin: str | None,
        signed_in: bool,
        facility: str,
    ) -> Outcome:
        station = self.station
        note = " ".join(note.split())
        if state is ReviewState.RESOLVED and not note:
            return Outcome.refused("say what was found: a resolved alert needs a note")
        if len(note) > MAX_REVIEW_NOTE:
            return Outcome.refused(f"the note is longer than {MAX_REVIEW_NOTE} characters")
        key = alert_id.strip().lower()
        with station.db.reading() as conn:
            matches = [a for a in fraud.alerts(conn, include_resolved=True) if a.event_id.startswith(key)]
        if len(key) < 6 or not matches:
            return Outcome.refused(f"no fraud alert {alert_id.strip()[:40]!r} (give 6 or more of its id)")
        if len(matches) > 1:
            return Outcome.refused(f"{len(matches)} alerts start with {key}: give more of the id")
        found = matches[0]
        if found.state is ReviewState.RESOLVED:
            return Outcome.refused(
                f"alert {found.event_id[:8]} was resolved by {found.reviewed_by}", found.item_id
            )
        refused = self._may_review(by, pin, signed_in)
        if refused is not None:
            return refused
        if found.suspect == by:
            return Outcome.refused(
                "an alert about your own scans is reviewed by another supervisor", found.item_id
            )
        with station.db.transaction() as conn:
            fraud.review(conn, found.event_id, state, by, station.clock().isoformat(), note)
            station.journal.append_in(
                conn,
                station.event(
                    found.item_id,
                    EventKind.NOTE,
                    facility,
                    by,
                    note=f"fraud alert {found.rule} {state}" + (f": {note}" if note else ""),
                    extra={"fraud_review": str(state), "alert": found.event_id},
                ),
            )
        return Outcome(True, found.item_id, message=f"alert {found.event_id[:8]} {found.rule} {state}")

    def _may_review(self, by: str, pin: str | None, signed_in: bool) -> Outcome | None:
        """A staffed station's alerts are reviewed by a supervisor (signed in, or giving their PIN)."""
        with self.station.db.transaction() as conn:
            if not operators.any_operators(conn):
                return None
            if signed_in:
                who = operators.get(conn, by)
            else:
                if pin is None:
                    return Outcome.refused(
                        "reviewing an alert needs a supervisor: give --operator NAME --pin -"
                    )
                checked = operators.verify(conn, by, pin, self.station.clock())
                if not checked.ok:
                    return Outcome.refused(f"review refused: {checked.reason}")
                who = checked.operator
        if who is None or not who.facts.supervises:
            return Outcome.refused(f"review refused: {by} is not a supervisor")
        return None
