"""Rate tables: data files with effective dates; quotes in exact integer cents and grams.

Each `assets/rates/<date>.toml` is a complete price list; the newest one whose `effective` date is not
after the mailing date applies, so a new list can be installed ahead of a price change.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from station.errors import Refused
from station.resources import asset

ASSETS = asset("rates")
MAX_SIDE_MM = 10_000


class RateError(Refused):
    """A quote that cannot be given; the message is for the clerk."""


GRAMS_PER_POUND = Decimal("453.59237")


def dimensional_weight_g(dims: Dimensions, table: dict[str, Any]) -> int | None:
    """The weight the table's rule charges for the parcel's size, in grams, or None when size is not
    charged (a small parcel). USPS (`dim_rule = "usps"`): each side rounded to the nearest inch; over
    `dim_min_cubic_in` (1,728: one cubic foot) the cubic inches divided by `dim_divisor_cubic_in_per_lb`
    (166), rounded up to the next whole pound. Metric: cm3 / `dim_divisor_cm3_per_kg` over `dim_min_cm3`."""
    if table.get("dim_rule", "metric") == "usps":
        inches = [
            int((Decimal(side) / Decimal("25.4")).to_integral_value(rounding="ROUND_HALF_UP"))
            for side in (dims.length_mm, dims.width_mm, dims.height_mm)
        ]
        cubic = inches[0] * inches[1] * inches[2]
        if cubic <= int(table["dim_min_cubic_in"]):
            return None
        pounds = -(-cubic // int(table["dim_divisor_cubic_in_per_lb"]))
        return int((pounds * GRAMS_PER_POUND).to_integral_value(rounding="ROUND_CEILING"))
    if dims.volume_cm3 <= int(table["dim_min_cm3"]):
        return None
    return -(-dims.volume_cm3 * 1000 // int(table["dim_divisor_cm3_per_kg"]))


@dataclass(frozen=True)
class Dimensions:
    """Parcel size in whole millimetres."""

    length_mm: int
    width_mm: int
    height_mm: int

    @property
    def volume_cm3(self) -> int:
        """Volume in cubic centimetres (rounded up)."""
        return -(-self.length_mm * self.width_mm * self.height_mm // 1000)

    @classmethod
    def parse(cls, text: str) -> Dimensions:
        """'30x20x10cm' or '12x8x4in' (or mm)."""
        raw = text.strip().lower().replace(" ", "")
        unit = next((u for u in ("cm", "mm", "in") if raw.endswith(u)), "cm")
        numbers = raw.removesuffix(unit).split("x")
        if len(numbers) != 3:
            raise RateError(f"dimensions {text!r}: give length x width x height, e.g. 30x20x10cm")
        factor = {"cm": Decimal(10), "mm": Decimal(1), "in": Decimal("25.4")}[unit]
        try:
            sizes = [Decimal(n) * factor for n in numbers]
        except InvalidOperation:
            raise RateError(f"dimensions {text!r} are not numbers") from None
        if not all(s.is_finite() for s in sizes):  # NaN, Infinity
            raise RateError(f"dimensions {text!r} are not numbers")
        if min(sizes) <= 0:
            raise RateError(f"dimensions {text!r} must be positive")
        if max(sizes) > MAX_SIDE_MM:
            raise RateError(f"dimensions {text!r}: no side of a parcel is over {MAX_SIDE_MM // 1000} m")
        mm = [int(s.to_integral_value(rounding="ROUND_HALF_UP")) for s in sizes]
        return cls(*mm)


@dataclass(frozen=True)
class QuoteLine:
    """One line of a price breakdown."""

    label: str
    cents: int


@dataclass(frozen=True)
class Quote:
    """A priced piece."""

    service: str
    service_name: str
    category: str
    zone: int | None
    actual_weight_g: int
    billed_weight_g: int
    lines: tuple[QuoteLine, ...]
    table_effective: date

    @property
    def total_cents(self) -> int:
        """What the customer pays."""
        return sum(line.cents for line in self.lines)


@cache
def _tables(folder: Path, files: tuple[tuple[str, int], ...]) -> tuple[RateTable, ...]:
    # Keyed by the files' names and times: a table installed while the station runs is picked up.
    out = []
    for name, _mtime in files:
        with open(folder / name, "rb") as f:
            out.append(RateTable(tomllib.load(f), name))
    return tuple(out)


def money(cents: int) -> str:
    """'$12.34'."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100}.{abs(cents) % 100:02d}"


class RateTable:
    """One price list."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        self.effective: date = data["effective"]
        self.services: dict[str, Any] = data["services"]

    @classmethod
    def for_date(cls, on: date, folder: Path = ASSETS) -> RateTable:
        """The table in force on `on` (tables are read once per process and folder content)."""
        tables = _tables(folder, tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.toml"))))
        valid = [t for t in tables if t.effective <= on]
        if not valid:
            raise RateError(f"no rate table in force on {on.isoformat()} in {folder}")
        return max(valid, key=lambda t: t.effective)

    def zone(self, origin_zip: str, destination_zip: str) -> int:
        """The zone between two 5-digit ZIPs (zone chart, then distance fallback)."""
        for label, z in (("origin", origin_zip), ("destination", destination_zip)):
            if len(z) not in (5, 9) or not z.isascii() or not z.isdigit():
                raise RateError(f"{label} ZIP {z!r} must be 5 digits")
        o, d = origin_zip[:3], destination_zip[:3]
        if d == "000" or o == "000":
            raise RateError(f"unknown ZIP prefix {d if d == '000' else o}")
        for chart in self.data.get("zone_charts", []):
            if chart["origin"][0] <= o <= chart["origin"][1]:
                for (low, high), zone in chart["rows"]:
                    if low <= d <= high:
                        return int(zone)
        return int(self.data["distance_zones"]["by_difference"][abs(int(o[0]) - int(d[0]))])

    def quote(
        self,
        service: str,
        weight_g: int,
        origin_zip: str,
        destination_zip: str,
        *,
        dims: Dimensions | None = None,
        signature: bool = False,
        declared_value_cents: int = 0,
    ) -> Quote:
        """Price one piece; RateError says what is wrong."""
        if service not in self.services:
            raise RateError(f"unknown service {service!r}; choose one of {', '.join(self.services)}")
        spec = self.services[service]
        if weight_g <= 0:
            raise RateError("weight must be more than zero")
        zone = self.zone(origin_zip, destination_zip) if spec["zoned"] else None
        billed = weight_g
        lines = []
        dim_g = dimensional_weight_g(dims, self.data) if dims is not None and spec["zoned"] else None
        if dim_g is not None:
            billed = max(weight_g, dim_g)
        if billed > spec["max_weight_g"]:
            raise RateError(
                f"{billed} g is over the {spec['name']} limit of {spec['max_weight_g']} g"
                + (" (dimensional weight)" if billed != weight_g else "")
            )
        row = next(i for i, limit in enumerate(spec["breaks_g"]) if billed <= limit)
        price = spec["prices"][row][(zone or 1) - 1] if spec["zoned"] else spec["prices"][row][0]
        what = f"{spec['name']}, up to {spec['breaks_g'][row]} g" + (f", zone {zone}" if zone else "")
        lines.append(QuoteLine(what, int(price)))
        if billed != weight_g:
            lines.insert(0, QuoteLine(f"dimensional weight {billed} g charged (actual {weight_g} g)", 0))
        surcharges = self.data["surcharges"]
        if signature:
            lines.append(QuoteLine("signature on delivery", int(surcharges["signature"])))
        if declared_value_cents:
            if declared_value_cents < 0 or declared_value_cents > surcharges["insurance_max_cents"]:
                raise RateError(f"declared value must be 0-{money(surcharges['insurance_max_cents'])}")
            steps = -(-declared_value_cents // surcharges["insurance_step_cents"]) - 1
            fee = surcharges["insurance_base"] + max(0, steps) * surcharges["insurance_per_step"]
            lines.append(QuoteLine(f"insurance, declared value {money(declared_value_cents)}", int(fee)))
        return Quote(
            service, spec["name"], spec["category"], zone, weight_g, billed, tuple(lines), self.effective
        )
