"""USPS IMpb: generated tracking numbers, substitution detection, grouping and element strings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.ids import Impb, InvalidId

GS = "\x1d"
TRACKING = "9205590123456789012345"  # 22 digits; check digit 5 by GS1 mod 10


def hand_mod10(digits: str) -> int:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def test_the_22_digit_tracking_number_groups_4_4_4_4_4_2():
    assert hand_mod10(TRACKING[:-1]) == 5
    assert Impb.parse(TRACKING).human_readable == "9205 5901 2345 6789 0123 45"


def test_element_string_with_a_5_digit_zip():
    impb = Impb.parse(f"42010001{GS}{TRACKING}")
    assert (impb.routing_zip, impb.tracking) == ("10001", TRACKING)
    assert impb.element_string == f"42010001{GS}{TRACKING}"
    assert impb.gs1_text == f"(420)10001(92){TRACKING[2:]}"


def test_element_string_with_a_9_digit_zip():
    impb = Impb.parse(f"420100011234{GS}{TRACKING}")
    assert impb.routing_zip == "100011234"


def test_element_string_with_the_ai_421_country_form():
    # Regression: str.split() treats GS (0x1D) as white space and used to strip the FNC1 here.
    impb = Impb.parse(f"421840100011234{GS}{TRACKING}")
    assert (impb.routing_country, impb.routing_zip) == ("840", "100011234")
    assert impb.element_string == f"421840100011234{GS}{TRACKING}"


def test_wrong_check_digit_names_the_expected_digit():
    with pytest.raises(InvalidId, match="expected 5, found 6"):
        Impb.parse(TRACKING[:-1] + "6")


bodies = st.builds(
    lambda p, rest: p + rest,
    st.sampled_from(["91", "92", "93", "94", "95"]),
    st.text(alphabet="0123456789", min_size=18, max_size=31),
)


@settings(max_examples=100, deadline=None)
@given(bodies, st.sampled_from([None, "10001", "100011234"]))
def test_generated_impbs_validate_and_every_single_digit_substitution_is_caught(body, zip_code):
    impb = Impb.build(body, zip_code)
    assert impb.tracking[-1] == str(hand_mod10(body))
    assert Impb.parse(impb.element_string) == impb
    t = impb.tracking
    for pos in range(2, len(t)):
        for d in "0123456789":
            if d != t[pos]:
                with pytest.raises(InvalidId):
                    Impb.parse(t[:pos] + d + t[pos + 1 :])
