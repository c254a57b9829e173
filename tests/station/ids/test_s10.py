"""UPU S10 item identifiers: published examples, precise errors, and what the check digit catches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.ids import S10, InvalidId

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def residue(serial: str) -> int:
    """Weighted sum mod 11, computed here independently of the code under test."""
    return sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11


def hand_check(serial: str) -> int:
    check = 11 - residue(serial)
    return {10: 0, 11: 5}.get(check, check)


services = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
countries = st.sampled_from(["GB", "US", "DE", "FR", "CH", "JP", "NL", "AU"])
serials = st.integers(min_value=0, max_value=99_999_999)


def test_published_examples_validate_and_their_check_digits_follow_the_weights():
    # RR473124829GB: 4*8+7*6+3*4+1*2+2*3+4*5+8*9+2*7 = 32+42+12+2+6+20+72+14 = 200; 200 mod 11 = 2; 11-2 = 9.
    assert 4 * 8 + 7 * 6 + 3 * 4 + 1 * 2 + 2 * 3 + 4 * 5 + 8 * 9 + 2 * 7 == 200
    assert 11 - 200 % 11 == 9
    # EE123456785US: 8+12+12+8+15+30+63+56 = 204; 204 mod 11 = 6; 11-6 = 5.
    assert 1 * 8 + 2 * 6 + 3 * 4 + 4 * 2 + 5 * 3 + 6 * 5 + 7 * 9 + 8 * 7 == 204
    assert 11 - 204 % 11 == 5
    for text in ("RR473124829GB", "EE123456785US"):
        assert S10.parse(text).text == text


def test_a_serial_whose_sum_leaves_remainder_one_gets_check_digit_zero():
    # 00004000: the 4 sits under weight 3; 4*3 = 12, 12 mod 11 = 1, 11-1 = 10 -> 0.
    assert 4 * 3 % 11 == 1
    assert S10.parse("RR000040000GB").check == 0


def test_a_serial_whose_sum_is_divisible_by_eleven_gets_check_digit_five():
    # 00000000: sum 0 -> 11 - 0 = 11 -> 5.
    assert S10.parse("RR000000005GB").check == 5


def test_spaces_and_lower_case_are_accepted_and_human_readable_groups_in_threes():
    s10 = S10.parse(" rr 473 124 829 gb ")
    assert s10.text == "RR473124829GB"
    assert s10.human_readable == "RR 473 124 829 GB"


def test_wrong_length_says_how_many_characters_it_has():
    with pytest.raises(InvalidId, match=r"13 characters.*has 12"):
        S10.parse("RR47312482GB")


def test_digit_in_service_indicator_is_named():
    with pytest.raises(InvalidId, match=r"service indicator must be two letters.*'R4'"):
        S10.parse("R4473124829GB")


def test_letter_among_the_digits_names_its_position():
    with pytest.raises(InvalidId, match="position 5 is 'X'"):
        S10.parse("RR47X124829GB")


def test_unknown_country_is_named():
    with pytest.raises(InvalidId, match="unknown S10 country code 'XX'"):
        S10.parse("RR473124829XX")


def test_digits_in_country_say_two_letters_expected():
    with pytest.raises(InvalidId, match="country must be two letters"):
        S10.parse("RR4731248291B")


def test_wrong_check_digit_names_the_expected_digit():
    with pytest.raises(InvalidId, match="expected 9, found 8"):
        S10.parse("RR473124828GB")


def test_build_refuses_serials_outside_eight_digits():
    with pytest.raises(InvalidId, match=r"0\.\.99999999"):
        S10.build("RR", 100_000_000, "GB")


@settings(max_examples=300, deadline=None)
@given(services, serials, countries)
def test_generated_ids_always_validate(service, serial, country):
    s10 = S10.build(service, serial, country)
    assert s10.check == hand_check(f"{serial:08d}")
    assert S10.parse(s10.text) == s10
    assert S10.parse(s10.human_readable) == s10


def undetected_substitutions(serial: str) -> set[tuple[int, str]]:
    """(position, new digit) substitutions in serial+check that S10.parse still accepts."""
    text = f"RR{serial}{hand_check(serial)}GB"
    missed = set()
    for pos in range(2, 11):
        for d in "0123456789":
            if d == text[pos]:
                continue
            changed = text[:pos] + d + text[pos + 1 :]
            try:
                S10.parse(changed)
            except InvalidId:
                continue
            missed.add((pos, d))
    return missed


@settings(max_examples=150, deadline=None)
@given(serials)
def test_single_digit_substitutions_are_caught_except_residues_zero_and_six(serial_number):
    """Which single-digit substitutions the S10 check digit cannot see, and why.

    The check digit is 11 - r where r = (weighted sum mod 11), with 10 -> 0 and 11 -> 5.
    So r = 1 gives 0, r = 2..10 give 9..1 (each once), and both r = 0 (11 -> 5) and r = 6 give 5.
    Check digit 5 is the only one two residues share, so the mapping loses exactly the difference
    between r = 0 and r = 6.

    Substituting one serial digit changes r by w * (new - old) mod 11; every weight is 1..10 and
    |new - old| is 1..9, and 11 is prime, so r always changes. The substitution is therefore missed
    if and only if it moves r from 0 to 6 or from 6 to 0. A substitution in the check digit itself
    is always caught (the serial, hence the expected digit, is unchanged).

    This test enumerates all 81 substitutions (9 positions x 9 other digits) and asserts that the
    undetected set is exactly those serial substitutions whose old/new residue pair is {0, 6}.
    """
    serial = f"{serial_number:08d}"
    r_old = residue(serial)
    expected_missed = set()
    for i in range(8):
        for d in "0123456789":
            if d == serial[i]:
                continue
            r_new = residue(serial[:i] + d + serial[i + 1 :])
            assert r_new != r_old
            if {r_old, r_new} == {0, 6}:
                expected_missed.add((i + 2, d))
    assert undetected_substitutions(serial) == expected_missed


def test_the_invisible_substitutions_really_exist():
    # 00000000 has r = 0 (check 5). Serial digit 4 (weight 2) set to 3 gives r = 6: check still 5.
    assert residue("00030000") == 6
    assert (2 + 3, "3") in undetected_substitutions("00000000")
    assert S10.parse("RR000300005GB").check == 5
    # And a serial with r not in {0, 6} has no blind spot at all.
    assert residue("47312482") == 2
    assert undetected_substitutions("47312482") == set()
