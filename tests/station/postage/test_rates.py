"""Golden rate cases straight from the tables in assets/rates, and clear refusals."""

from __future__ import annotations

from datetime import date

import pytest

from station.postage.rates import Dimensions, RateError, RateTable

JAN = date(2026, 3, 1)  # the 2026-01-18 table
JUL = date(2026, 11, 23)  # the 2026-07-12 table


@pytest.mark.parametrize(
    ("on", "service", "grams", "origin", "dest", "cents"),
    [
        (JAN, "letter", 20, "10001", "94105", 73),  # unzoned: first ounce
        (JAN, "letter", 60, "10001", "94105", 129),
        (JAN, "ground", 113, "10001", "10002", 500),  # zone 1, first break
        (JAN, "ground", 1200, "10001", "94105", 3460),  # zone 8, up to 2268 g
        (JAN, "priority", 1200, "10001", "60601", 2340),  # NYC chart: 606 is zone 5
        (JUL, "priority", 1200, "10001", "94105", 3677),  # +3% from 3570
        (JUL, "express", 200, "94105", "94107", 2987),  # SF chart: zone 1
        (JAN, "ground", 500, "30301", "60601", 1390),  # no chart for 303: distance |3-6| = 3 -> zone 6
    ],
)
def test_golden_rates(on: date, service: str, grams: int, origin: str, dest: str, cents: int) -> None:
    assert RateTable.for_date(on).quote(service, grams, origin, dest).total_cents == cents


def test_the_newest_table_not_in_the_future_applies() -> None:
    assert RateTable.for_date(date(2026, 7, 11)).effective == date(2026, 1, 18)
    assert RateTable.for_date(date(2026, 7, 12)).effective == date(2026, 7, 12)
    with pytest.raises(RateError, match="no rate table in force"):
        RateTable.for_date(date(2025, 12, 31))


def test_dimensional_weight_is_charged_when_larger() -> None:
    table = RateTable.for_date(JAN)
    quote = table.quote("ground", 1200, "10001", "94105", dims=Dimensions.parse("60x40x40cm"))
    # 24 x 16 x 16 in (each side to the nearest inch) = 6,144 cubic inches / 166 = 37.01: 38 lb
    assert quote.billed_weight_g == 17237  # 38 x 453.59237 g, rounded up
    assert quote.lines[0].label.startswith("dimensional weight 17237 g")
    small = table.quote("ground", 1200, "10001", "94105", dims=Dimensions.parse("30x20x10cm"))
    assert small.billed_weight_g == 1200  # under one cubic foot: actual weight


@pytest.mark.parametrize(
    ("dims", "billed"),
    [
        ("12x12x12in", 1200),  # 1,728 cubic inches: one cubic foot is not over it
        ("12x12x12.4in", 1200),  # 12.4 rounds to 12: still 1,728
        ("12x12x12.5in", 5444),  # 12.5 rounds up to 13: 1,872 / 166 = 11.3: 12 lb (5,443.1 g, rounded up)
        ("12x12x13in", 5444),
        ("30.48x30.48x33cm", 5444),  # the same box measured in centimetres: 12 x 12 x 13 in
        ("20x20x20in", 22227),  # 8,000 / 166 = 48.2: 49 lb (22.2 kg), under the 31.75 kg limit
    ],
)
def test_the_usps_dimensional_weight_rule_at_its_edges(dims: str, billed: int) -> None:
    quote = RateTable.for_date(JAN).quote("priority", 1200, "10001", "94105", dims=Dimensions.parse(dims))
    assert quote.billed_weight_g == billed


def test_a_heavy_parcel_pays_its_weight_and_a_letter_never_pays_size() -> None:
    table = RateTable.for_date(JAN)
    heavy = table.quote("ground", 9000, "10001", "94105", dims=Dimensions.parse("12x12x13in"))
    assert heavy.billed_weight_g == 9000  # heavier than its 12 lb of size
    letter = table.quote("letter", 20, "10001", "94105", dims=Dimensions.parse("30x30x30in"))
    assert letter.billed_weight_g == 20  # an unzoned letter rate: size is not charged
    with pytest.raises(RateError, match="dimensional weight"):
        table.quote("ground", 1200, "10001", "94105", dims=Dimensions.parse("30x30x30in"))  # 163 lb


def test_surcharges_are_separate_lines() -> None:
    quote = RateTable.for_date(JAN).quote(
        "priority", 900, "10001", "94105", signature=True, declared_value_cents=35_000
    )
    assert [line.cents for line in quote.lines] == [2140, 365, 250 + 3 * 150]
    assert quote.total_cents == 2140 + 365 + 700


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"service": "ground", "weight_g": 0}, "more than zero"),
        ({"service": "ground", "weight_g": 40_000}, "over the Ground Advantage limit"),
        ({"service": "letter", "weight_g": 120}, "over the First-Class Letter limit"),
        ({"service": "balloon", "weight_g": 100}, "unknown service 'balloon'"),
        ({"service": "ground", "weight_g": 100, "destination_zip": "9410"}, "destination ZIP '9410'"),
        ({"service": "ground", "weight_g": 100, "destination_zip": "00012"}, "unknown ZIP prefix 000"),
    ],
)
def test_bad_input_is_refused_with_the_reason(kwargs: dict[str, object], message: str) -> None:
    args = {"origin_zip": "10001", "destination_zip": "94105", **kwargs}
    with pytest.raises(RateError, match=message):
        RateTable.for_date(JAN).quote(**args)  # type: ignore[arg-type]


def test_dimensions_parse_units() -> None:
    assert Dimensions.parse("12x8x4in").volume_cm3 == 6316  # 305 x 203 x 102 mm, rounded up
    with pytest.raises(RateError, match="length x width x height"):
        Dimensions.parse("12x8")
