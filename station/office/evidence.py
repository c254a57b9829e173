"""Evidence a postmaster can check alone: a self-contained bundle of some days of a station's records,
and its verification on another machine with nothing but the station program.

The bundle (a zip) holds:
- `journal.jsonl`: this station's chain from the signed checkpoint before the first day (or from its
  first event) to the last event of the last day: each event's exact hashed text, its hash and the
  hash before it, so every hash can be recomputed;
- `checkpoints.jsonl`: the station's signed checkpoints within that stretch;
- `meter.jsonl`: the meter's register log for the days (every debit, credit and refund, the
  registers after each);
- `till.jsonl`: the days' till reports as they were closed, and any reopenings;
- `manifest.json`: the station, the days, its time zone, the SHA-256 of each file, and the public
  keys (the checkpoint key, the meter's indicia key); `manifest.sig` signs it with the checkpoint key.

`verify` checks the signature, every file against the manifest, every hash of the chain and its link
to the anchoring checkpoint, every checkpoint's signature and hash, and each closed day's figures
(pieces and postage accepted, the meter's debits) against the journal and the meter log. It prints
the keys' fingerprints for the postmaster to compare with the ones noted when the station was set
up: a bundle signed by another key verifies against that key only.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from station.errors import Refused
from station.model.events import EventKind
from station.office.till import bounds
from station.store.checkpoints import Checkpoint
from station.store.journal import GENESIS, ChainLink

FORMAT = "parcel-station-evidence/1"
SIGNED = b"PSEVID1|"  # what the manifest's signature covers: this tag and the manifest's SHA-256
FILES = ("journal.jsonl", "checkpoints.jsonl", "meter.jsonl", "till.jsonl")


class EvidenceRefused(Refused):
    """The bundle cannot be made (no records in the days, no checkpoint key) or read at all."""


def fingerprint(public: Ed25519PublicKey) -> str:
    """`SHA256:` and the base64 of the SHA-256 of the raw key, as ssh-keygen shows keys."""
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def _raw(public: Ed25519PublicKey) -> str:
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows).encode()


@dataclass(frozen=True)
class Records:
    """What the desk read for the bundle."""

    station_id: str
    first_day: date
    last_day: date
    time_zone: str
    links: list[ChainLink]
    checkpoints: list[dict[str, Any]]  # the checkpoint file's lines (signature included)
    meter: list[dict[str, Any]]
    till: list[dict[str, Any]]
    checkpoint_key: Ed25519PublicKey
    meter_keys: dict[str, Ed25519PublicKey]


def bundle(records: Records, sign: Callable[[bytes], bytes], made_at: datetime) -> bytes:
    """The zip's bytes, its manifest signed with `sign` (the checkpoint key)."""
    files = {
        "journal.jsonl": _jsonl(
            [{"seq": k.seq, "prev_hash": k.prev_hash, "hash": k.hash, "body": k.body} for k in records.links]
        ),
        "checkpoints.jsonl": _jsonl(records.checkpoints),
        "meter.jsonl": _jsonl(records.meter),
        "till.jsonl": _jsonl(records.till),
    }
    manifest = {
        "format": FORMAT,
        "station_id": records.station_id,
        "from": records.first_day.isoformat(),
        "to": records.last_day.isoformat(),
        "time_zone": records.time_zone,
        "made_at": made_at.isoformat(),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        "keys": {
            "checkpoint": _raw(records.checkpoint_key),
            "meters": {meter_id: _raw(key) for meter_id, key in records.meter_keys.items()},
        },
    }
    text = json.dumps(manifest, sort_keys=True, indent=1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", text)
        z.writestr("manifest.sig", base64.b64encode(sign(SIGNED + hashlib.sha256(text).digest())))
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


@dataclass
class Verdict:
    """What `verify` found: the keys to compare, what agrees, and every problem."""

    station_id: str = "?"
    days: str = ""
    fingerprints: dict[str, str] = field(default_factory=dict)
    events: int = 0
    checkpoints: int = 0
    days_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"evidence of station {self.station_id}, {self.days}"]
        out += [f"  key {name}: {value}" for name, value in self.fingerprints.items()]
        out.append(
            f"  {self.events} events chained, {self.checkpoints} signed checkpoints, {self.days_checked}"
            " closed days' figures checked against them"
        )
        out += [f"  ! {p}" for p in self.problems]
        out.append("VERIFIED: compare the key fingerprints with the station's" if self.ok else "NOT VERIFIED")
        return out


def verify(data: bytes) -> Verdict:
    """Check a bundle with nothing but itself (see the module)."""
    verdict = Verdict()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            contents = {name: z.read(name) for name in z.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EvidenceRefused(f"not an evidence bundle: {exc}") from None
    try:
        text = contents["manifest.json"]
        manifest = json.loads(text)
        signature = base64.b64decode(contents["manifest.sig"], validate=True)
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(manifest["keys"]["checkpoint"]))
        meters = {
            m: Ed25519PublicKey.from_public_bytes(base64.b64decode(k))
            for m, k in manifest["keys"]["meters"].items()
        }
    except (KeyError, ValueError, TypeError) as exc:
        raise EvidenceRefused(
            f"not an evidence bundle: its manifest is missing or unreadable ({exc})"
        ) from None
    if manifest.get("format") != FORMAT:
        raise EvidenceRefused(f"not an evidence bundle of this kind ({manifest.get('format')!r})")
    verdict.station_id = str(manifest["station_id"])
    verdict.days = f"{manifest['from']} to {manifest['to']}"
    verdict.fingerprints["checkpoint (signs the manifest and the checkpoints)"] = fingerprint(key)
    for meter_id, meter_key in meters.items():
        verdict.fingerprints[f"meter {meter_id} (signs the indicia)"] = fingerprint(meter_key)
    try:
        key.verify(signature, SIGNED + hashlib.sha256(text).digest())
    except InvalidSignature:
        verdict.problems.append(
            "the manifest is not signed by the checkpoint key it names: edited after export"
        )
    for name in FILES:
        if name not in contents:
            verdict.problems.append(f"{name} is missing")
        elif hashlib.sha256(contents[name]).hexdigest() != manifest["files"].get(name):
            verdict.problems.append(f"{name} is not the file the manifest signed: edited")
    if any(name not in contents for name in FILES):
        return verdict
    try:
        links = [json.loads(line) for line in contents["journal.jsonl"].decode().splitlines() if line]
        points = [json.loads(line) for line in contents["checkpoints.jsonl"].decode().splitlines() if line]
        meter = [json.loads(line) for line in contents["meter.jsonl"].decode().splitlines() if line]
        tills = [json.loads(line) for line in contents["till.jsonl"].decode().splitlines() if line]
    except (ValueError, UnicodeDecodeError) as exc:
        verdict.problems.append(f"a file of the bundle is not JSON lines: {exc}")
        return verdict
    _check_chain(verdict, links, points, key)
    _check_days(verdict, links, meter, tills, str(manifest.get("time_zone", "")))
    return verdict


def _check_chain(
    verdict: Verdict, links: list[dict[str, Any]], points: list[dict[str, Any]], key: Ed25519PublicKey
) -> None:
    by_seq: dict[int, str] = {}
    signed: dict[int, str] = {}
    for raw in points:
        point = Checkpoint.from_json(raw)
        try:
            key.verify(base64.b64decode(raw["signature"]), point.message())
        except (InvalidSignature, ValueError):
            verdict.problems.append(
                f"the checkpoint at seq {point.seq} is not signed by the station's key: edited"
            )
            continue
        signed[point.seq] = point.hash
        verdict.checkpoints += 1
    previous: tuple[int, str] | None = None
    for link in links:
        seq, prev, digest, body = (
            int(link["seq"]),
            str(link["prev_hash"]),
            str(link["hash"]),
            str(link["body"]),
        )
        if hashlib.sha256(f"{prev}|{seq}|{body}".encode()).hexdigest() != digest:
            verdict.problems.append(f"event {seq} does not hash to its hash: its text was edited")
        if previous is None:
            anchored = (seq == 1 and prev == GENESIS) or signed.get(seq - 1) == prev
            if not anchored:
                verdict.problems.append(
                    f"the first event ({seq}) follows no signed checkpoint: its past is unproven"
                )
        elif seq != previous[0] + 1 or prev != previous[1]:
            verdict.problems.append(f"event {seq} does not follow event {previous[0]}: the chain is broken")
        previous = (seq, digest)
        by_seq[seq] = digest
        verdict.events += 1
    for seq, digest in signed.items():
        if seq in by_seq and by_seq[seq] != digest:
            verdict.problems.append(f"the journal's event {seq} is not the one its signed checkpoint names")


def _check_days(
    verdict: Verdict,
    links: list[dict[str, Any]],
    meter: list[dict[str, Any]],
    tills: list[dict[str, Any]],
    zone: str,
) -> None:
    bodies = [json.loads(str(link["body"])) for link in links]
    for till in tills:
        if till.get("kind") != "closed":
            continue
        report = json.loads(till["report"])
        day = date.fromisoformat(str(till["day"]))
        start, end = bounds(day, zone)
        accepted = [
            b
            for b in bodies
            if b.get("kind") == EventKind.ACCEPTANCE
            and start <= datetime.fromisoformat(b["occurred_at"]) < end
        ]
        pieces = sum(int(row["pieces"]) for row in report["pieces_by_service"].values())
        postage = sum(int(row["postage_cents"]) for row in report["pieces_by_service"].values())
        charged = sum(int(b.get("extra", {}).get("postage_cents", 0)) for b in accepted)
        if pieces != len(accepted) or postage != charged:
            verdict.problems.append(
                f"the till of {day} says {pieces} pieces for {postage} cents; the journal has {len(accepted)}"
                f" acceptances for {charged} cents"
            )
        debits = sum(
            int(line["cents"])
            for line in meter
            if line["kind"] == "debit" and line["at"] and start <= datetime.fromisoformat(line["at"]) < end
        )
        if int(report["meter"].get("debits_cents", 0)) != debits:
            verdict.problems.append(
                f"the till of {day} says the meter was debited {report['meter'].get('debits_cents')} cents;"
                f" the meter's log has {debits}"
            )
        verdict.days_checked += 1
