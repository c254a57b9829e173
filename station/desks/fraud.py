"""The fraud desk: every batch rule over the journal, each new finding journalled once as an alert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station import fraud
from station.app import Station
from station.events import EventKind
from station.fraud import Finding, FraudRule


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

    def __init__(self, station: Station) -> None:
        self.station = station

    def rules(self) -> list[tuple[FraudRule, dict[str, float]]]:
        """Every rule with the thresholds in force."""
        with self.station.db.reading() as conn:
            return [(rule, fraud.settings(conn, rule)) for rule in fraud.RULES]

    def scan(self, *, facility: str, operator: str) -> FraudReport:
        """Run the batch rules; journal what is new (a second run adds nothing)."""
        with self.station.db.transaction() as conn:
            found = fraud.scan(conn)
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
                        extra={"rule": finding.rule, "key": finding.key, "suspect": finding.operator},
                    ),
                )
        return FraudReport(found, len(new))
