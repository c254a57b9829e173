"""The identifier layer against sample numbers of each format in use, not only numbers the project made
itself (the two USPS 20-digit samples are the ones quoted from the field in issue 13): USPS 20-digit,
an IMpb printed without its leading 91, IMpb with and without routing, UPU S10 and GS1 SSCC; and every
length refusal says something true."""

from __future__ import annotations

import pytest

from station.ids.scanning import Identified, IdKind, Rejected, classify

PUBLIC_SAMPLES = [
    # USPS 20-digit format: 2-digit service code (03), 9-digit mailer id, 8-digit serial, mod-10 check.
    ("0307 1790 0005 2348 3741", IdKind.USPS20, "03071790000523483741"),
    # A 22-digit IMpb printed without its leading 91: its check digit counts the 91.
    ("7196 9010 7560 0307 7385", IdKind.IMPB, "9171969010756003077385"),
    # IMpb tracking numbers (22 digits as printed in groups, and 21 digits behind AI 420 routing).
    ("9205 5901 6491 7312 3456 77", IdKind.IMPB, "9205590164917312345677"),
    ("]C142094105\x1d920559016491731234564", IdKind.IMPB, "920559016491731234564"),
    # UPU S10 with the serial of the standard's check-digit example (47312482 -> 9), GS1's SSCC example.
    ("RR 473 124 829 GB", IdKind.S10, "RR473124829GB"),
    ("(00)106141411234567897", IdKind.SSCC, "106141411234567897"),
]


@pytest.mark.parametrize(("printed", "kind", "canonical"), PUBLIC_SAMPLES)
def test_public_sample_numbers_are_recognised(printed: str, kind: IdKind, canonical: str) -> None:
    found = classify(printed)
    assert isinstance(found, Identified), found
    assert (found.kind, found.id) == (kind, canonical)


def test_a_twenty_digit_number_with_a_wrong_check_digit_names_both_readings() -> None:
    found = classify("03071790000523483742")
    assert isinstance(found, Rejected)
    assert found.reason == (
        "wrong check digit for a 20-digit USPS number: 1 (USPS 20-digit) or 3 (IMpb printed without its"
        " leading 91), not 2"
    )


@pytest.mark.parametrize("digits", ["1234567890123456", "1234567890123456789012345", "9" * 19])
def test_a_length_no_format_has_is_refused_with_a_true_message(digits: str) -> None:
    found = classify(digits)
    assert isinstance(found, Rejected)
    assert found.reason.startswith(f"{len(digits)} digits is no tracking number's length")
    assert "20 digits is not the length" not in found.reason


def test_the_usps_20_digit_number_is_an_item_at_every_desk(tmp_path: object) -> None:
    from pathlib import Path

    from station.app import Station
    from station.config import StationConfig
    from station.desks.carrier import CarrierDesk

    assert isinstance(tmp_path, Path)
    with Station.open(tmp_path / "s.sqlite3", StationConfig()) as station:
        loaded = CarrierDesk(station).load("0307 1790 0005 2348 3741", facility="F", operator="o")
        assert loaded.ok and loaded.id == "03071790000523483741"
