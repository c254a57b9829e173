"""Signed checkpoints of each journal chain's head: what makes a shortened or rewritten journal visible.

The hash chain proves order, not completeness: delete the newest events, or rewrite one and recompute
every hash after it, and the chain still verifies. So the station signs its chain head (station id,
sequence number, hash, time) with an Ed25519 key kept in the keys folder, not in the database, and
appends it to `checkpoints.jsonl` beside the database, at least every 100 events, at the end of every
`station scan` run and when a station closes cleanly. `journal verify` then reports a journal shorter
than its newest checkpoint, and any chain whose event at a checkpoint's sequence number has another hash.

What this cannot see (and the network hub, the outside witness, will): events removed after the newest
checkpoint (at most 99, or those since the last clean stop) together with that tail of the file, and
anything done by someone who holds both the database and the checkpoint key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EVERY = 100  # events between checkpoints
FILE_NAME = "checkpoints.jsonl"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement: station's chain had `seq` events, the last with `hash`, at `at`; and (version
    2) the SHA-256 `span` of the hashes of its events `span_from` to `seq`, one per line, so that each of
    those events can be shown to be under this signature by its hash alone, without the text of any
    other event (the tracking page's evidence: `span_digest`)."""

    station_id: str
    seq: int
    hash: str
    at: str
    span_from: int = 0
    span: str = ""

    def message(self) -> bytes:
        """What the signature covers."""
        head = f"{self.station_id}|{self.seq}|{self.hash}|{self.at}"
        if self.span:
            return f"PSCKPT2|{head}|{self.span_from}|{self.span}".encode()
        return f"PSCKPT1|{head}".encode()

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> Checkpoint:
        """A checkpoint as its file line holds it (version 1 lines have no span)."""
        return cls(
            str(raw["station_id"]),
            int(str(raw["seq"])),
            str(raw["hash"]),
            str(raw["at"]),
            int(str(raw.get("span_from") or 0)),
            str(raw.get("span") or ""),
        )


def span_digest(hashes: list[str]) -> str:
    """The SHA-256 of a run of consecutive event hashes, one per line (a checkpoint's `span`)."""
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


class CheckpointLog:
    """The checkpoint file and its signing key."""

    def __init__(self, path: Path, key_dir: Path, station_id: str) -> None:
        self.path = path
        self.key_path = key_dir / f"journal-{station_id}.key"
        self.station_id = station_id
        self.last_seq = 0

    def _key(self, create: bool) -> Ed25519PrivateKey | None:
        if self.key_path.exists():
            loaded = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
            return loaded if isinstance(loaded, Ed25519PrivateKey) else None
        if not create:
            return None
        key = Ed25519PrivateKey.generate()
        self.key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        return key

    def public_key(self) -> Ed25519PublicKey | None:
        """The checkpoint key's public half (None before the first checkpoint made the key)."""
        key = self._key(create=False)
        return key.public_key() if key is not None else None

    def sign(self, message: bytes) -> bytes:
        """A signature by this station's checkpoint key (made if it does not exist yet). Callers prefix
        their messages with their own tag, so no signature can pass for a checkpoint's."""
        key = self._key(create=True)
        assert key is not None
        return key.sign(message)

    def write(self, seq: int, digest: str, at: datetime, span: tuple[int, list[str]] | None = None) -> None:
        """Append a signed checkpoint of this station's head (fsynced: it must outlive a crash).

        It runs after the scans it covers were committed and acknowledged: a failure to write it (a full
        disk, a read-only folder) is logged for the maintainer and never turned into a failed scan.
        """
        try:
            self._write(seq, digest, at, span)
        except OSError as exc:
            log.warning("checkpoint of %s at seq %d not written: %s", self.station_id, seq, exc)

    def _write(self, seq: int, digest: str, at: datetime, span: tuple[int, list[str]] | None) -> None:
        if seq <= self.last_seq:
            return
        key = self._key(create=True)
        assert key is not None
        first, hashes = span if span and span[1] and span[1][-1] == digest else (0, [])
        point = Checkpoint(
            self.station_id, seq, digest, at.isoformat(), first, span_digest(hashes) if hashes else ""
        )
        line: dict[str, object] = {
            "station_id": point.station_id,
            "seq": point.seq,
            "hash": point.hash,
            "at": point.at,
            "signature": base64.b64encode(key.sign(point.message())).decode(),
        }
        if point.span:
            line |= {"span_from": point.span_from, "span": point.span}
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.last_seq = seq


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A version-2 checkpoint line as the hub takes it: the checkpoint and its signature (base64)."""

    point: Checkpoint
    signature: str


def signed_since(log: CheckpointLog, after_seq: int) -> list[SignedCheckpoint]:
    """This station's version-2 checkpoints after `after_seq` whose signature its key verifies, in order."""
    key = log.public_key()
    if key is None or not log.path.exists():
        return []
    found: dict[int, SignedCheckpoint] = {}
    for text in log.path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            raw = json.loads(text)
            point = Checkpoint.from_json(raw)
            signature = str(raw["signature"])
            key.verify(base64.b64decode(signature, validate=True), point.message())
        except (ValueError, KeyError, TypeError, InvalidSignature):
            continue
        if point.station_id == log.station_id and point.span and point.seq > after_seq:
            found.setdefault(point.seq, SignedCheckpoint(point, signature))
    return [found[seq] for seq in sorted(found)]


def public_key_text(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64 (as the hub pins it and the evidence carries it)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


@dataclass(frozen=True, slots=True)
class CheckpointProblem:
    """What a checkpoint says that the journal contradicts."""

    station_id: str
    seq: int
    problem: str


def read_checkpoints(path: Path, key_dir: Path) -> tuple[list[Checkpoint], list[CheckpointProblem]]:
    """Every checkpoint whose signature verifies, and the lines that do not."""
    if not path.exists():
        return [], []
    good: list[Checkpoint] = []
    bad: list[CheckpointProblem] = []
    keys: dict[str, object] = {}
    for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        try:
            raw = json.loads(text)
            point = Checkpoint.from_json(raw)
            signature = base64.b64decode(raw["signature"], validate=True)
        except (ValueError, KeyError, TypeError):
            bad.append(CheckpointProblem("?", 0, f"{path.name} line {number} is not a checkpoint"))
            continue
        if point.station_id not in keys:
            keys[point.station_id] = CheckpointLog(path, key_dir, point.station_id)._key(create=False)
        key = keys[point.station_id]
        if not isinstance(key, Ed25519PrivateKey):
            bad.append(
                CheckpointProblem(point.station_id, point.seq, "the checkpoint key is missing: not checked")
            )
            continue
        try:
            key.public_key().verify(signature, point.message())
        except InvalidSignature:
            bad.append(
                CheckpointProblem(
                    point.station_id,
                    point.seq,
                    f"{path.name} line {number} is not signed by this station's checkpoint key (edited)",
                )
            )
            continue
        good.append(point)
    return good, bad
