"""One event's evidence (issue 32), checked offline: the event's hash is at its place among the hashes a
version-2 checkpoint signs; any hash changed, the signature or the key swapped, the event moved, and the
check fails saying what."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.app import Station
from station.desks.scan import ScanDesk
from station.ids import S10
from station.model.events import EventKind
from station.office.event_evidence import FORMAT, EventEvidenceRefused, verify
from station.office.evidence import fingerprint
from station.store.checkpoints import public_key_text, signed_since
from tests.cli_runner import run_station


def _events(station: Station, n: int) -> None:
    desk = ScanDesk(station)
    for serial in range(1, n + 1):
        assert desk.record(
            S10.build("CP", serial, "US").text, EventKind.ACCEPTANCE, facility="F", operator="o"
        ).ok


def _evidence(station: Station, seq: int) -> dict[str, Any]:
    """What the hub's web app hands out, built from the station's own journal and checkpoint file."""
    log = station.journal.checkpoints
    assert log is not None
    signed = next(c for c in signed_since(log, 0) if c.point.span_from <= seq <= c.point.seq)
    point = signed.point
    with station.db.reading() as conn:
        rows = conn.execute(
            "SELECT seq, hash, prev_hash FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq",
            (point.span_from, point.seq),
        ).fetchall()
    mine = next(r for r in rows if r[0] == seq)
    key = log.public_key()
    assert key is not None
    return {
        "format": FORMAT,
        "item_id": "CP000000015US",
        "event": {"station_id": station.station_id, "seq": seq, "hash": mine[1], "prev_hash": mine[2]},
        "span": {"from": point.span_from, "hashes": [r[1] for r in rows]},
        "checkpoint": {
            "station_id": point.station_id, "seq": point.seq, "hash": point.hash, "at": point.at,
            "span_from": point.span_from, "span": point.span, "signature": signed.signature,
        },
        "public_key": public_key_text(key),
    }  # fmt: skip


def test_every_hundredth_event_signs_the_hashes_of_the_hundred_before_it(station: Station) -> None:
    _events(station, 205)
    log = station.journal.checkpoints
    assert log is not None
    spans = [(c.point.span_from, c.point.seq) for c in signed_since(log, 0)]
    assert spans == [(1, 100), (101, 200)]
    station.journal.checkpoint()  # a clean stop signs the head and its last hundred
    assert [(c.point.span_from, c.point.seq) for c in signed_since(log, 200)] == [(106, 205)]


def test_an_events_evidence_verifies_and_names_the_stations_key(station: Station) -> None:
    _events(station, 100)
    data = _evidence(station, 37)
    verdict = verify(data)
    assert verdict.ok, verdict.problems
    key = station.journal.checkpoints.public_key()  # type: ignore[union-attr]
    assert key is not None and verdict.fingerprint == fingerprint(key)
    assert (
        verdict.lines()[0]
        == f"OK event 37 of station {station.station_id} (CP000000015US) is under its signed checkpoint"
    )


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda d: d["span"]["hashes"].__setitem__(5, "0" * 64), "do not hash to the checkpoint's span"),
        (lambda d: d["event"].__setitem__("hash", "1" * 64), "is not the event's hash"),
        (lambda d: d["event"].__setitem__("prev_hash", "2" * 64), "previous hash is not the hash before it"),
        (lambda d: d["event"].__setitem__("seq", 38), "is not the event's hash"),
        (lambda d: d["checkpoint"].__setitem__("at", "2031-01-01T00:00:00+00:00"), "not signed by this key"),
        (lambda d: d["span"]["hashes"].pop(), "not the run of events the checkpoint covers"),
    ],
)
def test_an_edited_evidence_fails_saying_what(station: Station, edit: Any, said: str) -> None:
    _events(station, 100)
    data = copy.deepcopy(_evidence(station, 37))
    edit(data)
    verdict = verify(data)
    assert not verdict.ok and any(said in p for p in verdict.problems), verdict.problems


def test_evidence_signed_again_by_another_key_verifies_only_with_that_key_and_shows_it(
    station: Station,
) -> None:
    from station.store.checkpoints import Checkpoint

    _events(station, 100)
    data = _evidence(station, 37)
    forger = Ed25519PrivateKey.generate()
    point = Checkpoint.from_json(data["checkpoint"])
    data["checkpoint"]["signature"] = base64.b64encode(forger.sign(point.message())).decode()
    data["public_key"] = public_key_text(forger.public_key())
    verdict = verify(data)
    assert verdict.ok  # a hub could sign with a key of its own ...
    assert verdict.fingerprint == fingerprint(forger.public_key())  # ... and the fingerprint says whose
    assert verdict.fingerprint != fingerprint(station.journal.checkpoints.public_key())  # type: ignore[union-attr,arg-type]


def test_the_command_checks_a_file_offline_and_exits_by_its_verdict(station: Station, tmp_path: Path) -> None:
    _events(station, 100)
    good = tmp_path / "evidence.json"
    good.write_text(json.dumps(_evidence(station, 12)))
    ran = run_station("evidence", "verify-event", good)
    assert ran.returncode == 0 and ran.stdout.startswith("OK event 12 of station")
    data = _evidence(station, 12)
    data["span"]["hashes"][0] = "f" * 64
    bad = tmp_path / "edited.json"
    bad.write_text(json.dumps(data))
    ran = run_station("evidence", "verify-event", bad)
    assert ran.returncode == 1 and ran.stdout.startswith("FAILED event 12")
    (tmp_path / "junk.json").write_text("[1, 2]")
    junk = run_station("evidence", "verify-event", tmp_path / "junk.json")
    assert junk.returncode == 1 and junk.stderr.startswith("REJECT") and "Traceback" not in junk.stderr
    with pytest.raises(EventEvidenceRefused):
        verify({"format": "something else"})
