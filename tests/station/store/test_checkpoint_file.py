"""The checkpoint file and key on their own: who may read them, what a line holds, which lines are written
and how each bad line is named. `./dev mutants` found these let through by the journal-level tests (a key
file readable by all, a first checkpoint at seq 1 never written, bad lines numbered from 0)."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from station.store.checkpoints import Checkpoint, CheckpointLog, CheckpointProblem, read_checkpoints

AT = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _umask() -> object:
    old = os.umask(0o022)  # what a station's shell usually has: files 0644 unless the code says otherwise
    yield
    os.umask(old)


def _log(tmp_path: Path) -> CheckpointLog:
    return CheckpointLog(tmp_path / "checkpoints.jsonl", tmp_path / "keys", "STN01")


def test_the_first_checkpoint_is_written_and_each_line_is_canonical_signed_json(tmp_path: Path) -> None:
    log = _log(tmp_path)
    assert log.public_key() is None  # no key until the first checkpoint
    log.write(1, "ab" * 32, AT)
    [line] = (tmp_path / "checkpoints.jsonl").read_text(encoding="utf-8").splitlines()
    raw = json.loads(line)
    assert line == json.dumps(raw, sort_keys=True)  # one canonical form: keys sorted
    assert {k: v for k, v in raw.items() if k != "signature"} == {
        "station_id": "STN01",
        "seq": 1,
        "hash": "ab" * 32,
        "at": "2026-11-23T12:30:00+00:00",
    }
    public = log.public_key()
    assert public is not None
    public.verify(
        base64.b64decode(raw["signature"]), b"PSCKPT1|STN01|1|" + b"ab" * 32 + b"|2026-11-23T12:30:00+00:00"
    )
    assert read_checkpoints(tmp_path / "checkpoints.jsonl", tmp_path / "keys") == (
        [Checkpoint("STN01", 1, "ab" * 32, "2026-11-23T12:30:00+00:00")],
        [],
    )


def test_the_key_and_the_file_are_the_stations_alone(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.write(5, "00" * 32, AT)
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "keys" / "journal-STN01.key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "checkpoints.jsonl").stat().st_mode & 0o777 == 0o600


def test_the_key_folder_is_made_with_its_parents_and_an_existing_one_is_used(tmp_path: Path) -> None:
    deep = CheckpointLog(tmp_path / "c.jsonl", tmp_path / "a" / "b" / "keys", "STN01")
    deep.write(1, "00" * 32, AT)
    assert (tmp_path / "a" / "b" / "keys" / "journal-STN01.key").exists()
    other = CheckpointLog(tmp_path / "c.jsonl", tmp_path / "a" / "b" / "keys", "STN02")  # the folder exists
    signature = other.sign(b"PSTEST|x")
    assert other.public_key() is not None
    other.public_key().verify(signature, b"PSTEST|x")  # type: ignore[union-attr]


def test_only_a_newer_head_is_written(tmp_path: Path) -> None:
    log = _log(tmp_path)
    for seq in (3, 3, 2, 4):
        log.write(seq, f"{seq:02d}" * 32, AT)
    seqs = [json.loads(x)["seq"] for x in (tmp_path / "checkpoints.jsonl").read_text().splitlines()]
    assert seqs == [3, 4]


def test_each_bad_line_is_named_by_its_number_from_one(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.write(1, "00" * 32, AT)
    log.write(2, "11" * 32, AT)
    path = tmp_path / "checkpoints.jsonl"
    good_one, good_two = path.read_text().splitlines()
    edited = json.loads(good_two) | {"seq": 3}
    path.write_bytes(
        b"not json\n"
        + good_one.encode()
        + b"\n\xff\xfe broken bytes\n"
        + json.dumps(edited).encode()
        + b"\n"
        + json.dumps({"station_id": "STN09", "seq": 1, "hash": "x", "at": "y", "signature": "AAAA"}).encode()
        + b"\n"
        + good_one.encode()  # a good line after every kind of bad one is still read
        + b"\n"
    )
    good, bad = read_checkpoints(path, tmp_path / "keys")
    assert good == [Checkpoint("STN01", 1, "00" * 32, "2026-11-23T12:30:00+00:00")] * 2
    assert bad == [
        CheckpointProblem("?", 0, "checkpoints.jsonl line 1 is not a checkpoint"),
        CheckpointProblem("?", 0, "checkpoints.jsonl line 3 is not a checkpoint"),
        CheckpointProblem(
            "STN01", 3, "checkpoints.jsonl line 4 is not signed by this station's checkpoint key (edited)"
        ),
        CheckpointProblem("STN09", 1, "the checkpoint key is missing: not checked"),
    ]


def test_no_file_is_no_checkpoints(tmp_path: Path) -> None:
    assert read_checkpoints(tmp_path / "none.jsonl", tmp_path / "keys") == ([], [])


def test_a_key_of_another_kind_is_no_checkpoint_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    log = _log(tmp_path)
    (tmp_path / "keys").mkdir()
    other = ec.generate_private_key(ec.SECP256R1())  # a real key, but not the Ed25519 a checkpoint needs
    (tmp_path / "keys" / "journal-STN01.key").write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    assert log.public_key() is None
