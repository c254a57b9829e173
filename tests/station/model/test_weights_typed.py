"""Weights as a counter types them (issue 31, item 20): US counters weigh in pounds and ounces."""

from __future__ import annotations

import pytest

from station.model.inputs import parse_weight_g


@pytest.mark.parametrize(
    ("typed", "grams"),
    [
        ("2lb 3oz", 992),  # 2 x 453.59237 + 3 x 28.349523125 = 992.23
        ("2 lbs 3 oz", 992),
        ("2lb3.5oz", 1_006),
        ("1 lb 0 oz", 454),
        ("2lbs", 907),
        ("3oz", 85),
        ("1.2kg", 1_200),
        ("500", 500),
    ],
)
def test_pounds_and_ounces_together_or_alone(typed: str, grams: int) -> None:
    assert parse_weight_g(typed) == grams


@pytest.mark.parametrize("typed", ["2lb 3", "lb oz", "2kg 3oz", "2s", "nan", "-1lb 2oz"])
def test_what_is_not_a_weight_is_refused_in_words(typed: str) -> None:
    with pytest.raises(ValueError, match=r"is not a number with a unit|is negative"):
        parse_weight_g(typed)
