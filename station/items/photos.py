"""Door photos kept beside the proofs of delivery: one JPEG per delivery, readable by the owner only,
named by a reference that the delivery event carries with the photo's SHA-256. The event is in the hash
chain, so a photo swapped afterwards no longer matches its hash, and `journal verify` says so.

The pixels are not this module's business (the camera driver blurs the faces and shrinks the JPEG);
this module keeps the bytes it is given, and checks that they are a JPEG no larger than a door photo.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from station.errors import Refused
from station.paths import write_new_private
from station.store import journal

# Version 25: which door photos the hub holds (the tracking page shows them behind the postcode).
SCHEMA_V25 = """
CREATE TABLE IF NOT EXISTS photos_at_hub (
    ref       TEXT PRIMARY KEY,
    pushed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS photos_looked_through (
    seq INTEGER NOT NULL  -- this station's events up to here were looked through for photos to hand over
);
"""
MAX_BYTES = 200_000
JPEG_START = b"\xff\xd8\xff"


class PhotoNotKept(Refused):
    """The photo cannot be kept; the message says why."""


@dataclass(frozen=True, slots=True)
class KeptPhoto:
    """A stored photo: its reference and the SHA-256 the delivery event carries."""

    ref: str
    sha256: str

    def extra(self) -> dict[str, str]:
        """The delivery event's fields for it."""
        return {"photo": self.ref, "photo_sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class PhotoProblem:
    """A journalled photo that is missing or does not match its hash."""

    item_id: str
    ref: str
    problem: str


def keep(jpeg: bytes, folder: Path) -> KeptPhoto:
    """Store `jpeg` under a new reference (never over another)."""
    if not jpeg.startswith(JPEG_START):
        raise PhotoNotKept("the door photo is not a JPEG")
    if len(jpeg) > MAX_BYTES:
        raise PhotoNotKept(f"the door photo is {len(jpeg):,} bytes: at most {MAX_BYTES:,}")
    try:
        with Image.open(io.BytesIO(jpeg)) as picture:  # whole, not just its first bytes: the proof draws it
            picture.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        raise PhotoNotKept("the door photo is not a picture the station can read") from None
    ref = f"photo-{uuid.uuid4()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_new_private(folder / f"{ref}.jpg", jpeg)
    return KeptPhoto(ref, hashlib.sha256(jpeg).hexdigest())


def path_of(folder: Path, ref: str) -> Path:
    """Where the photo of `ref` is (a reference never names a folder)."""
    if not ref.startswith("photo-") or "/" in ref or ".." in ref:
        raise PhotoNotKept(f"not a photo reference: {ref[:60]!r}")
    return folder / f"{ref}.jpg"


def read(folder: Path, ref: str, sha256: str) -> bytes:
    """The photo's bytes, checked against the hash its event carries."""
    try:
        data = path_of(folder, ref).read_bytes()
    except OSError:
        raise PhotoNotKept(f"the photo {ref} is missing from {folder}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PhotoNotKept(f"the photo {ref} does not match the hash in its delivery event (swapped?)")
    return data


def check_all(conn: sqlite3.Connection, folder: Path) -> tuple[int, list[PhotoProblem]]:
    """Every photo the journal names, against its hash: (how many were checked, what is wrong)."""
    problems: list[PhotoProblem] = []
    checked = 0
    for item_id, fields in journal.extras_naming(conn, "photo_sha256"):
        ref, digest = str(fields.get("photo", "")), str(fields.get("photo_sha256", ""))
        checked += 1
        try:
            read(folder, ref, digest)
        except PhotoNotKept as exc:
            problems.append(PhotoProblem(str(item_id), ref, str(exc)))
    return checked, problems


def waiting_for_hub(conn: sqlite3.Connection, station_id: str, pushed_seq: int) -> list[tuple[str, str, str]]:
    """(item, reference, SHA-256) of this station's door photos whose events the hub holds and whose bytes
    it does not yet: only the events since those last looked through are read (a sync every 2 s never
    reads the whole journal)."""
    row = conn.execute("SELECT max(seq) FROM photos_looked_through").fetchone()
    after = int(row[0]) if row and row[0] is not None else 0
    found = journal.own_photos(conn, station_id, pushed_seq, after)
    if not found:
        return []
    sent = {str(r[0]) for r in conn.execute("SELECT ref FROM photos_at_hub")}
    return [p for p in found if p[1] not in sent]


def looked_through(conn: sqlite3.Connection, seq: int) -> None:
    """Every photo of this station's events up to `seq` is at the hub (or given up): not read again."""
    conn.execute("DELETE FROM photos_looked_through")
    conn.execute("INSERT INTO photos_looked_through (seq) VALUES (?)", (seq,))


def mark_at_hub(conn: sqlite3.Connection, ref: str, at: str) -> None:
    """The hub holds the photo (or refused it for good: it is not offered again)."""
    conn.execute(
        "INSERT INTO photos_at_hub (ref, pushed_at) VALUES (?, ?) ON CONFLICT (ref) DO NOTHING", (ref, at)
    )
