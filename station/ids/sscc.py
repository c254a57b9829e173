"""GS1 Serial Shipping Container Code (AI 00): the id of a sack, receptacle or pallet.

18 digits: extension digit, GS1 company prefix, serial reference, mod-10 check digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from station.ids.check_digits import gs1_mod10
from station.ids.errors import InvalidId

# Only real white space: str.split() would also drop GS (0x1D), the FNC1 separator.
_WHITESPACE = re.compile(r"[ \t\r\n]")


@dataclass(frozen=True, slots=True)
class Sscc:
    """A valid SSCC."""

    digits: str

    @property
    def text(self) -> str:
        """The 18 digits."""
        return self.digits

    @property
    def element_string(self) -> str:
        """AI 00 followed by the 18 digits, as encoded in GS1-128."""
        return "00" + self.digits

    @property
    def human_readable(self) -> str:
        """As printed under the barcode: (00) 3 1234567 123456789 0."""
        d = self.digits
        return f"(00) {d[0]} {d[1:8]} {d[8:17]} {d[17]}"

    @classmethod
    def build(cls, extension: int, company_prefix: str, serial: int) -> Sscc:
        """A new SSCC: extension digit + company prefix + serial reference, check digit computed."""
        if not 0 <= extension <= 9:
            raise InvalidId(f"SSCC extension digit must be 0-9, not {extension}")
        if not company_prefix.isdigit() or not 6 <= len(company_prefix) <= 12:
            raise InvalidId(f"GS1 company prefix must be 6-12 digits, not {company_prefix!r}")
        width = 16 - len(company_prefix)
        if not 0 <= serial < 10**width:
            raise InvalidId(f"SSCC serial reference must fit {width} digits with this company prefix")
        body = f"{extension}{company_prefix}{serial:0{width}d}"
        return cls(body + str(gs1_mod10(body)))

    @classmethod
    def parse(cls, text: str) -> Sscc:
        """An SSCC from its 18 digits or the 20-digit AI 00 element string."""
        compact = _WHITESPACE.sub("", text)
        if compact.startswith("(00)"):
            compact = compact[4:]
        elif len(compact) == 20 and compact.startswith("00"):
            compact = compact[2:]
        if not compact.isascii() or not compact.isdigit():
            raise InvalidId("an SSCC is digits only")
        if len(compact) != 18:
            raise InvalidId(f"an SSCC has 18 digits, this one has {len(compact)}")
        expected = gs1_mod10(compact[:17])
        if int(compact[17]) != expected:
            raise InvalidId(f"wrong SSCC check digit: expected {expected}, found {compact[17]}")
        return cls(compact)
