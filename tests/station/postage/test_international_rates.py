"""The international rate table: price groups by destination, each product's S10 service and customs rule."""

from __future__ import annotations

from datetime import date

import pytest

from station.ids.countries import ISO_3166_ALPHA2
from station.ids.s10 import S10
from station.postage.international import Customs, InternationalTable
from station.postage.rates import RateError

TABLE = InternationalTable.for_date(date(2026, 12, 1))


def test_every_product_prices_every_group_at_every_weight_break() -> None:
    groups = max({*TABLE.group_of.values(), TABLE.default_group})
    assert set(TABLE.group_of) <= ISO_3166_ALPHA2  # no country misspelt in the data
    for key, spec in TABLE.data["products"].items():
        assert len(spec["prices"]) == len(spec["breaks_g"]), key
        assert all(len(row) == groups for row in spec["prices"]), key
        assert spec["breaks_g"] == sorted(spec["breaks_g"]) and spec["breaks_g"][-1] == spec["max_weight_g"]
        for row in zip(*spec["prices"], strict=True):  # within a group, heavier never costs less
            assert list(row) == sorted(row), key
        S10.build(TABLE.product(key).s10_service, 12345678, "US")  # a valid S10 service indicator


def test_the_quote_follows_the_destinations_price_group() -> None:
    to_canada = TABLE.quote("parcel", 1500, "ca")
    to_russia = TABLE.quote("parcel", 1500, "RU")
    to_chad = TABLE.quote("parcel", 1500, "TD")  # not listed: the default group
    assert (to_canada.zone, to_russia.zone, to_chad.zone) == (1, 7, TABLE.default_group)
    assert (
        to_canada.total_cents == 4290 and to_canada.total_cents < to_russia.total_cents < to_chad.total_cents
    )
    assert "RUSSIAN FEDERATION" in to_russia.lines[0].label


def test_products_name_their_s10_service_and_customs_rule() -> None:
    assert [TABLE.product(k).s10_service for k in ("letter", "registered", "parcel", "express")] == [
        "LX",
        "RR",
        "CP",
        "EE",
    ]
    parcel, letter = TABLE.product("parcel"), TABLE.product("letter")
    assert parcel.customs is Customs.ALWAYS and parcel.needs_declaration(goods=False)
    assert letter.needs_declaration(goods=True) and not letter.needs_declaration(goods=False)
    assert not letter.tracked and parcel.tracked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("parcel", 20001, "DE"), "over the International parcel limit"),
        (("letter", 100, "DE"), "over the International letter limit"),
        (("parcel", 0, "DE"), "more than zero"),
        (("parcel", 500, "XX"), "not an ISO 3166 country code"),
        (("parcel", 500, "US"), "this station's own country"),
        (("surface", 500, "DE"), "unknown international product"),
    ],
)
def test_impossible_quotes_say_why(args: tuple[str, int, str], message: str) -> None:
    with pytest.raises(RateError, match=message):
        TABLE.quote(*args)


def test_cn23_copies_follow_the_destinations_post_where_it_asks_for_another_number() -> None:
    table = InternationalTable.for_date(date(2026, 12, 1))
    data = {**table.data, "cn23_copies_by_country": {"br": 5}}
    changed = InternationalTable(data, "test")
    assert changed.cn23_copies("BR") == 5
    assert changed.cn23_copies("DE") == table.cn23_copies("DE") == int(table.data["cn23_copies"])
