"""The scan normaliser: whatever a scanner sends becomes Identified or Rejected, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.ids.scanning import Identified, IdKind, Rejected, classify

TRACKING = "9205590123456789012345"
SSCC = "106141411234567897"


@pytest.mark.parametrize(
    ("raw", "kind", "ident"),
    [
        ("RR473124829GB", IdKind.S10, "RR473124829GB"),
        ("  rr473124829gb\r\n", IdKind.S10, "RR473124829GB"),
        (b"EE123456785US\n", IdKind.S10, "EE123456785US"),
        ("RR473124829GB\t", IdKind.S10, "RR473124829GB"),
        (f"]C142010001\x1d{TRACKING}", IdKind.IMPB, TRACKING),
        (f"]C142010001<GS>{TRACKING}", IdKind.IMPB, TRACKING),
        (f"42010001{{GS}}{TRACKING}", IdKind.IMPB, TRACKING),
        (f"42010001^]{TRACKING}", IdKind.IMPB, TRACKING),
        (f"42010001{TRACKING}", IdKind.IMPB, TRACKING),
        (f"420100011234{TRACKING}", IdKind.IMPB, TRACKING),
        (f"(420)10001(92){TRACKING[2:]}", IdKind.IMPB, TRACKING),
        (f"]d200{SSCC}", IdKind.SSCC, SSCC),
        (f"]Q300{SSCC}", IdKind.SSCC, SSCC),
        (f"]C000{SSCC}", IdKind.SSCC, SSCC),
        ("]E04006381333931", IdKind.OTHER, "4006381333931"),
    ],
)
def test_scanner_output_is_normalised_to_one_identifier(raw, kind, ident):
    result = classify(raw)
    assert isinstance(result, Identified), result
    assert (result.kind, result.id) == (kind, ident)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   \r\n",
        "9" * 10_000,
        b"RR47\x00124829GB",
        b"\xff\xfe\x00garbage",
        "42010001",
        f"]C1420{10001}",
        "RR473124828GB",
        f"{SSCC[:-1]}8",
        TRACKING[:-1] + "6",
        "]C1(420",
    ],
)
def test_malformed_scans_are_rejected_with_a_reason(raw):
    result = classify(raw)
    assert isinstance(result, Rejected), result
    assert result.reason


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_random_input_never_raises(raw):
    assert isinstance(classify(raw), Identified | Rejected)
