"""International rates: data files (`assets/rates/international/<date>.toml`) with effective dates, priced
by the destination country's price group; each product names its S10 service indicator and when it
needs a customs declaration, so the counter, the label and the customs check read one table of facts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from station.ids.countries import ISO_3166_ALPHA2, latin_name
from station.postage.rates import Quote, QuoteLine, RateError
from station.resources import asset

ASSETS = asset("rates", "international")
JOURNAL_PREFIX = "intl-"  # an item abroad is journalled as service "intl-parcel": never a domestic one


def journal_service(key: str) -> str:
    """The service an item abroad is journalled under ("express" abroad is not domestic express)."""
    return JOURNAL_PREFIX + key


def is_international(service: str) -> bool:
    """True for the journalled service of an item abroad."""
    return service.startswith(JOURNAL_PREFIX)


class Customs(StrEnum):
    """When a product's items carry a CN 22 / CN 23."""

    ALWAYS = "always"  # parcels: every item, documents included
    GOODS = "goods"  # letters and express: only when goods are inside
    NEVER = "never"


@dataclass(frozen=True)
class Product:
    """One international product of the table."""

    key: str
    name: str
    s10_service: str
    tracked: bool
    customs: Customs
    max_weight_g: int

    def needs_declaration(self, *, goods: bool) -> bool:
        """True when an item of this product (with or without goods inside) needs a CN 22 / CN 23."""
        return self.customs is Customs.ALWAYS or (self.customs is Customs.GOODS and goods)


@cache
def _load(path: Path, mtime_ns: int) -> dict[str, Any]:
    with open(path, "rb") as f:
        return tomllib.load(f)


class InternationalTable:
    """One international price list."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        self.effective: date = data["effective"]
        self.default_group = int(data["default_group"])
        self._cn23_copies = int(data.get("cn23_copies", 1))
        self._cn23_copies_by_country = {
            str(code).upper(): int(n) for code, n in dict(data.get("cn23_copies_by_country", {})).items()
        }
        self.group_of = {
            country: int(group) for group, countries in data["groups"].items() for country in countries
        }
        self.products = {
            key: Product(
                key,
                spec["name"],
                spec["s10_service"],
                bool(spec["tracked"]),
                Customs(spec["customs"]),
                int(spec["max_weight_g"]),
            )
            for key, spec in data["products"].items()
        }

    @classmethod
    def for_date(cls, on: date, folder: Path = ASSETS) -> InternationalTable:
        """The table in force on `on`."""
        tables = [cls(_load(p, p.stat().st_mtime_ns), p.name) for p in sorted(folder.glob("*.toml"))]
        valid = [t for t in tables if t.effective <= on]
        if not valid:
            raise RateError(f"no international rate table in force on {on.isoformat()} in {folder}")
        return max(valid, key=lambda t: t.effective)

    def cn23_copies(self, country: str) -> int:
        """How many copies of a CN 23 an item to `country` needs (the destination's post decides)."""
        return self._cn23_copies_by_country.get(country.upper(), self._cn23_copies)

    def product(self, key: str) -> Product:
        """A product by its key; RateError naming the choices."""
        if key not in self.products:
            raise RateError(
                f"unknown international product {key!r}; choose one of {', '.join(self.products)}"
            )
        return self.products[key]

    def group(self, country: str) -> int:
        """The destination's price group."""
        code = country.upper()
        if code not in ISO_3166_ALPHA2:
            raise RateError(f"{country!r} is not an ISO 3166 country code (two letters, e.g. DE, RU, CN)")
        return self.group_of.get(code, self.default_group)

    def quote(self, key: str, weight_g: int, country: str, *, home: str = "US") -> Quote:
        """Price one item to `country` (never to the station's own country: that is a domestic item)."""
        product = self.product(key)
        if country.upper() == home.upper():
            raise RateError(f"{latin_name(country)} is this station's own country: use a domestic service")
        group = self.group(country)
        if weight_g <= 0:
            raise RateError("weight must be more than zero")
        if weight_g > product.max_weight_g:
            raise RateError(f"{weight_g} g is over the {product.name} limit of {product.max_weight_g} g")
        spec = self.data["products"][key]
        row = next(i for i, limit in enumerate(spec["breaks_g"]) if weight_g <= limit)
        price = int(spec["prices"][row][group - 1])
        what = (
            f"{product.name} to {latin_name(country)}, up to {spec['breaks_g'][row]} g, price group {group}"
        )
        return Quote(
            key,
            product.name,
            product.s10_service,
            group,
            weight_g,
            weight_g,
            (QuoteLine(what, price),),
            self.effective,
        )
