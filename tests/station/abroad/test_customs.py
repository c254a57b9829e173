"""Customs declarations checked as the UPU's CN 22 / CN 23 require, and the form chosen by value in SDR."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from station.abroad.customs import Category, DeclarationRefused, Form, form_for, is_vague, load, parse
from station.ids.countries import UnknownCountry, latin_name
from station.model.sdr import SdrRates

RATES = SdrRates({"USD": Decimal("0.7512"), "EUR": Decimal("0.8113")}, date(2026, 11, 30))


def line(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "description": "cotton T-shirt",
        "quantity": 2,
        "value": "15.00",
        "currency": "USD",
        "weight_g": 300,
        "hs_code": "6109.10",
        "origin_country": "US",
    }
    return {**base, **changes}


def refused(raw: object, gross: int = 1000) -> list[str]:
    with pytest.raises(DeclarationRefused) as caught:
        parse(raw, gross_weight_g=gross)
    return caught.value.problems


def test_a_precise_declaration_is_taken_with_its_totals() -> None:
    made = parse(
        {
            "category": "gift",
            "items": [
                line(),
                line(
                    description="paperback novel",
                    value="9.99",
                    weight_g=250,
                    hs_code="490199",
                    origin_country="gb",
                ),
            ],
        },
        gross_weight_g=700,
    )
    assert made.category is Category.GIFT and made.currency == "USD"
    assert made.total_value == Decimal("24.99") and made.net_weight_g == 550
    assert made.lines[0].hs_code == "610910" and made.lines[1].origin_country == "GB"


@pytest.mark.parametrize(
    "vague", ["gift", "Sample", "goods", "parts", "spare parts", "Gifts & samples", "misc."]
)
def test_vague_descriptions_are_refused_with_the_reason(vague: str) -> None:
    (problem,) = refused({"category": "gift", "items": [line(description=vague)]})
    assert problem.startswith("line 1: ") and "does not say what it is" in problem


def test_precise_words_beside_vague_ones_are_precise() -> None:
    assert not is_vague("bicycle brake parts") and not is_vague("gift: wool scarf") and is_vague("gift")


def test_goods_need_a_six_digit_hs_code_documents_do_not() -> None:
    assert any("hs_code" in p for p in refused({"category": "sale", "items": [line(hs_code="6109")]}))
    assert any("hs_code" in p for p in refused({"category": "sale", "items": [line(hs_code=None)]}))
    letters = parse(
        {
            "category": "documents",
            "items": [
                {
                    "description": "signed contract",
                    "quantity": 1,
                    "value": "0",
                    "currency": "EUR",
                    "weight_g": 40,
                }
            ],
        },
        gross_weight_g=60,
    )
    assert letters.total_value == 0 and letters.lines[0].hs_code == ""


def test_net_weights_above_the_gross_weight_are_refused() -> None:
    problems = refused({"category": "gift", "items": [line(weight_g=600), line(weight_g=500)]}, gross=1000)
    assert problems == ["the net weights add up to 1100 g, more than the item's 1000 g"]


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("currency", "DOLLARS"),
        ("currency", "XYZ"),
        ("value", 12.123),
        ("value", "-3"),
        ("value", "abc"),
        ("value", True),
        ("quantity", 0),
        ("quantity", 1.5),
        ("weight_g", "300"),
        ("origin_country", "XX"),
    ],
)
def test_each_bad_field_is_named_on_its_line(field: str, bad: object) -> None:
    raw = line(**{field: Decimal(str(bad)) if isinstance(bad, float) else bad})
    problems = refused({"category": "sale", "items": [line(), raw]})
    assert any(p.startswith(f"line 2: {field}") for p in problems), problems


def test_json_with_nan_mixed_currencies_or_no_items_is_refused() -> None:
    with pytest.raises(DeclarationRefused, match="NaN"):
        load('{"category": "gift", "items": [{"value": NaN}]}', gross_weight_g=100)
    assert any(
        "one currency" in p for p in refused({"category": "gift", "items": [line(), line(currency="EUR")]})
    )
    assert any("at least one line" in p for p in refused({"category": "gift", "items": []}))
    assert any("category" in p for p in refused({"category": "present", "items": [line()]}))


def test_amounts_are_read_as_decimals_not_floats() -> None:
    made = load(
        json.dumps({"category": "gift", "items": [line(value="0")]}).replace('"0"', "0.1"),
        gross_weight_g=1000,
    )
    assert made.lines[0].value == Decimal("0.1")  # not 0.1000000000000000055511151231257827


def test_cn22_up_to_300_sdr_and_cn23_above() -> None:
    # 399.36 USD x 0.7512 = 299.999... SDR: a CN 22; one cent more passes 300 SDR: a CN 23.
    under = parse({"category": "sale", "items": [line(value="399.36", quantity=1)]}, gross_weight_g=1000)
    over = parse({"category": "sale", "items": [line(value="399.37", quantity=1)]}, gross_weight_g=1000)
    assert form_for(under, RATES) is Form.CN22
    assert form_for(over, RATES) is Form.CN23
    with pytest.raises(KeyError, match="GBP"):
        form_for(parse({"category": "gift", "items": [line(currency="GBP")]}, gross_weight_g=1000), RATES)


def test_countries_come_from_iso_3166_with_their_latin_capital_names() -> None:
    assert latin_name("ru") == "RUSSIAN FEDERATION" and latin_name("CN") == "CHINA"
    with pytest.raises(UnknownCountry, match="'XX'"):
        latin_name("XX")
