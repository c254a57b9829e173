"""The edges of each identifier's rules, written out by hand (UPU S10, USPS Pub 199, GS1 General
Specifications): the first and last value a rule allows and the first it refuses, digits that are not
ASCII, and every field of what is built or parsed. `./dev mutants` found a bug at each of these edges
that the other tests let through."""

from __future__ import annotations

import re

import pytest

from station.ids import S10, Impb, InvalidId, Sscc, gs1_mod10
from station.ids.check_digits import s10_check_digit

ARABIC_DIGITS = "١٢٣٤٥٦٧٨"  # str.isdigit() is True for these, str.isascii() is False
IMPB = "9205590164917312345677"


@pytest.mark.parametrize(
    ("serial", "check"),
    [
        ("47312482", 9),
        ("12345678", 5),
        ("00000000", 5),
        ("00000001", 4),
        ("00000008", 0),
        ("00000003", 1),
        ("99999999", 5),
    ],
)
def test_s10_check_digits_by_hand(serial: str, check: int) -> None:
    # 8 6 4 2 3 5 9 7; 11 - sum mod 11; 10 -> 0 and 11 -> 5 (UPU S10 section 5.2)
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize("serial", ["1234567", "123456789", ARABIC_DIGITS, "1234567a", ""])
def test_an_s10_serial_is_eight_ascii_digits(serial: str) -> None:
    with pytest.raises(ValueError, match=re.escape("an S10 serial is 8 digits")):
        s10_check_digit(serial)


@pytest.mark.parametrize(
    ("digits", "check"), [("0", 0), ("1", 7), ("10614141123456789", 7), ("400638133393", 1)]
)
def test_gs1_check_digits_by_hand(digits: str, check: int) -> None:
    assert gs1_mod10(digits) == check


@pytest.mark.parametrize("digits", ["", ARABIC_DIGITS, "12a4"])
def test_a_gs1_check_digit_needs_ascii_digits(digits: str) -> None:
    with pytest.raises(ValueError, match=re.escape("a GS1 check digit needs digits")):
        gs1_mod10(digits)


def test_s10_built_and_parsed_field_by_field() -> None:
    built = S10.build("ZZ", 99_999_999, "ZA")  # Z at both ends of A-Z, and the last serial
    assert (built.service, built.serial, built.check, built.country) == ("ZZ", "99999999", 5, "ZA")
    assert built.text == "ZZ999999995ZA" and built.human_readable == "ZZ 999 999 995 ZA"
    assert S10.build("AA", 0, "AD").text == "AA000000005AD"
    assert S10.parse("zz 999 999 995 za") == built
    with pytest.raises(InvalidId, match=re.escape("serial must be 0..99999999, not 100000000")):
        S10.build("EE", 100_000_000, "US")
    with pytest.raises(InvalidId, match=re.escape("serial must be 0..99999999, not -1")):
        S10.build("EE", -1, "US")


@pytest.mark.parametrize("service", ["E", "EEE", "E1", "@A", "A["])
def test_an_s10_service_indicator_is_two_capital_letters(service: str) -> None:
    with pytest.raises(InvalidId, match=re.escape("service indicator must be two letters A-Z")):
        S10.build(service, 1, "US")


@pytest.mark.parametrize("country", ["U", "USA", "U1", "@S", "U["])
def test_an_s10_country_is_two_capital_letters(country: str) -> None:
    with pytest.raises(InvalidId, match=re.escape("S10 country must be two letters")):
        S10.build("EE", 1, country)


def test_an_s10_country_must_be_iso_3166() -> None:
    with pytest.raises(InvalidId, match=re.escape("unknown S10 country code 'XX'")):
        S10.build("EE", 1, "XX")


def test_impb_built_field_by_field() -> None:
    built = Impb.build(IMPB[:-1], "10001")
    assert (built.tracking, built.routing_zip, built.routing_country) == (IMPB, "10001", None)
    assert built.element_string == "42010001\x1d" + IMPB
    assert built.gs1_text == "(420)10001(92)05590164917312345677"
    assert built.human_readable == "9205 5901 6491 7312 3456 77"
    assert Impb.build(IMPB[:-1]) == Impb(IMPB)
    assert Impb.build(IMPB[:-1], "100011234").routing_zip == "100011234"


@pytest.mark.parametrize(
    ("body", "zip_code", "message"),
    [
        ("92055901649173123456a", None, "IMpb tracking digits expected"),
        (ARABIC_DIGITS * 3, None, "IMpb tracking digits expected"),
        ("9005590164917312345", None, "must start with 91-95, not '90'"),
        ("920559016491731234", None, "has 19 digits; expected 20-34"),
        ("95" + "0" * 32, None, "has 35 digits; expected 20-34"),
        (IMPB[:-1], "1000", "routing ZIP must be 5 or 9 digits, not '1000'"),
        (IMPB[:-1], "100011", "routing ZIP must be 5 or 9 digits, not '100011'"),
        (IMPB[:-1], "1000a", "routing ZIP must be 5 or 9 digits"),
        (IMPB[:-1], "١٠٠٠١", "routing ZIP must be 5 or 9 digits"),
    ],
)
def test_impb_build_refuses(body: str, zip_code: str | None, message: str) -> None:
    with pytest.raises(InvalidId, match=re.escape(message)):
        Impb.build(body, zip_code)


def test_impb_lengths_at_the_edges() -> None:
    twenty = "91" + "0" * 17
    assert Impb.build(twenty).tracking == twenty + str(gs1_mod10(twenty))
    thirty_four = "95" + "0" * 31
    assert len(Impb.build(thirty_four).tracking) == 34


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (IMPB, Impb(IMPB)),
        (" 9205 5901 6491 7312 3456 77\t", Impb(IMPB)),
        ("42010001\x1d" + IMPB, Impb(IMPB, "10001")),
        ("420100011234\x1d" + IMPB, Impb(IMPB, "100011234")),
        ("42010001" + IMPB, Impb(IMPB, "10001")),  # FNC1 dropped by a wedge: the ZIP split found
        ("420100011234" + IMPB, Impb(IMPB, "100011234")),
        ("421840K1A0B1\x1d" + IMPB, Impb(IMPB, "K1A0B1", "840")),
        ("421840123456789\x1d" + IMPB, Impb(IMPB, "123456789", "840")),
    ],
)
def test_impb_parsed_field_by_field(text: str, expected: Impb) -> None:
    assert Impb.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9205590164917312345a", "an IMpb is digits only"),
        ("42010001" + "9205590164917312345670", "could not be split: wrong IMpb check digit"),
        ("4201000\x1d" + IMPB, "routing ZIP must be 5 or 9 digits, not '1000'"),
        ("42184\x1d" + IMPB, "AI 421 needs a 3-digit ISO country and a postal code, not '84'"),
        ("4218a0K1A\x1d" + IMPB, "AI 421 needs a 3-digit ISO country and a postal code"),
        ("421840\x1d" + IMPB, "AI 421 needs a 3-digit ISO country and a postal code, not '840'"),
        ("4218401234567890\x1d" + IMPB, "AI 421 needs a 3-digit ISO country and a postal code"),
        ("43010001\x1d" + IMPB, "IMpb routing must be AI 420 or 421, not '430'"),
        ("42010001\x1d" + IMPB[:-1] + "6", "wrong IMpb check digit: expected 7, found 6"),
        ("42010001\x1d92x", "IMpb tracking number must be digits, not '92x'"),
    ],
)
def test_impb_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidId, match=re.escape(message)):
        Impb.parse(text)


def test_sscc_built_field_by_field() -> None:
    built = Sscc.build(1, "0614141", 123456789)
    assert built.text == "106141411234567897"
    assert built.element_string == "00106141411234567897"
    assert built.human_readable == "(00) 1 0614141 123456789 7"
    assert Sscc.build(0, "123456", 0).text == "012345600000000000"[:17] + str(gs1_mod10("01234560000000000"))
    assert Sscc.build(9, "123456789012", 9999).text.startswith("91234567890129999")


@pytest.mark.parametrize(
    ("extension", "prefix", "serial", "message"),
    [
        (10, "0614141", 1, "extension digit must be 0-9, not 10"),
        (-1, "0614141", 1, "extension digit must be 0-9, not -1"),
        (1, "12345", 1, "company prefix must be 6-12 digits, not '12345'"),
        (1, "1234567890123", 1, "company prefix must be 6-12 digits"),
        (1, "06141a1", 1, "company prefix must be 6-12 digits"),
        (1, "0614141", 1_000_000_000, "serial reference must fit 9 digits"),
        (1, "0614141", -1, "serial reference must fit 9 digits"),
    ],
)
def test_sscc_build_refuses(extension: int, prefix: str, serial: int, message: str) -> None:
    with pytest.raises(InvalidId, match=re.escape(message)):
        Sscc.build(extension, prefix, serial)


def test_sscc_largest_serial_fits() -> None:
    assert Sscc.build(1, "0614141", 999_999_999).text.startswith("10614141999999999")


@pytest.mark.parametrize(
    "text",
    ["106141411234567897", "00106141411234567897", "(00)106141411234567897", "(00) 1 0614141 123456789 7"],
)
def test_sscc_parsed_in_each_printed_form(text: str) -> None:
    assert Sscc.parse(text) == Sscc("106141411234567897")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10614141123456789", "an SSCC has 18 digits, this one has 17"),
        ("1061414112345678970", "an SSCC has 18 digits, this one has 19"),
        ("001061414112345678", "wrong SSCC check digit: expected 2, found 8"),
        ("1061414112345678a7", "an SSCC is digits only"),
        ("106141411234567890", "wrong SSCC check digit: expected 7, found 0"),
        ("0106141411234567897", "an SSCC has 18 digits, this one has 19"),
    ],
)
def test_sscc_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidId, match=re.escape(message)):
        Sscc.parse(text)
