"""The case desk: customer service's inquiries and disputes, each about one item.

A case shows what the agent needs in one place: the case and its notes, the item's full history (the
hub's events too, with one), its proof of delivery and the texts sent about it (a delivery code is
never shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.app import Station
from station.desks.outcome import Outcome
from station.desks.track import MAX_NOTE, TrackDesk
from station.ids.scanning import canonical_id
from station.items import photos
from station.items.tracking import TrackingReport
from station.model.events import EventKind
from station.model.localtime import shown_text
from station.network.port import HubPort
from station.notify.outbox import listing as outbox_listing
from station.office import cases
from station.office.cases import Case, CaseKind, CaseState


@dataclass(frozen=True)
class CaseFile:
    """Everything about a case."""

    case: Case
    report: TrackingReport | None
    proof_of_delivery: Path | None
    texts: list[dict[str, Any]]
    door_photo: Path | None = None  # the photo taken at the door, when there is one
    door_photo_problem: str = ""  # why it cannot be trusted (missing, or not what its event hashed)

    def to_json(self) -> dict[str, Any]:
        """`station case show --json`."""
        c = self.case
        return {
            "id": c.id,
            "item": c.item_id,
            "kind": str(c.kind),
            "state": str(c.state),
            "opened_at": c.opened_at,
            "opened_by": c.opened_by,
            "due_at": c.due_at,
            "closed_at": c.closed_at,
            "notes": [{"at": n.at, "by": n.author, "note": n.note} for n in c.notes],
            "history": self.report.to_json()["history"] if self.report else [],
            "proof_of_delivery": str(self.proof_of_delivery) if self.proof_of_delivery else None,
            "door_photo": str(self.door_photo) if self.door_photo else None,
            "door_photo_problem": self.door_photo_problem or None,
            "texts": [{k: t[k] for k in ("template", "state", "body", "sent_at")} for t in self.texts],
        }


class CaseDesk:
    """Cases at one station."""

    def __init__(self, station: Station, hub: HubPort | None = None) -> None:
        self.station = station
        self.tracker = TrackDesk(station, hub)

    def open(self, item: str, kind: str, note: str, *, facility: str, operator: str) -> Outcome:
        """A new case about an item the station (or its network) knows; the first note is required."""
        try:
            chosen = CaseKind(kind)
        except ValueError:
            return Outcome.refused(f"case kind {kind!r}: one of {', '.join(k.value for k in CaseKind)}")
        text = " ".join(note.split())
        if not text:
            return Outcome.refused("say what the customer reports (--note)")
        if len(text) > MAX_NOTE:
            return Outcome.refused(f"a note is at most {MAX_NOTE} characters ({len(text)} given)")
        item_id = canonical_id(item)
        look = self.tracker.look_up(item_id)
        if look.report is None:
            return Outcome.refused(f"unknown id {item!r}: open a case on an item the network has scanned")
        writer = self.tracker.dispute if chosen.is_dispute else self.tracker.note
        journalled = writer(item_id, f"case ({chosen}): {text}", facility=facility, operator=operator)
        if not journalled.ok:
            return journalled
        with self.station.db.transaction() as conn:
            case_id = cases.open_case(conn, look.id, chosen, text, operator, self.station.clock())
            made = cases.get(conn, case_id)
        assert made is not None
        return Outcome(
            True,
            look.id,
            message=f"case {case_id} open ({chosen.words}), due"
            f" {shown_text(made.due_at, self.station.config.time_zone)}",
            details={"case": case_id},
        )

    def note(self, case_id: int, note: str, *, operator: str, waiting: bool = False) -> Outcome:
        """A note; `waiting`: the case now waits for someone (the customer, the depot)."""
        return self._move(case_id, note, operator, CaseState.WAITING if waiting else CaseState.OPEN)

    def resolve(self, case_id: int, note: str, *, operator: str) -> Outcome:
        """Resolved, saying how."""
        return self._move(case_id, note, operator, CaseState.RESOLVED)

    def _move(self, case_id: int, note: str, operator: str, state: CaseState) -> Outcome:
        text = " ".join(note.split())
        if not text:
            return Outcome.refused("write the note first (--note)")
        if len(text) > MAX_NOTE:
            return Outcome.refused(f"a note is at most {MAX_NOTE} characters ({len(text)} given)")
        with self.station.db.transaction() as conn:
            found = cases.get(conn, case_id)
            if found is None:
                return Outcome.refused(f"no case {case_id}")
            if found.state is CaseState.RESOLVED:
                return Outcome.refused(f"case {case_id} is resolved: open a new one", found.item_id)
            cases.add_note(conn, case_id, text, operator, self.station.clock())
            cases.set_state(conn, case_id, state, self.station.clock())
        return Outcome(True, found.item_id, message=f"case {case_id} {state}")

    def listing(self, *, open_only: bool = False) -> list[Case]:
        """Cases, the soonest due first."""
        with self.station.db.reading() as conn:
            return cases.listing(conn, open_only=open_only)

    def show(self, case_id: int) -> CaseFile | Outcome:
        """The case, the item's history, its proof of delivery and its texts."""
        with self.station.db.reading() as conn:
            found = cases.get(conn, case_id)
            texts = [t for t in outbox_listing(conn) if found is not None and t["item_id"] == found.item_id]
        if found is None:
            return Outcome.refused(f"no case {case_id}")
        report = self.tracker.look_up(found.item_id).report
        delivered = report is not None and any(h.event.kind is EventKind.DELIVERED for h in report.history)
        folder = self.station.paths.proofs_of_delivery
        proofs = (
            sorted(folder.glob(f"{found.item_id}*.pdf"), key=lambda p: p.stat().st_mtime) if delivered else []
        )
        photo, problem = None, ""
        named = [
            h.event.extra for h in (report.history if report else []) if h.event.extra.get("photo_sha256")
        ]
        if named:
            ref, digest = str(named[-1].get("photo", "")), str(named[-1]["photo_sha256"])
            try:
                photos.read(self.station.paths.photos, ref, digest)
            except photos.PhotoNotKept as exc:
                problem = str(exc)
            photo = photos.path_of(self.station.paths.photos, ref) if ref.startswith("photo-") else None
        return CaseFile(found, report, proofs[-1] if proofs else None, texts, photo, problem)
