"""Signed indicia: round trip, every field's tampering detected, and the acceptance checks."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.app import Station
from station.config import StationConfig
from station.desks.postage_checks import verify_indicia
from station.desks.scan import ScanDesk
from station.items.tracking import track
from station.model.events import EventKind
from station.postage.indicia import (
    PREFIX,
    IndiciaError,
    IndiciaFields,
    MeterKeys,
    decode,
    sign,
    verify_signature,
)

TODAY = date(2026, 11, 23)
FIELDS = IndiciaFields("PS000001", 42, TODAY, 3677, "PRI", "10001", "94105", "EE123456785US")


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Station:
    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    # The station's clock stands on the indicia's mailing day, so the acceptance window holds whatever
    # day the suite runs on.
    noon = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
    return Station.open(tmp_path / "s.sqlite3", StationConfig(), clock=lambda: noon)


@pytest.fixture
def keys(station: Station) -> MeterKeys:
    keys = MeterKeys(station.db, station.paths.keys)
    keys.init("PS000001")  # the explicit set-up step
    return keys


def test_round_trip_and_key_file_permissions(keys: MeterKeys, tmp_path: Path) -> None:
    payload = sign(FIELDS, keys.private_key("PS000001"))
    assert payload.startswith(PREFIX) and payload.isalnum() and payload == payload.upper()
    assert verify_signature(payload, keys) == FIELDS
    assert (tmp_path / "keys" / "meter-PS000001.key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "change",
    [
        {"meter_id": "PS000002"},
        {"piece": 43},
        {"mailed_on": TODAY + timedelta(days=1)},
        {"postage_cents": 3676},
        {"category": "GND"},
        {"origin_zip": "10002"},
        {"destination_zip": "94107"},
        {"tracking": "RR473124829GB"},
    ],
)
def test_changing_any_field_breaks_the_signature(keys: MeterKeys, change: dict[str, object]) -> None:
    key = keys.private_key("PS000001")
    keys.init("PS000002")  # another enrolled meter: its key does not verify PS000001's signature
    genuine = sign(FIELDS, key)
    _fields, _record, signature = decode(genuine)
    forged_record = replace(FIELDS, **change).record()  # type: ignore[arg-type]
    forged = PREFIX + base64.b32encode(forged_record + signature).decode().rstrip("=")
    with pytest.raises(IndiciaError, match="bad signature"):
        verify_signature(forged, keys)


def test_an_indicia_scanned_for_a_delivery_is_refused_naming_what_to_scan(
    station: Station, keys: MeterKeys
) -> None:
    payload = sign(FIELDS, keys.private_key("PS000001"))
    answer = ScanDesk(station).record(payload, EventKind.DELIVERED, facility="SF", operator="joe")
    assert answer.line == (
        "REJECT that is the postage indicia (genuine, paid for EE123456785US): scan the item's tracking"
        " barcode to record delivered"
    )
    assert station.journal.count() == 0


def test_flipping_any_character_is_detected(keys: MeterKeys) -> None:
    payload = sign(FIELDS, keys.private_key("PS000001"))
    for i in range(len(PREFIX), len(payload)):
        flipped = payload[:i] + ("B" if payload[i] != "B" else "C") + payload[i + 1 :]
        with pytest.raises(IndiciaError):
            verify_signature(flipped, keys)


def test_unknown_meter_and_garbage_are_named(keys: MeterKeys) -> None:
    stranger = sign(replace(FIELDS, meter_id="PS000009"), Ed25519PrivateKey.generate())
    with pytest.raises(IndiciaError, match="unknown meter 'PS000009'"):
        verify_signature(stranger, keys)
    for garbage, message in (
        ("RR473124829GB", "PSI1 prefix"),
        ("PSI1!!!", "base32"),
        ("PSI1AAAA", "too short"),
    ):
        with pytest.raises(IndiciaError, match=message):
            verify_signature(garbage, keys)


def test_acceptance_checks_copy_date_weight_and_item(station: Station, keys: MeterKeys) -> None:
    payload = sign(FIELDS, keys.private_key("PS000001"))
    ok = verify_indicia(
        station,
        payload,
        today=TODAY,
        item_id="EE123456785US",
        measured_weight_g=1200,
        record_use=True,
        keys=keys,
    )
    assert ok.genuine
    copied = verify_indicia(station, payload, today=TODAY, item_id="RR473124829GB", keys=keys)
    assert any("piece serial already used" in p for p in copied.problems)
    assert any("tracking mismatch" in p for p in copied.problems)
    late = verify_indicia(station, payload, today=TODAY + timedelta(days=10), keys=keys)
    assert any("acceptance window" in p for p in late.problems)
    heavy = verify_indicia(station, payload, today=TODAY, measured_weight_g=9000, keys=keys)
    assert any(p.startswith("underpaid: postage $36.77") for p in heavy.problems)


def test_a_copied_indicia_scanned_at_the_counter_is_refused_and_journalled(
    station: Station, keys: MeterKeys
) -> None:
    payload = sign(FIELDS, keys.private_key("PS000001"))
    desk = ScanDesk(station)
    other = sign(replace(FIELDS, piece=7, tracking="RR473124829GB"), keys.private_key("PS000001"))
    first = desk.record("]d1" + payload, EventKind.ACCEPTANCE, facility="NYC", operator="ann")
    assert not first.ok and first.id == "EE123456785US" and "genuine" in (first.reason or "")
    second = desk.record(other, EventKind.ACCEPTANCE, facility="NYC", operator="ann")
    assert "genuine" in (second.reason or "")
    forged = sign(replace(FIELDS, tracking="CP100000003US"), keys.private_key("PS000001"))  # piece 42 again
    refused = desk.record(forged, EventKind.ACCEPTANCE, facility="NYC", operator="ann")
    assert not refused.ok and "copied label" in (refused.reason or "")
    report = track(station.db, "CP100000003US")
    assert report is not None and report.history[-1].event.kind is EventKind.FRAUD_ALERT
