"""Addresses abroad: each country's required parts and postcode shape, the lines in the country's own
order and script, and the country in Latin capitals on the last line."""

from __future__ import annotations

import pytest

from station.abroad.addresses import Address, label_lines, problems
from station.ids.countries import ISO_3166_ALPHA2


def test_a_russian_address_is_laid_out_in_cyrillic_with_the_country_in_latin_capitals() -> None:
    ivan = Address("RU", "Иван Петров", "ул. Тверская, 1", "Москва", "Москва", "", "101000")
    assert problems(ivan) == []
    lines = label_lines(ivan)
    assert lines[0] == "Иван Петров" and "101000" in lines and lines[-1] == "RUSSIAN FEDERATION"


def test_a_chinese_address_runs_from_the_postcode_down_to_the_name() -> None:
    wang = Address("cn", "王小明", "朝阳区建国路88号", "北京市", "北京市", "", "100022")
    assert problems(wang) == []
    lines = label_lines(wang)
    assert lines[0] == "100022" and lines[-2] == "王小明" and lines[-1] == "CHINA"


@pytest.mark.parametrize(
    ("country", "postcode", "example"),
    [
        ("GB", "SW1A 2AAA", "EC1Y 8SY"),
        ("US", "1000", "95014"),
        ("DE", "1011", "26133"),
        ("RU", "10100", "247112"),
    ],
)
def test_a_postcode_of_the_wrong_shape_is_refused_with_an_example(
    country: str, postcode: str, example: str
) -> None:
    found = problems(
        Address(country, "A. Person", "1 Road", "Town", "NY" if country == "US" else "X", "", postcode)
    )
    (problem,) = found
    assert problem.startswith(f"postcode {postcode!r} is not a postcode of ") and problem.endswith(
        f"(e.g. {example})"
    )


def test_the_parts_a_country_requires_are_named_when_missing() -> None:
    found = problems(Address("US", "Bo Lee", "2 Elm St", "", "", "", ""))
    assert "the town or city is missing (required for UNITED STATES)" in found
    assert "the postcode is missing (required for UNITED STATES)" in found
    assert problems(Address("AE", "Ali", "Sheikh Zayed Rd 1", "", "Dubai")) == []  # no postcodes there
    assert problems(Address("ZZ", "x", "y")) == [
        "'ZZ' is not an ISO 3166 country code (two letters, e.g. DE, RU, CN)"
    ]


def test_control_characters_in_a_part_are_refused() -> None:
    assert any(
        "printable" in p
        for p in problems(Address("DE", "Anna\x07", "Hauptstr. 1", "Berlin", "", "", "10115"))
    )


@pytest.mark.parametrize("country", sorted(ISO_3166_ALPHA2))
def test_every_part_typed_is_on_the_label_whatever_the_countrys_format(country: str) -> None:
    # Issue 31, item 8: Japan's format has no city, and the 千代田区 the window asked for vanished.
    typed = Address(country, "N4ME Q", "1 STR33T", "C1TYQ", "AR3AQ", "D1STQ", "P0STQ")
    printed = "\n".join(label_lines(typed)).casefold()
    for part in ("N4ME Q", "1 STR33T", "C1TYQ", "AR3AQ", "D1STQ", "P0STQ"):
        assert part.casefold() in printed, (country, part, label_lines(typed))


def test_a_japanese_ward_goes_between_the_prefecture_and_the_street() -> None:
    tokyo = Address("JP", "山田太郎", "千代田1-1", "千代田区", "東京都", "", "100-0001")
    assert label_lines(tokyo) == ["〒100-0001", "東京都", "千代田区", "千代田1-1", "山田太郎", "JAPAN"]
