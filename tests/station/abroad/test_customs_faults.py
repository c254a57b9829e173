"""Issue 31, item 15: each problem of a declaration names the cell it is about, so the form marks it."""

from __future__ import annotations

import pytest

from station.abroad.customs import DeclarationRefused, parse

GOOD_LINE = {
    "description": "cotton T-shirt",
    "quantity": 2,
    "value": "25.00",
    "currency": "USD",
    "weight_g": 400,
    "hs_code": "610910",
    "origin_country": "US",
}


def test_every_problem_names_its_line_and_field() -> None:
    bad_second = {**GOOD_LINE, "description": "gift", "hs_code": "61", "origin_country": "XX"}
    with pytest.raises(DeclarationRefused) as refused:
        parse({"category": "gift", "items": [GOOD_LINE, bad_second]}, gross_weight_g=2000)
    assert len(refused.value.problems) == 3
    assert refused.value.faults == [(2, "description"), (2, "hs_code"), (2, "origin_country")]


def test_a_problem_of_the_whole_declaration_names_its_field() -> None:
    heavy = {**GOOD_LINE, "weight_g": 900}
    with pytest.raises(DeclarationRefused) as refused:
        parse(
            {"category": "present", "items": [GOOD_LINE, {**GOOD_LINE, "currency": "EUR"}]},
            gross_weight_g=1000,
        )
    assert refused.value.faults == [(0, "category"), (0, "currency")]
    with pytest.raises(DeclarationRefused) as too_heavy:
        parse({"category": "gift", "items": [heavy, heavy]}, gross_weight_g=1000)
    assert too_heavy.value.faults == [(0, "weight_g")]
