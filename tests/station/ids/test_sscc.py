"""GS1 SSCC (AI 00): the published example, generated ids, and every single-digit substitution."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.ids import InvalidId, Sscc


def hand_mod10(digits: str) -> int:
    """GS1 mod 10 written out independently: weights 3, 1, 3, ... from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def test_gs1_published_sscc_example_validates_and_its_check_digit_is_seven():
    # 10614141123456789 weighted 3,1,3,... from the left (17 digits, so the leftmost gets 3):
    # 3*1+0+3*6+1+3*4+1+3*4+1+3*1+2+3*3+4+3*5+6+3*7+8+3*9 = 143; 10 - 3 = 7.
    assert 3 + 0 + 18 + 1 + 12 + 1 + 12 + 1 + 3 + 2 + 9 + 4 + 15 + 6 + 21 + 8 + 27 == 143
    sscc = Sscc.parse("106141411234567897")
    assert sscc.element_string == "00106141411234567897"
    assert Sscc.parse("(00) 106141411234567897") == sscc
    assert Sscc.parse("00106141411234567897") == sscc
    assert sscc.human_readable == "(00) 1 0614141 123456789 7"


def test_wrong_check_digit_names_the_expected_digit():
    with pytest.raises(InvalidId, match="expected 7, found 8"):
        Sscc.parse("106141411234567898")


def test_wrong_length_is_named():
    with pytest.raises(InvalidId, match="18 digits, this one has 17"):
        Sscc.parse("10614141123456789")


sscc_bodies = st.text(alphabet="0123456789", min_size=17, max_size=17)


@settings(max_examples=200, deadline=None)
@given(sscc_bodies)
def test_generated_ssccs_validate_and_every_single_digit_substitution_is_caught(body):
    digits = body + str(hand_mod10(body))
    assert Sscc.parse(digits).text == digits
    for pos in range(18):
        for d in "0123456789":
            if d != digits[pos]:
                with pytest.raises(InvalidId):
                    Sscc.parse(digits[:pos] + d + digits[pos + 1 :])


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 9), st.integers(0, 999_999_999))
def test_built_ssccs_always_validate(extension, serial):
    sscc = Sscc.build(extension, "0614141", serial)
    assert Sscc.parse(sscc.text) == sscc
    assert sscc.text[-1] == str(hand_mod10(sscc.text[:-1]))
