"""One tracking event's evidence, as the tracking page hands it to a customer, checked offline.

The evidence says: this event (station, place in its chain, hash, the hash before it) is one of the
hashes a signed checkpoint of that station covers. The checkpoint (version 2) signs the station's head
and the SHA-256 of the hashes of its last 100 events, one per line; the evidence carries those hashes,
so the check needs no other event's text (no other customer's data), only:
- the hashes hash to the checkpoint's span, the last of them is the checkpoint's head;
- the event's hash is the one at its place, and the hash before it the one before that;
- the checkpoint's signature verifies with the station's key, whose fingerprint is printed to compare
  with the one the station's postmaster publishes (a hub could sign with a key of its own, not with
  the station's).

What it does not prove: that the event's words (kind, time, place) are what that hash covers; the
hashed text holds staff and customers' details, and stays in the station's journal and at the hub.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from station.errors import Refused
from station.office.evidence import fingerprint
from station.store.checkpoints import Checkpoint, span_digest

FORMAT = "parcel-station-event-evidence/1"


class EventEvidenceRefused(Refused):
    """The file is not an event's evidence at all (the message says why)."""


@dataclass
class EventVerdict:
    """What the check found."""

    item_id: str = ""
    station_id: str = ""
    seq: int = 0
    fingerprint: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every check agrees."""
        return not self.problems

    def lines(self) -> list[str]:
        """What `station evidence verify-event` prints."""
        which = f"event {self.seq} of station {self.station_id} ({self.item_id})"
        head = f"OK {which} is under its signed checkpoint" if self.ok else f"FAILED {which}"
        key = self.fingerprint or "unreadable"
        return [
            head,
            *[f"  {p}" for p in self.problems],
            f"  station's checkpoint key: {key} (compare with the one its postmaster publishes)",
        ]


def verify(data: dict[str, Any]) -> EventVerdict:
    """Check one event's evidence (the JSON the tracking page gives)."""
    try:
        if data.get("format") != FORMAT:
            raise EventEvidenceRefused(f"not an event's evidence (format {data.get('format')!r})")
        event, span, raw_point = data["event"], data["span"], data["checkpoint"]
        point = Checkpoint.from_json(raw_point)
        hashes = [str(h) for h in span["hashes"]]
        first, seq = int(span["from"]), int(event["seq"])
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(str(data["public_key"]), validate=True))
        signature = base64.b64decode(str(raw_point["signature"]), validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, EventEvidenceRefused):
            raise
        raise EventEvidenceRefused(f"the evidence is incomplete or malformed: {exc}") from None
    verdict = EventVerdict(
        str(data.get("item_id", "")), str(event.get("station_id", "")), seq, fingerprint(key)
    )
    problems = verdict.problems
    if point.station_id != verdict.station_id:
        problems.append(f"the checkpoint is of station {point.station_id}, the event of {verdict.station_id}")
    if first != point.span_from or len(hashes) != point.seq - point.span_from + 1:
        problems.append("the hashes are not the run of events the checkpoint covers")
    elif span_digest(hashes) != point.span:
        problems.append("the hashes do not hash to the checkpoint's span: one of them was changed")
    elif hashes[-1] != point.hash:
        problems.append("the last hash is not the checkpoint's head")
    if not first <= seq <= point.seq:
        problems.append(f"event {seq} is outside the checkpoint's events {first} to {point.seq}")
    elif hashes and len(hashes) > seq - first:
        if hashes[seq - first] != event.get("hash"):
            problems.append(f"the hash at place {seq} is not the event's hash")
        if seq > first and hashes[seq - first - 1] != event.get("prev_hash"):
            problems.append("the event's previous hash is not the hash before it in the chain")
    try:
        key.verify(signature, point.message())
    except InvalidSignature:
        problems.append("the checkpoint is not signed by this key: the evidence was edited")
    return verdict


def verify_file(path: Path) -> EventVerdict:
    """Check an evidence file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EventEvidenceRefused(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise EventEvidenceRefused(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise EventEvidenceRefused(f"{path} is not an event's evidence")
    return verify(data)
