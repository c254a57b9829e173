"""Signed postage indicia: what a metered piece carries in its DataMatrix.

Payload text: `PSI1` + RFC 4648 base32 (upper case, no padding) of a compact big-endian record signed
with the meter's Ed25519 key. Base32 keeps the DataMatrix in an alphanumeric character set and
survives keyboard-wedge scanners (no case, no punctuation). Record:

    version u8 | meter id 8 ASCII | piece serial u32 | date u16 (days since 2000-01-01)
    | postage cents u32 | rate category 3 ASCII | origin ZIP 5 | destination ZIP 5
    | tracking length u8 + ASCII | Ed25519 signature (64 bytes) over everything before it
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import sqlite3
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from station.errors import Refused
from station.store.db import Database

PREFIX = "PSI1"
VERSION = 1
EPOCH = date(2000, 1, 1)
_HEAD = struct.Struct(">B8sIHI3s5s5sB")
SIGNATURE_BYTES = 64

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meter_public_keys (
    meter_id   TEXT PRIMARY KEY,
    public_key BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS indicia_seen (
    meter_id   TEXT NOT NULL,
    piece      INTEGER NOT NULL,
    tracking   TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (meter_id, piece)
);
"""


class IndiciaError(Refused):
    """A payload that cannot be read or verified; the message names the check that failed."""


@dataclass(frozen=True)
class IndiciaFields:
    """What an indicia says."""

    meter_id: str
    piece: int
    mailed_on: date
    postage_cents: int
    category: str
    origin_zip: str
    destination_zip: str
    tracking: str
    version: int = VERSION

    def record(self) -> bytes:
        """The signed part."""
        if not (self.meter_id.isascii() and len(self.meter_id) <= 8):
            raise IndiciaError("meter id must be at most 8 ASCII characters")
        days = (self.mailed_on - EPOCH).days
        tracking = self.tracking.encode("ascii")
        if len(tracking) > 40:
            raise IndiciaError("tracking number too long for an indicia")
        return (
            _HEAD.pack(
                self.version,
                self.meter_id.ljust(8).encode(),
                self.piece,
                days,
                self.postage_cents,
                self.category.ljust(3)[:3].encode(),
                self.origin_zip[:5].encode(),
                self.destination_zip[:5].encode(),
                len(tracking),
            )
            + tracking
        )


def sign(fields: IndiciaFields, key: Ed25519PrivateKey) -> str:
    """The payload text for the DataMatrix."""
    record = fields.record()
    return PREFIX + base64.b32encode(record + key.sign(record)).decode().rstrip("=")


def decode(payload: str) -> tuple[IndiciaFields, bytes, bytes]:
    """Fields, the signed record and the signature (not yet verified)."""
    text = payload.strip().upper()
    if not text.startswith(PREFIX):
        raise IndiciaError(f"not a Parcel Station indicia (expected the {PREFIX} prefix)")
    body = text[len(PREFIX) :]
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except binascii.Error:
        raise IndiciaError("indicia damaged: not valid base32") from None
    if len(raw) < _HEAD.size + SIGNATURE_BYTES:
        raise IndiciaError("indicia damaged: too short")
    version, meter, piece, days, cents, category, origin, dest, n = _HEAD.unpack_from(raw)
    if version != VERSION:
        raise IndiciaError(f"unsupported indicia version {version}")
    record_end = _HEAD.size + n
    if len(raw) != record_end + SIGNATURE_BYTES:
        raise IndiciaError("indicia damaged: wrong length")
    try:
        fields = IndiciaFields(
            meter.decode("ascii").rstrip(),
            piece,
            EPOCH + timedelta(days=days),
            cents,
            category.decode("ascii").rstrip(),
            origin.decode("ascii").rstrip("\x00"),
            dest.decode("ascii").rstrip("\x00"),  # a destination abroad is its 2-letter country code
            raw[_HEAD.size : record_end].decode("ascii"),
        )
    except UnicodeDecodeError:
        raise IndiciaError("indicia damaged: text fields are not ASCII") from None
    return fields, raw[:record_end], raw[record_end:]


def piece_use(conn: sqlite3.Connection, meter_id: str, piece: int) -> tuple[str, str] | None:
    """(tracking, first seen) of the item a meter's piece serial paid for, if it was seen before."""
    row = conn.execute(
        "SELECT tracking, first_seen FROM indicia_seen WHERE meter_id=? AND piece=?", (meter_id, piece)
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def record_piece_use(conn: sqlite3.Connection, meter_id: str, piece: int, tracking: str, at: str) -> None:
    """Remember that this piece serial paid for this item (a second item with it is a copied label)."""
    conn.execute(
        "INSERT INTO indicia_seen (meter_id, piece, tracking, first_seen) VALUES (?,?,?,?)",
        (meter_id, piece, tracking, at),
    )


def migrate_v7(conn: sqlite3.Connection) -> None:
    """Schema 7: a piece voided after payment (its postage refunded) is marked, so its label is dead."""
    conn.execute("ALTER TABLE indicia_seen ADD COLUMN voided_at TEXT")


def mark_voided(conn: sqlite3.Connection, meter_id: str, piece: int, at: str) -> bool:
    """The piece's postage was refunded: its indicia is void from now on (False: not known, or void)."""
    return (
        conn.execute(
            "UPDATE indicia_seen SET voided_at = ? WHERE meter_id = ? AND piece = ? AND voided_at IS NULL",
            (at, meter_id, piece),
        ).rowcount
        == 1
    )


def voided_at(conn: sqlite3.Connection, meter_id: str, piece: int) -> str | None:
    """When the piece was voided, if it was."""
    row = conn.execute(
        "SELECT voided_at FROM indicia_seen WHERE meter_id = ? AND piece = ?", (meter_id, piece)
    ).fetchone()
    return str(row[0]) if row and row[0] else None


class MeterKeyError(IndiciaError):
    """The meter's key is missing, not this journal's, or not enrolled: nothing is charged or signed."""


ENROLL_PREFIX = b"PSENROLL1|"
ROOT_PRIVATE, ROOT_PUBLIC = "operator-root.key", "operator-root.pub"


def migrate_v3(conn: sqlite3.Connection) -> None:
    """Schema 3: a meter's public key is trusted only with the operator root's signature over it (the
    root's public key lives outside the database). Keys registered before are enrolled by `meter init`."""
    conn.execute("ALTER TABLE meter_public_keys ADD COLUMN enrollment BLOB")


class MeterKeys:
    """The meter's signing key (a 0600 file in the keys folder, never in the database) and the registry of
    meters' public keys, each trusted only when the postal operator's root key signed its enrollment.

    The root's public key is a file beside the meter keys (`operator-root.pub`), not a database row, so a
    key inserted into the journal's registry cannot make forged indicia verify. Where the operator runs
    its own enrolment, only the public file is installed; a station set up on its own (the demo, a test)
    holds the root's private key too (`operator-root.key`), which `station meter init` creates.
    """

    def __init__(self, db: Database, key_dir: Path) -> None:
        self.db = db
        self.key_dir = key_dir

    def _path(self, meter_id: str) -> Path:
        return self.key_dir / f"meter-{meter_id}.key"

    def init(self, meter_id: str) -> tuple[Ed25519PrivateKey, bool]:
        """The explicit set-up step: create the meter's key if there is none and enrol it in this journal.

        Returns the key and whether it was created now.
        """
        path = self._path(meter_id)
        legacy = self.key_dir.parent / path.name  # round 1 kept the key in the data folder itself
        if not path.exists() and legacy.exists():
            self.key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(legacy, path)
        created = not path.exists()
        key = Ed25519PrivateKey.generate() if created else self._load(path)
        if created:
            self._write_private(path, key)
        root = self._root_private()
        public = _raw(key.public_key())
        enrollment = root.sign(ENROLL_PREFIX + meter_id.encode() + b"|" + public)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO meter_public_keys (meter_id, public_key, enrollment) VALUES (?, ?, ?)"
                " ON CONFLICT (meter_id) DO UPDATE SET public_key=excluded.public_key,"
                " enrollment=excluded.enrollment",
                (meter_id, public, enrollment),
            )
        return key, created

    def private_key(self, meter_id: str) -> Ed25519PrivateKey:
        """This meter's key, when it is present and is the one this journal enrolled (never created here)."""
        path = self._path(meter_id)
        if not path.exists():
            raise MeterKeyError(
                f"meter {meter_id} has no signing key in {self.key_dir}: run `station meter init` (a key is"
                " never made behind the clerk's back)"
            )
        key = self._load(path)
        enrolled = self.public_key(meter_id)
        if enrolled is None or _raw(enrolled) != _raw(key.public_key()):
            raise MeterKeyError(
                f"the key in {path} is not the one this journal enrolled for meter {meter_id}: is --db the"
                " journal of this --home? (`station meter init` enrols it)"
            )
        return key

    def mac_key(self, meter_id: str) -> bytes:
        """The key that seals the meter's registers, derived from its signing key."""
        return register_mac_key(self.private_key(meter_id))

    def public_key(self, meter_id: str) -> Ed25519PublicKey | None:
        """A meter's public key, only when the operator root's signature enrolls it."""
        root = self.root_public()
        if root is None:
            return None
        with self.db.reading() as conn:
            row = conn.execute(
                "SELECT public_key, enrollment FROM meter_public_keys WHERE meter_id=?", (meter_id,)
            ).fetchone()
        if row is None or row[1] is None:
            return None
        try:
            root.verify(bytes(row[1]), ENROLL_PREFIX + meter_id.encode() + b"|" + bytes(row[0]))
        except InvalidSignature:
            return None
        return Ed25519PublicKey.from_public_bytes(bytes(row[0]))

    def root_public(self) -> Ed25519PublicKey | None:
        """The postal operator's root public key (a file apart from the database), if installed."""
        path = self.key_dir / ROOT_PUBLIC
        if not path.exists():
            return None
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(path.read_text(encoding="ascii").strip()))

    def _root_private(self) -> Ed25519PrivateKey:
        path = self.key_dir / ROOT_PRIVATE
        if path.exists():
            return self._load(path)
        if (self.key_dir / ROOT_PUBLIC).exists():
            raise MeterKeyError(
                f"the operator's root public key is installed in {self.key_dir} but not its private key:"
                " the meter is enrolled by the postal operator, not by this station"
            )
        root = Ed25519PrivateKey.generate()
        self._write_private(path, root)
        public = base64.b64encode(_raw(root.public_key())).decode()
        (self.key_dir / ROOT_PUBLIC).write_text(public + "\n", encoding="ascii")
        return root

    def _load(self, path: Path) -> Ed25519PrivateKey:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise MeterKeyError(f"{path} is not an Ed25519 key")
        return loaded

    def _write_private(self, path: Path, key: Ed25519PrivateKey) -> None:
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)


def register_mac_key(key: Ed25519PrivateKey) -> bytes:
    """The key that seals a meter's registers, derived from the meter's signing key."""
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return hashlib.sha256(b"parcel-station register MAC|" + raw).digest()


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify_signature(payload: str, keys: MeterKeys) -> IndiciaFields:
    """Decode and check the signature against the registry; IndiciaError names what failed."""
    fields, record, signature = decode(payload)
    public = keys.public_key(fields.meter_id)
    if public is None:
        raise IndiciaError(
            f"unknown meter {fields.meter_id!r}: no key enrolled by the operator root for it (unknown, forged"
            " or tampered registry)"
        )
    try:
        public.verify(signature, record)
    except InvalidSignature:
        raise IndiciaError("bad signature: the indicia was altered or not made by this meter") from None
    return fields
