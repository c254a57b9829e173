"""Customers' mobile numbers in E.164, validated with phonenumbers (Google's libphonenumber data)."""

from __future__ import annotations

import phonenumbers

from station.errors import Refused


class InvalidPhone(Refused):
    """A number that cannot receive texts; the message says why."""


def to_e164(text: str, default_region: str = "US") -> str:
    """'+1 (212) 555-0100' or '212 555 0100' -> '+12125550100'."""
    raw = text.strip()
    if not raw:
        raise InvalidPhone("no phone number given")
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"{raw!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{raw!r} is not a valid number for its country")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidPhone(f"{raw!r} is not a mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
