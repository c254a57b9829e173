"""The one path every scan takes: normalise, check against what the station knows, journal, answer.

Serial scanners, keyboard wedges, webcams, `station scan` and every desk call `ScanDesk.record`. The
answer (`Outcome`) is returned only after the event is committed, so a green banner or an `OK` line
always means the scan is on disk. What a kind may be scanned on, what it needs and what it does comes
from `KIND_FACTS`; the rules that need the journal (sack state, duplicates, the sack's destination,
a second delivery) are checked inside the same transaction that records the scan.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from station.app import Station
from station.desks.outcome import Outcome
from station.desks.postage_checks import IndiciaHandler, install_indicia_checks
from station.ids.scanning import Identified, IdKind, Rejected, classify
from station.items import containers, sack_destinations
from station.model.events import Event, EventError, EventKind, StoredEvent
from station.model.states import ItemStatus, SackState
from station.network.port import HubPort, accepted_elsewhere
from station.store import journal


class Supervised(Protocol):
    """A checked supervisor override (`desks.operators.Supervision`)."""

    def journal(self, station: Station, conn: sqlite3.Connection, facility: str) -> StoredEvent: ...


class ScanDesk:
    """Records scans for one station."""

    def __init__(self, station: Station, hub: HubPort | None = None) -> None:
        self.station = station
        self.hub = hub  # with a hub, an item another station accepted is not accepted here (while online)
        self.indicia_handlers: list[IndiciaHandler] = []
        install_indicia_checks(station, self.indicia_handlers)

    def record(
        self,
        raw: str | bytes,
        kind: EventKind,
        *,
        facility: str,
        operator: str,
        container_id: str | None = None,
        weight_g: int | None = None,
        reason: str | None = None,
        signature_ref: str | None = None,
        note: str | None = None,
        extra: dict[str, Any] | None = None,
        supervised: Supervised | None = None,
    ) -> Outcome:
        """Classify one raw scan and, when it is acceptable here, journal it (`supervised`: a checked
        override lets an exception through, journalled with it)."""
        found = classify(raw)
        if isinstance(found, Rejected):
            return Outcome.refused(found.reason)
        facts = kind.facts
        if found.kind is IdKind.INDICIA:
            if not self.indicia_handlers:
                return Outcome.refused("postage indicia scanned: scan the item's tracking barcode")
            return self.indicia_handlers[0](found, kind, facility, operator)
        if found.kind is IdKind.OTHER:
            return Outcome.refused(f"not a postal item or sack id: {found.id[:40]}")
        if found.kind is IdKind.SSCC and not facts.applies_to.takes_sacks():
            return Outcome.refused(f"{found.id} is a sack (SSCC): scan the item itself for {kind}", found.id)
        if found.kind is not IdKind.SSCC and not facts.applies_to.takes_items():
            return Outcome.refused(
                f"{found.id} is an item, not a sack: scan the sack tag for {kind}", found.id
            )

        sack = None
        if container_id is not None:
            sack_found = classify(container_id)
            if isinstance(sack_found, Rejected):
                return Outcome.refused(f"sack id: {sack_found.reason}", found.id)
            if sack_found.kind is not IdKind.SSCC:
                return Outcome.refused(
                    f"sack id must be an SSCC (GS1 AI 00), not {sack_found.kind}", found.id
                )
            sack = sack_found.id
            if sack == found.id:
                return Outcome.refused("a sack cannot go into itself", found.id)
        if facts.needs_container and sack is None:
            return Outcome.refused("no sack open: scan or create a sack tag first", found.id)
        if kind is EventKind.ACCEPTANCE and self.hub is not None and supervised is None:
            # Asked outside the journal's transaction: a scan never holds the database while the
            # network answers.
            elsewhere = accepted_elsewhere(self.hub, found.id, self.station.station_id)
            if elsewhere is not None:
                return Outcome.refused(
                    f"{found.id} was already accepted at station {elsewhere}: not accepted again", found.id
                )
        fields = dict(extra or {})
        if found.routing_zip and kind is EventKind.ACCEPTANCE:
            fields.setdefault("routing_zip", found.routing_zip)

        with self.station.db.transaction() as conn:
            refusal, warning = self._check(
                conn, found, kind, sack, facility, operator, supervised is not None
            )
            if refusal is not None:
                return refusal
            if supervised is not None:
                supervised.journal(self.station, conn, facility)
            try:
                event = self.event(
                    found.id,
                    kind,
                    facility,
                    operator,
                    container_id=sack,
                    weight_g=weight_g,
                    reason=reason,
                    signature_ref=signature_ref,
                    note=note,
                    extra=fields,
                )
            except EventError as exc:
                return Outcome.refused(str(exc), found.id)
            stored = self.station.journal.append_in(conn, event)
        return Outcome(True, found.id, stored=stored, warning=warning, details={"kind": str(found.kind)})

    def _check(
        self,
        conn: sqlite3.Connection,
        found: Identified,
        kind: EventKind,
        sack: str | None,
        facility: str,
        operator: str,
        overridden: bool = False,
    ) -> tuple[Outcome | None, str | None]:
        """The rules that need the journal: (a refusal, or None; a warning, or None). `overridden`: a
        supervisor allowed delivering an item delivered already."""
        item = found.id
        if kind is EventKind.SORT_IN and sack is not None:
            record = containers.sack_record(conn, sack)
            if record is not None and record.state is not SackState.OPEN:
                return Outcome.refused(f"sack {sack} is {record.state}: open a new sack", item), None
            current = containers.sack_of(conn, item)
            if current == sack:
                return Outcome.refused(f"duplicate: {item} is already in this sack", item), None
            if current is not None:
                return Outcome.refused(
                    f"{item} is in sack {current}: remove it from that sack first", item
                ), None
            if record is not None and record.destination:
                wrong = self._wrong_sack(conn, found, record.destination)
                if wrong is not None:
                    return Outcome.refused(wrong, item), None
        if kind is EventKind.SACK_CLOSE:
            state = containers.sack_state(conn, item)
            if state is not SackState.OPEN:
                why = f"is {state}" if state is not None else "is not open here (nothing sorted into it)"
                return Outcome.refused(f"sack {item} {why}", item), None
        previous = containers.item_record(conn, item)
        if previous is None:
            return None, None
        if previous.status is ItemStatus.VOIDED and kind.facts.upu_code is not None:
            note = f"{kind} refused: the item was voided and its postage refunded"
            reason = f"{item} was voided at {previous.facility}: the label is dead (fraud alert)"
            return self._refused_with_alert(
                conn, found, "voided-label", note, reason, facility, operator
            ), None
        if kind is EventKind.ACCEPTANCE and previous.accepted:
            note = f"acceptance refused: already accepted at {previous.facility}"
            reason = f"{item} already accepted at {previous.facility}: duplicate id, fraud alert"
            return self._refused_with_alert(
                conn, found, "duplicate-id", note, reason, facility, operator
            ), None
        if previous.status is ItemStatus.DELIVERED:
            if kind is EventKind.DELIVERED and not overridden:
                reason = f"{item} was already delivered (at {previous.facility}): not delivered again"
                return Outcome.refused(reason, item), None
            if kind.facts.item_status is not None and found.kind is not IdKind.SSCC:
                return None, f"{item} was already delivered"
        return None, None

    def _refused_with_alert(
        self,
        conn: sqlite3.Connection,
        found: Identified,
        rule: str,
        note: str,
        reason: str,
        facility: str,
        operator: str,
    ) -> Outcome:
        """A scan-time fraud rule blocked the scan: the alert is journalled (it commits with the
        refusal), the scan is not."""
        alert = self.event(
            found.id,
            EventKind.FRAUD_ALERT,
            facility,
            operator,
            note=note,
            extra={"rule": rule, "raw": found.raw},
        )
        self.station.journal.append_in(conn, alert)
        return Outcome.refused(reason, found.id)

    def _wrong_sack(self, conn: sqlite3.Connection, found: Identified, sack: str) -> str | None:
        """The sack destination rule: an item goes only into a sack for its destination ZIP's prefix, an
        item abroad only into the exchange sack for its country (`station.items.sack_destinations`)."""
        if found.kind is IdKind.SSCC:
            inner = containers.sack_record(conn, found.id)
            destination = inner.destination if inner else None
            # A country is a prefix of itself only, and no ZIP prefix starts with a letter.
            if not destination or destination.startswith(sack):
                return None
            shown = sack_destinations.shown(sack)
            return f"WRONG SACK: {found.id} goes to {destination}, this sack is for {shown}"
        record = containers.item_record(conn, found.id)
        to_zip = found.routing_zip or (record.destination_zip if record else None)
        to_country = None
        if to_zip is None:
            accepted = journal.acceptance_extra(conn, found.id)
            country = accepted.get("destination_country") if accepted else None
            to_country = str(country) if country else None
        return sack_destinations.refusal(found.id, sack, to_zip=to_zip, to_country=to_country)

    def event(self, item_id: str, kind: EventKind, facility: str, operator: str, **fields: Any) -> Event:
        """A new event of this station, now."""
        return self.station.event(item_id, kind, facility, operator, **fields)
