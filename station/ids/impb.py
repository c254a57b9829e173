"""USPS Intelligent Mail package barcode (IMpb), USPS Publication 199.

The barcode is GS1-128 carrying AI 420 (destination ZIP, 5 or 9 digits) -- or AI 421 (ISO country +
postal code) -- then FNC1, then the tracking number, whose first two digits (91-95) are themselves a
GS1 company-internal AI. The tracking number ends with a GS1 mod-10 check digit. GS (0x1D) stands for
FNC1 in element strings, as scanners transmit it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from station.ids.check_digits import gs1_mod10
from station.ids.errors import InvalidId

# Only real white space: str.split() would also drop GS (0x1D), the FNC1 separator.
_WHITESPACE = re.compile(r"[ \t\r\n]")

GS = "\x1d"
# Channel application identifiers of IMpb tracking numbers (91 is the legacy form still in the field).
TRACKING_PREFIXES = ("91", "92", "93", "94", "95")
TRACKING_MIN, TRACKING_MAX = 20, 34


@dataclass(frozen=True, slots=True)
class Impb:
    """A valid IMpb: the tracking number (check digit included) and, when present, the routing ZIP."""

    tracking: str
    routing_zip: str | None = None
    routing_country: str | None = None  # ISO 3166 numeric, only for the AI 421 form

    @property
    def element_string(self) -> str:
        """The GS1 element string as a scanner transmits it (FNC1 as GS)."""
        if self.routing_zip is None:
            return self.tracking
        if self.routing_country is not None:
            return f"421{self.routing_country}{self.routing_zip}{GS}{self.tracking}"
        return f"420{self.routing_zip}{GS}{self.tracking}"

    @property
    def human_readable(self) -> str:
        """The tracking number in groups of four (4-4-4-4-4-2 for the 22-digit form)."""
        return " ".join(self.tracking[i : i + 4] for i in range(0, len(self.tracking), 4))

    @property
    def gs1_text(self) -> str:
        """The element string with AIs in brackets, as printed under GS1-128 barcodes."""
        if self.routing_zip is None:
            return f"({self.tracking[:2]}){self.tracking[2:]}"
        ai = f"(421){self.routing_country}" if self.routing_country else "(420)"
        return f"{ai}{self.routing_zip}({self.tracking[:2]}){self.tracking[2:]}"

    @classmethod
    def build(cls, body: str, routing_zip: str | None = None) -> Impb:
        """A new IMpb from the tracking digits before the check digit."""
        if not body.isascii() or not body.isdigit():
            raise InvalidId(f"IMpb tracking digits expected, not {body!r}")
        tracking = body + str(gs1_mod10(body))
        _check_tracking(tracking)
        if routing_zip is not None:
            _check_zip(routing_zip)
        return cls(tracking, routing_zip)

    @classmethod
    def parse(cls, text: str) -> Impb:
        """An IMpb from an element string (with or without FNC1/GS) or a bare tracking number."""
        compact = _WHITESPACE.sub("", text)
        if GS in compact:
            routing, _, tracking = compact.partition(GS)
            return cls._from_parts(routing, tracking)
        if not compact.isascii() or not compact.isdigit():
            raise InvalidId("an IMpb is digits only (with GS after the routing ZIP)")
        if compact.startswith(("420", "421")) and not compact.startswith(TRACKING_PREFIXES):
            return cls._without_separator(compact)
        _check_tracking(compact)
        return cls(compact)

    @classmethod
    def _from_parts(cls, routing: str, tracking: str) -> Impb:
        _check_tracking(tracking)
        if routing.startswith("420"):
            zip_code = routing[3:]
            _check_zip(zip_code)
            return cls(tracking, zip_code)
        if routing.startswith("421"):
            country, postal = routing[3:6], routing[6:]
            if (
                len(country) != 3
                or not (country.isascii() and country.isdigit())
                or not postal
                or len(postal) > 9
            ):
                raise InvalidId(f"AI 421 needs a 3-digit ISO country and a postal code, not {routing[3:]!r}")
            return cls(tracking, postal, country)
        raise InvalidId(f"IMpb routing must be AI 420 or 421, not {routing[:3]!r}")

    @classmethod
    def _without_separator(cls, digits: str) -> Impb:
        # A wedge scanner that drops FNC1 leaves "420" + ZIP + tracking run together. The ZIP is 5 or
        # 9 digits; whichever split leaves a tracking number with a valid check digit is the reading.
        errors = []
        for zip_len in (5, 9):
            routing, tracking = digits[: 3 + zip_len], digits[3 + zip_len :]
            try:
                return cls._from_parts(routing, tracking)
            except InvalidId as exc:
                errors.append(str(exc))
        raise InvalidId(f"IMpb without FNC1 separator could not be split: {errors[0]}")


def _check_zip(zip_code: str) -> None:
    if len(zip_code) not in (5, 9) or not zip_code.isascii() or not zip_code.isdigit():
        raise InvalidId(f"AI 420 routing ZIP must be 5 or 9 digits, not {zip_code!r}")


def _check_tracking(tracking: str) -> None:
    if not tracking.isascii() or not tracking.isdigit():
        raise InvalidId(f"IMpb tracking number must be digits, not {tracking[:40]!r}")
    if not tracking.startswith(TRACKING_PREFIXES):
        raise InvalidId(f"IMpb tracking number must start with 91-95, not {tracking[:2]!r}")
    if not TRACKING_MIN <= len(tracking) <= TRACKING_MAX:
        raise InvalidId(
            f"IMpb tracking number has {len(tracking)} digits; expected {TRACKING_MIN}-{TRACKING_MAX}"
        )
    expected = gs1_mod10(tracking[:-1])
    if int(tracking[-1]) != expected:
        raise InvalidId(f"wrong IMpb check digit: expected {expected}, found {tracking[-1]}")


def issued_under(tracking: str, mailer_id: str) -> bool:
    """Whether an IMpb tracking number was issued under `mailer_id` (USPS Pub 199: it follows the
    2-digit channel and 3-digit service type codes; "92" with a 9-digit Mailer ID, "93" with 6)."""
    prefix = "92" if len(mailer_id) == 9 else "93"
    return bool(mailer_id) and tracking.startswith(prefix) and tracking[5 : 5 + len(mailer_id)] == mailer_id
