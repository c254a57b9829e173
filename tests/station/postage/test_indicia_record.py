"""The indicia's record byte by byte, each field at its edges, every refusal in the operator's words, and
the meter key's files: what `./dev mutants` found the round-trip tests let through (a field padded on the
wrong side reads back the same; a length limit one off is never reached by a 13-character S10)."""

from __future__ import annotations

import base64
import re
import struct
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.migrations import open_database
from station.postage.indicia import (
    IndiciaError,
    IndiciaFields,
    MeterKeyError,
    MeterKeys,
    decode,
    sign,
)

KEY = Ed25519PrivateKey.generate()
MAILED = date(2026, 11, 23)  # 9823 days after 2000-01-01


def _payload(raw: bytes) -> str:
    return "PSI1" + base64.b32encode(raw).decode().rstrip("=")


def test_the_record_is_the_documented_bytes() -> None:
    fields = IndiciaFields("M1", 42, MAILED, 3677, "PR", "941", "CA", "EE123456785US")
    # version u8 | meter 8 (space-padded) | piece u32 | days u16 | cents u32 | category 3 (space-padded)
    # | origin 5 | destination 5 (NUL-padded) | tracking length u8 + tracking, written out by hand
    expected = (
        b"\x01"
        + b"M1      "
        + (42).to_bytes(4, "big")
        + (9823).to_bytes(2, "big")
        + (3677).to_bytes(4, "big")
        + b"PR "
        + b"941\x00\x00"
        + b"CA\x00\x00\x00"
        + b"\x0d"
        + b"EE123456785US"
    )
    assert fields.record() == expected
    read, record, signature = decode(sign(fields, KEY))
    assert read == fields and record == expected and len(signature) == 64
    KEY.public_key().verify(signature, record)


def test_fields_are_cut_and_padded_on_the_right_and_read_back_trimmed_on_the_right() -> None:
    fields = IndiciaFields(" M1", 1, MAILED, 1, "ABCD", "941050", "941051", "X")
    record = fields.record()
    assert record[1:9] == b" M1     " and record[19:22] == b"ABC" and record[22:32] == b"9410594105"
    read = decode(sign(fields, KEY))[0]
    assert (read.meter_id, read.category, read.origin_zip, read.destination_zip) == (
        " M1",
        "ABC",
        "94105",
        "94105",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            IndiciaFields("M12345678", 1, MAILED, 1, "PRI", "1", "2", "X"),
            "meter id must be at most 8 ASCII characters",
        ),
        (
            IndiciaFields("MÉTER", 1, MAILED, 1, "PRI", "1", "2", "X"),
            "meter id must be at most 8 ASCII characters",
        ),
        (
            IndiciaFields("M1", 1, MAILED, 1, "PRI", "1", "2", "9" * 41),
            "tracking number too long for an indicia",
        ),
    ],
)
def test_a_record_that_cannot_be_made_is_refused_in_words(fields: IndiciaFields, message: str) -> None:
    with pytest.raises(IndiciaError, match=f"^{re.escape(message)}$"):
        fields.record()


def test_the_longest_meter_id_and_tracking_number_fit() -> None:
    fields = IndiciaFields("M1234567", 1, MAILED, 1, "PRI", "1", "2", "9" * 40)
    assert decode(sign(fields, KEY))[0] == fields


def _raw(version: int = 1, tracking: bytes = b"X", extra: bytes = b"", meter: bytes = b"M1      ") -> bytes:
    head = struct.pack(">B8sIHI3s5s5sB", version, meter, 1, 1, 1, b"PRI", b"94105", b"10001", len(tracking))
    return head + tracking + b"\x00" * 64 + extra


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("XYZ", "not a Parcel Station indicia (expected the PSI1 prefix)"),
        ("PSI1AB1", "indicia damaged: not valid base32"),
        (_payload(_raw()[:-1]), "indicia damaged: wrong length"),
        (_payload(_raw(extra=b"\x00")), "indicia damaged: wrong length"),
        (_payload(b"\x01" * 96), "indicia damaged: too short"),
        (_payload(_raw(version=2)), "unsupported indicia version 2"),
        (_payload(_raw(tracking=b"\xff")), "indicia damaged: text fields are not ASCII"),
        (_payload(_raw(meter=b"M\xe9      ")), "indicia damaged: text fields are not ASCII"),
    ],
)
def test_each_damage_is_named(payload: str, message: str) -> None:
    with pytest.raises(IndiciaError, match=f"^{re.escape(message)}$"):
        decode(payload)


def test_the_shortest_record_is_read() -> None:
    raw = _raw(tracking=b"")  # 97 bytes: the head and the signature, no tracking number
    assert len(raw) == 97
    assert decode(_payload(raw))[0].tracking == ""
    assert decode(" " + _payload(raw).lower() + "\n")[0].tracking == ""  # as a wedge may type it


def test_a_round_one_key_is_moved_into_the_keys_folder_made_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    legacy_key = MeterKeys(open_database(tmp_path / "a.sqlite3"), tmp_path / "elsewhere")
    made, created = legacy_key.init("PS000001")
    assert created
    (tmp_path / "elsewhere" / "meter-PS000001.key").rename(data / "meter-PS000001.key")  # round 1's place
    keys = MeterKeys(open_database(tmp_path / "b.sqlite3"), data / "keys")
    key, created = keys.init("PS000001")
    assert not created and key.private_bytes_raw() == made.private_bytes_raw()  # the same key, moved
    assert not (data / "meter-PS000001.key").exists()
    assert (data / "keys" / "meter-PS000001.key").exists()
    assert (data / "keys").stat().st_mode & 0o777 == 0o700
    assert keys.private_key("PS000001").private_bytes_raw() == made.private_bytes_raw()


def test_a_key_is_never_overwritten_and_the_root_key_is_kept_private(tmp_path: Path) -> None:
    keys = MeterKeys(open_database(tmp_path / "a.sqlite3"), tmp_path / "keys")
    first, created = keys.init("PS000001")
    again, created_again = keys.init("PS000001")
    assert created and not created_again and again.private_bytes_raw() == first.private_bytes_raw()
    assert (tmp_path / "keys" / "operator-root.key").stat().st_mode & 0o777 == 0o600
    root = base64.b64decode((tmp_path / "keys" / "operator-root.pub").read_text(encoding="ascii"))
    assert len(root) == 32
    assert keys.root_public() is not None and keys.public_key("PS000001") is not None
    root_public = keys.root_public()
    assert root_public is not None
    written = (tmp_path / "keys" / "operator-root.pub").read_text(encoding="ascii")
    assert written == base64.b64encode(root_public.public_bytes_raw()).decode() + "\n"  # one line, no more


def test_a_meter_key_of_another_kind_and_a_root_without_its_private_half_are_named(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    keys = MeterKeys(open_database(tmp_path / "a.sqlite3"), tmp_path / "keys")
    (tmp_path / "keys").mkdir()
    wrong = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "keys" / "meter-PS000001.key").write_bytes(wrong)
    with pytest.raises(MeterKeyError, match=r"meter-PS000001\.key is not an Ed25519 key$"):
        keys.init("PS000001")
    enrolled_elsewhere = MeterKeys(open_database(tmp_path / "b.sqlite3"), tmp_path / "operator")
    (tmp_path / "operator").mkdir()
    public = base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()
    (tmp_path / "operator" / "operator-root.pub").write_text(public + "\n", encoding="ascii")
    with pytest.raises(MeterKeyError, match=r"root public key is installed in .* but not its private key"):
        enrolled_elsewhere.init("PS000002")


@pytest.mark.parametrize("country", ["MX", "LU", "XK"])
def test_a_destination_abroad_reads_back_whole_whatever_its_letters(country: str) -> None:
    # `./dev mutants`: trimming the NUL padding with a wider set of characters lost the X of Mexico.
    fields = IndiciaFields("M1", 7, MAILED, 4_250, "INT", "10001", country, "CP100000003US")
    assert decode(sign(fields, KEY))[0] == fields
