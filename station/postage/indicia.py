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
import os
import sqlite3
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from station.db import Database

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


class IndiciaError(ValueError):
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
            origin.decode("ascii"),
            dest.decode("ascii"),
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
    conn.execute("INSERT INTO indicia_seen VALUES (?,?,?,?)", (meter_id, piece, tracking, at))


class MeterKeys:
    """The station's signing key (in the keys folder, 0600) and the registry of meters' public keys."""

    def __init__(self, db: Database, key_dir: Path) -> None:
        self.db = db
        self.key_dir = key_dir

    def private_key(self, meter_id: str) -> Ed25519PrivateKey:
        """This meter's key, created (and its public key registered) on first use."""
        path = self.key_dir / f"meter-{meter_id}.key"
        legacy = self.key_dir.parent / path.name  # round 1 kept the key in the data folder itself
        if not path.exists() and legacy.exists():
            self.key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(legacy, path)
        if path.exists():
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(loaded, Ed25519PrivateKey):
                raise IndiciaError(f"{path} is not an Ed25519 key")
            key = loaded
        else:
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            self.key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
        self.register(meter_id, key.public_key())
        return key

    def register(self, meter_id: str, public: Ed25519PublicKey) -> None:
        """Add (or confirm) a meter's public key in the registry."""
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO meter_public_keys VALUES (?, ?) ON CONFLICT (meter_id) DO NOTHING",
                (meter_id, raw),
            )

    def public_key(self, meter_id: str) -> Ed25519PublicKey | None:
        """A registered meter's public key."""
        with self.db.reading() as conn:
            row = conn.execute(
                "SELECT public_key FROM meter_public_keys WHERE meter_id=?", (meter_id,)
            ).fetchone()
        return Ed25519PublicKey.from_public_bytes(bytes(row[0])) if row else None


def verify_signature(payload: str, keys: MeterKeys) -> IndiciaFields:
    """Decode and check the signature against the registry; IndiciaError names what failed."""
    fields, record, signature = decode(payload)
    public = keys.public_key(fields.meter_id)
    if public is None:
        raise IndiciaError(f"unknown meter {fields.meter_id!r}: not in the registry of meter keys")
    try:
        public.verify(signature, record)
    except InvalidSignature:
        raise IndiciaError("bad signature: the indicia was altered or not made by this meter") from None
    return fields
