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
    """A signed statement: station's chain had `seq` events, the last with `hash`, at `at`."""

    station_id: str
    seq: int
    hash: str
    at: str

    def message(self) -> bytes:
        """What the signature covers."""
        return f"PSCKPT1|{self.station_id}|{self.seq}|{self.hash}|{self.at}".encode()


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

    def write(self, seq: int, digest: str, at: datetime) -> None:
        """Append a signed checkpoint of this station's head (fsynced: it must outlive a crash).

        It runs after the scans it covers were committed and acknowledged: a failure to write it (a full
        disk, a read-only folder) is logged for the maintainer and never turned into a failed scan.
        """
        try:
            self._write(seq, digest, at)
        except OSError as exc:
            log.warning("checkpoint of %s at seq %d not written: %s", self.station_id, seq, exc)

    def _write(self, seq: int, digest: str, at: datetime) -> None:
        if seq <= self.last_seq:
            return
        key = self._key(create=True)
        assert key is not None
        point = Checkpoint(self.station_id, seq, digest, at.isoformat())
        line = {
            "station_id": point.station_id,
            "seq": point.seq,
            "hash": point.hash,
            "at": point.at,
            "signature": base64.b64encode(key.sign(point.message())).decode(),
        }
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.last_seq = seq


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
            point = Checkpoint(str(raw["station_id"]), int(raw["seq"]), str(raw["hash"]), str(raw["at"]))
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
