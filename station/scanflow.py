"""The one path every scan takes: normalise, validate against what the station knows, journal, answer.

Serial scanners, keyboard wedges, webcams and `station scan` all call `ScanDesk.record`. The answer
(`ScanOutcome`) is returned only after the event is committed, so a green banner or an `OK` line
always means the scan is on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from station import containers
from station.app import Station
from station.events import Event, EventError, EventKind, StoredEvent
from station.scanning import Identified, IdKind, Rejected, classify

# Kinds that a sack (SSCC) may receive itself; item kinds need an S10 or IMpb.
SACK_KINDS = {
    EventKind.SORT_IN,
    EventKind.SACK_CLOSE,
    EventKind.DISPATCH,
    EventKind.ARRIVAL,
    EventKind.DELIVERY_OFFICE,
}
ITEM_ONLY_KINDS = {
    EventKind.ACCEPTANCE,
    EventKind.OUT_FOR_DELIVERY,
    EventKind.DELIVERED,
    EventKind.ATTEMPTED,
    EventKind.RETURNED,
}


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """The answer to one scan: OK with the id (and a warning worth showing), or the reason it was refused."""

    ok: bool
    id: str | None
    reason: str | None = None
    stored: StoredEvent | None = None
    warning: str | None = None
    identified: Identified | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> str:
        """The `station scan` output line (a warning is reported separately, see `station scan`)."""
        return f"OK {self.id}" if self.ok else f"REJECT {self.reason}"


# An indicia handler verifies a scanned postage indicia (the postage component installs one).
IndiciaHandler = Callable[[Identified, EventKind, str, str], ScanOutcome]


class ScanDesk:
    """Records scans for one station."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.indicia_handlers: list[IndiciaHandler] = []
        from station.postage.checks import install_indicia_checks  # postage imports this module

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
    ) -> ScanOutcome:
        """Classify one raw scan and, when it is acceptable here, journal it."""
        found = classify(raw)
        if isinstance(found, Rejected):
            return ScanOutcome(False, None, found.reason)
        if found.kind is IdKind.INDICIA:
            if not self.indicia_handlers:
                return ScanOutcome(False, None, "postage indicia scanned: scan the item's tracking barcode")
            return self.indicia_handlers[0](found, kind, facility, operator)
        if found.kind is IdKind.OTHER:
            return ScanOutcome(
                False, None, f"not a postal item or sack id: {found.id[:40]}", identified=found
            )
        if found.kind is IdKind.SSCC and kind not in SACK_KINDS:
            return ScanOutcome(
                False, found.id, f"{found.id} is a sack (SSCC): scan the item itself for {kind}"
            )
        if kind is EventKind.SACK_CLOSE and found.kind is not IdKind.SSCC:
            return ScanOutcome(
                False, found.id, f"{found.id} is an item, not a sack: scan the sack tag to close it"
            )

        sack = None
        if container_id is not None:
            sack_found = classify(container_id)
            if isinstance(sack_found, Rejected):
                return ScanOutcome(False, found.id, f"sack id: {sack_found.reason}")
            if sack_found.kind is not IdKind.SSCC:
                return ScanOutcome(
                    False, found.id, f"sack id must be an SSCC (GS1 AI 00), not {sack_found.kind}"
                )
            sack = sack_found.id
            if sack == found.id:
                return ScanOutcome(False, found.id, "a sack cannot go into itself")
        if kind is EventKind.SORT_IN and sack is None:
            return ScanOutcome(False, found.id, "no sack open: scan or create a sack tag first")
        extra_fields = dict(extra or {})
        if found.routing_zip and kind is EventKind.ACCEPTANCE:
            extra_fields.setdefault("routing_zip", found.routing_zip)

        db = self.station.db
        with db.transaction() as conn:
            warning = None
            if kind is EventKind.SORT_IN and sack is not None:
                state = containers.sack_state(conn, sack)
                if state not in (None, "open"):
                    return ScanOutcome(False, found.id, f"sack {sack} is {state}: open a new sack")
                current = containers.sack_of(conn, found.id)
                if current == sack:
                    return ScanOutcome(False, found.id, f"duplicate: {found.id} is already in this sack")
                if current is not None:
                    return ScanOutcome(
                        False, found.id, f"{found.id} is in sack {current}: remove it from that sack first"
                    )
            if kind is EventKind.SACK_CLOSE and containers.sack_state(conn, found.id) != "open":
                return ScanOutcome(
                    False, found.id, f"sack {found.id} is not open here (nothing sorted into it)"
                )
            previous = conn.execute(
                "SELECT status, accepted, changed_at, facility FROM item_status WHERE item_id=?", (found.id,)
            ).fetchone()
            if kind is EventKind.ACCEPTANCE and previous is not None and previous["accepted"]:
                alert = self._event(
                    found.id,
                    EventKind.FRAUD_ALERT,
                    facility,
                    operator,
                    note=f"acceptance refused: already accepted at {previous['facility']}",
                    extra={"rule": "duplicate-id", "raw": found.raw},
                )
                self.station.journal.append_in(conn, alert)
                return ScanOutcome(
                    False,
                    found.id,
                    f"{found.id} already accepted at {previous['facility']}: duplicate id, fraud alert",
                )
            if previous is not None and previous["status"] == "delivered" and kind in ITEM_ONLY_KINDS:
                warning = f"{found.id} was already delivered"
            try:
                event = self._event(
                    found.id,
                    kind,
                    facility,
                    operator,
                    container_id=sack,
                    weight_g=weight_g,
                    reason=reason,
                    signature_ref=signature_ref,
                    note=note,
                    extra=extra_fields,
                )
            except EventError as exc:
                return ScanOutcome(False, found.id, str(exc))
            stored = self.station.journal.append_in(conn, event)
        return ScanOutcome(True, found.id, stored=stored, warning=warning, identified=found)

    def _event(self, item_id: str, kind: EventKind, facility: str, operator: str, **fields: Any) -> Event:
        return Event.new(
            item_id,
            kind,
            facility=facility,
            station_id=self.station.station_id,
            operator=operator,
            at=self.station.clock(),
            **fields,
        )
