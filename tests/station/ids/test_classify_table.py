"""Every way `classify` can answer, each pinned whole: the kind, the canonical id, the symbology, the
routing ZIP, the GS1 pairs, the scan as shown to the operator and the operator's reason.

The other tests of scanning ask one question of each answer (is it an S10? is it refused?); mutation
testing (`./dev mutants`) found that a bug in any other field of the answer (the symbology dropped, the
shown scan lost, a reason replaced) passed them all. The expected values are written out by hand from
the standards (the SSCC and EAN-13 are GS1's own examples), not computed by the project's code.
"""

from __future__ import annotations

import pytest

from station.ids.scanning import Identified, IdKind, Rejected, canonical_id, classify

GS = "\x1d"
SSCC = "106141411234567897"  # GS1 General Specifications' SSCC example, check digit 7
IMPB = "9205590164917312345677"
TRACKING_20 = "91000000000000000002"  # the shortest IMpb tracking number (check digit 2)
TRACKING_34 = "9511111111111111111111111111111115"  # the longest (check digit 5)
PAIRS_IMPB = (("92", "05590164917312345677"),)
ROUTED = (("420", "10001"), ("92", "05590164917312345677"))
LENGTHS = (
    "digits is no tracking number's length: an IMpb has 20-34 digits starting 91-95, a USPS 20-digit"
    " number 20, an SSCC 18 (20 with its AI 00)"
)

CASES: list[tuple[str | bytes, Identified | Rejected]] = [
    # what reaches the station is not text, or too much of it
    (
        b"\xff\xfeEE",
        Rejected("\\xff\\xfeEE", "not text: the scan contains binary data (check the scanner's mode)"),
    ),
    (b"A" * 2049, Rejected("A" * 60 + "... (2049 characters)", "scan too long (2049 bytes, at most 512)")),
    (
        b"A" * 2048,
        Rejected("A" * 60 + "... (2048 characters)", "scan too long (2048 characters, at most 512)"),
    ),
    ("A" * 513, Rejected("A" * 60 + "... (513 characters)", "scan too long (513 characters, at most 512)")),
    ("  \r\n", Rejected("  \\x0d\\x0a", "empty scan")),
    (
        "EE123456785US\x00",
        Rejected("EE123456785US\\x00", "scan contains NUL bytes (binary data or line noise)"),
    ),
    ("EE12\x07", Rejected("EE12\\x07", "scan contains control characters (binary data or line noise)")),
    ("]C1", Rejected("]C1", "scan has a symbology identifier ]C1 but no data")),
    # postage indicia
    ("PSI1ABC234", Identified("PSI1ABC234", IdKind.INDICIA, "PSI1ABC234")),
    ("psi1abc", Identified("psi1abc", IdKind.INDICIA, "PSI1ABC")),
    ("PSI1AB!@", Rejected("PSI1AB!@", "postage indicia payload damaged (characters outside base32)")),
    ("PSI1AB18", Rejected("PSI1AB18", "postage indicia payload damaged (characters outside base32)")),
    # UPU S10
    ("ee 123 456 785 us", Identified("ee 123 456 785 us", IdKind.S10, "EE123456785US")),
    ("\x03EE123456785US\x04", Identified("EE123456785US", IdKind.S10, "EE123456785US")),
    ("]Q1EE123456785US", Identified("]Q1EE123456785US", IdKind.S10, "EE123456785US", "]Q1")),
    ("EE123456784US", Rejected("EE123456784US", "wrong S10 check digit: expected 5, found 4")),
    (
        "RR47312482GB",
        Rejected("RR47312482GB", "an S10 id has 13 characters (AA123456789CC), this one has 12"),
    ),
    # digits: product codes, IMpb, USPS 20-digit, SSCC
    ("]E04006381333931", Identified("]E04006381333931", IdKind.OTHER, "4006381333931", "]E0")),
    ("4006381333931", Identified("4006381333931", IdKind.OTHER, "4006381333931")),
    ("4006381333932", Rejected("4006381333932", "wrong check digit for a 13-digit product code")),
    ("96385074", Identified("96385074", IdKind.OTHER, "96385074")),  # EAN-8
    ("42010001", Rejected("42010001", "IMpb routing code (AI 420 + ZIP) without a tracking number")),
    ("420100011234", Rejected("420100011234", "IMpb routing code (AI 420 + ZIP) without a tracking number")),
    ("42010001" + IMPB, Identified("42010001" + IMPB, IdKind.IMPB, IMPB, None, "10001", ROUTED)),
    (IMPB, Identified(IMPB, IdKind.IMPB, IMPB, None, None, PAIRS_IMPB)),
    ("]C0" + IMPB, Identified("]C0" + IMPB, IdKind.IMPB, IMPB, "]C0", None, PAIRS_IMPB)),
    (
        "9205590164917312345676",
        Rejected("9205590164917312345676", "wrong IMpb check digit: expected 7, found 6"),
    ),
    ("05590164917312345676", Identified("05590164917312345676", IdKind.USPS20, "05590164917312345676")),
    (
        "]C005590164917312345676",
        Identified("]C005590164917312345676", IdKind.USPS20, "05590164917312345676", "]C0"),
    ),
    (  # an IMpb printed without its 91: the check digit counts the 91
        "05590164917312345678",
        Identified(
            "05590164917312345678",
            IdKind.IMPB,
            "9105590164917312345678",
            None,
            None,
            (("91", "05590164917312345678"),),
        ),
    ),
    (
        "05590164917312345670",
        Rejected(
            "05590164917312345670",
            "wrong check digit for a 20-digit USPS number: 6 (USPS 20-digit) or 8 (IMpb printed without its"
            " leading 91), not 0",
        ),
    ),
    (SSCC, Identified(SSCC, IdKind.SSCC, SSCC, None, None, (("00", SSCC),))),
    ("00" + SSCC, Identified("00" + SSCC, IdKind.SSCC, SSCC, None, None, (("00", SSCC),))),
    ("106141411234567890", Rejected("106141411234567890", "wrong SSCC check digit: expected 7, found 0")),
    ("12345", Rejected("12345", f"5 {LENGTHS}")),
    ("]C012345", Identified("]C012345", IdKind.OTHER, "12345", "]C0")),
    # GS1 element strings: FNC1 as GS, as a wedge's stand-in, or the human-readable line's brackets
    (
        "]C1" + GS + "00" + SSCC,
        Identified("]C1\\x1d00" + SSCC, IdKind.SSCC, SSCC, "]C1", None, (("00", SSCC),)),
    ),
    ("<GS>00" + SSCC, Identified("<GS>00" + SSCC, IdKind.SSCC, SSCC, None, None, (("00", SSCC),))),
    ("]C1{FNC1}00" + SSCC, Identified("]C1{FNC1}00" + SSCC, IdKind.SSCC, SSCC, "]C1", None, (("00", SSCC),))),
    (
        "]C100106141411234567890",
        Rejected("]C100106141411234567890", "wrong SSCC check digit: expected 7, found 0"),
    ),
    (
        "]C142010001" + GS + IMPB,
        Identified("]C142010001\\x1d" + IMPB, IdKind.IMPB, IMPB, "]C1", "10001", ROUTED),
    ),
    (
        "]C142010001<GS>" + IMPB,
        Identified("]C142010001<GS>" + IMPB, IdKind.IMPB, IMPB, "]C1", "10001", ROUTED),
    ),
    (
        "]C142010001",
        Rejected("]C142010001", "IMpb routing code without a tracking number (half a GS1 string?)"),
    ),
    (
        "]C1" + IMPB[:-1] + "6",
        Rejected("]C1" + IMPB[:-1] + "6", "wrong IMpb check digit: expected 7, found 6"),
    ),
    (
        "(420)10001(92)05590164917312345677",
        Identified("(420)10001(92)05590164917312345677", IdKind.IMPB, IMPB, None, "10001", ROUTED),
    ),
    (
        "(01)09506000134352(10)AB12",
        Identified(
            "(01)09506000134352(10)AB12",
            IdKind.OTHER,
            "0109506000134352" + GS + "10AB12",
            None,
            None,
            (("01", "09506000134352"), ("10", "AB12")),
        ),
    ),
    (
        "]d20109506000134352",
        Identified(
            "]d20109506000134352", IdKind.OTHER, "0109506000134352", "]d2", None, (("01", "09506000134352"),)
        ),
    ),
    # the edges of the digit rules
    (
        "421840941059205590164917312345677",  # AI 421 (country + postal code) run together: no split holds
        Rejected(
            "421840941059205590164917312345677",
            "IMpb without FNC1 separator could not be split:"
            " IMpb tracking number must start with 91-95, not '10'",
        ),
    ),
    (  # the shortest routed IMpb: 420, a 5-digit ZIP, a 20-digit tracking number
        "42010001" + TRACKING_20,
        Identified(
            "42010001" + TRACKING_20,
            IdKind.IMPB,
            TRACKING_20,
            None,
            "10001",
            (("420", "10001"), ("91", TRACKING_20[2:])),
        ),
    ),
    (TRACKING_20, Identified(TRACKING_20, IdKind.IMPB, TRACKING_20, None, None, (("91", TRACKING_20[2:]),))),
    (TRACKING_34, Identified(TRACKING_34, IdKind.IMPB, TRACKING_34, None, None, (("95", TRACKING_34[2:]),))),
    ("95" + "1" * 33, Rejected("95" + "1" * 33, f"35 {LENGTHS}")),
    ("1" * 30, Rejected("1" * 30, f"30 {LENGTHS}")),
    (
        "]C0" + "42010001" + IMPB,
        Identified("]C0" + "42010001" + IMPB, IdKind.IMPB, IMPB, "]C0", "10001", ROUTED),
    ),
    (
        "]C005590164917312345678",
        Identified(
            "]C005590164917312345678",
            IdKind.IMPB,
            "9105590164917312345678",
            "]C0",
            None,
            (("91", "05590164917312345678"),),
        ),
    ),
    ("]C0" + SSCC, Identified("]C0" + SSCC, IdKind.SSCC, SSCC, "]C0", None, (("00", SSCC),))),
    (
        "00012345678905",
        Identified("00012345678905", IdKind.OTHER, "00012345678905"),
    ),  # a GTIN-14, not an SSCC
    ("036000291452", Identified("036000291452", IdKind.OTHER, "036000291452")),  # UPC-A
    ("10614141000415", Identified("10614141000415", IdKind.OTHER, "10614141000415")),  # GTIN-14
    # none of these
    ("HELLO", Rejected("HELLO", "not an S10, IMpb or SSCC identifier: HELLO")),
    ("]Q1HELLO", Identified("]Q1HELLO", IdKind.OTHER, "HELLO", "]Q1")),
    (
        "X" * 70,
        Rejected(
            "X" * 60 + "... (70 characters)",
            "not an S10, IMpb or SSCC identifier: " + "X" * 60 + "... (70 characters)",
        ),
    ),
    ("X" * 60, Rejected("X" * 60, "not an S10, IMpb or SSCC identifier: " + "X" * 60)),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[repr(raw)[:40] for raw, _ in CASES])
def test_each_answer_is_pinned_whole(raw: str | bytes, expected: Identified | Rejected) -> None:
    assert classify(raw) == expected


def test_a_malformed_gs1_string_is_refused_with_what_the_gs1_parser_said() -> None:
    found = classify("]C10012")
    assert isinstance(found, Rejected) and found.raw == "]C10012"
    assert found.reason.startswith("malformed GS1 data: ") and "(00)" in found.reason


def test_the_canonical_id_is_the_journal_key_or_the_text_stripped() -> None:
    assert canonical_id("rr 473 124 829 gb") == "RR473124829GB"
    assert canonical_id("00" + SSCC) == SSCC
    assert canonical_id("  nothing known  ") == "nothing known"
