"""Special Drawing Rights: how many SDR one unit of a currency is worth (the UPU's unit for customs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import pycountry


@dataclass(frozen=True)
class SdrRates:
    """How many SDR one unit of each currency is worth, as published on `as_of`."""

    per_unit: Mapping[str, Decimal]
    as_of: date

    @classmethod
    def parse(cls, text: str, as_of: str) -> SdrRates:
        """The setting's form: `USD=0.7353 EUR=0.8539 ...` and the ISO date they were taken from
        (ValueError naming what is wrong)."""
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise ValueError(f"sdr_rates_date must be a date like 2026-11-30, not {as_of!r}") from None
        rates: dict[str, Decimal] = {}
        for part in text.replace(",", " ").split():
            code, _, value = part.partition("=")
            code = code.strip().upper()
            if pycountry.currencies.get(alpha_3=code) is None:
                raise ValueError(f"sdr_rates: {code!r} is not an ISO 4217 currency code")
            try:
                rate = Decimal(value)
            except InvalidOperation:
                rate = Decimal("NaN")
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"sdr_rates: {code} needs a rate above 0 (SDR per unit), not {value!r}")
            rates[code] = rate
        if not rates:
            raise ValueError("sdr_rates: at least one rate, e.g. USD=0.7353")
        return cls(rates, day)

    def to_sdr(self, amount: Decimal, currency: str) -> Decimal:
        """`amount` in SDR; KeyError naming the currency when no rate is set for it."""
        if currency not in self.per_unit:
            raise KeyError(f"no SDR rate set for {currency} (rates of {self.as_of.isoformat()})")
        return amount * self.per_unit[currency]
