"""UPU S10 item identifiers: service indicator (2 letters), serial (8 digits), check digit, country.

Example: RR 47312482 9 GB. The check digit is computed with weights 8 6 4 2 3 5 9 7 (UPU S10, section 6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from station.ids.check_digits import s10_check_digit
from station.ids.countries import ISO_3166_ALPHA2
from station.ids.errors import InvalidId

# Only real white space: str.split() would also drop GS (0x1D), the FNC1 separator.
_WHITESPACE = re.compile(r"[ \t\r\n]")

# What the first letter of the service indicator means (UPU S10 Annex A). Used for display only:
# operators assign the second letter themselves.
SERVICE_CLASSES: dict[str, str] = {
    "C": "parcel",
    "E": "EMS",
    "L": "letter post, tracked",
    "R": "registered",
    "U": "letter post, bilateral",
    "V": "insured letter",
    "H": "e-commerce parcel",
    "M": "M-bag",
    "Q": "IRC",
}


@dataclass(frozen=True, slots=True)
class S10:
    """A valid UPU S10 identifier."""

    service: str
    serial: str
    check: int
    country: str

    @property
    def text(self) -> str:
        """The 13-character id, e.g. RR473124829GB."""
        return f"{self.service}{self.serial}{self.check}{self.country}"

    @property
    def human_readable(self) -> str:
        """The id as printed under the barcode: RR 473 124 829 GB."""
        s = f"{self.serial}{self.check}"
        return f"{self.service} {s[0:3]} {s[3:6]} {s[6:9]} {self.country}"

    @classmethod
    def build(cls, service: str, serial: int, country: str) -> S10:
        """A new id from its parts; the check digit is computed."""
        service, country = service.upper(), country.upper()
        _check_service(service)
        _check_country(country)
        if not 0 <= serial <= 99_999_999:
            raise InvalidId(f"S10 serial must be 0..99999999, not {serial}")
        digits = f"{serial:08d}"
        return cls(service, digits, s10_check_digit(digits), country)

    @classmethod
    def parse(cls, text: str) -> S10:
        """Validate an S10 id (spaces allowed, any case); InvalidId says exactly what is wrong."""
        compact = _WHITESPACE.sub("", text).upper()
        if len(compact) != 13:
            raise InvalidId(f"an S10 id has 13 characters (AA123456789CC), this one has {len(compact)}")
        service, digits, country = compact[:2], compact[2:11], compact[11:]
        _check_service(service)
        bad = [i + 3 for i, ch in enumerate(digits) if not ("0" <= ch <= "9")]
        if bad:
            raise InvalidId(
                f"S10 characters 3-11 must be digits; position {bad[0]} is {compact[bad[0] - 1]!r}"
            )
        _check_country(country)
        expected = s10_check_digit(digits[:8])
        if int(digits[8]) != expected:
            raise InvalidId(f"wrong S10 check digit: expected {expected}, found {digits[8]}")
        return cls(service, digits[:8], expected, country)


def _check_service(service: str) -> None:
    if len(service) != 2 or not all("A" <= ch <= "Z" for ch in service):
        raise InvalidId(f"S10 service indicator must be two letters A-Z, not {service!r}")


def _check_country(country: str) -> None:
    if len(country) != 2 or not all("A" <= ch <= "Z" for ch in country):
        raise InvalidId(f"S10 country must be two letters (ISO 3166), not {country!r}")
    if country not in ISO_3166_ALPHA2:
        raise InvalidId(f"unknown S10 country code {country!r} (not an ISO 3166-1 alpha-2 code)")
