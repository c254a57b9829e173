"""Postal identifiers: UPU S10 item ids, USPS IMpb tracking numbers, GS1 SSCC container codes."""

from station.ids.check_digits import gs1_mod10, s10_check_digit
from station.ids.errors import InvalidId
from station.ids.impb import Impb
from station.ids.s10 import S10
from station.ids.sscc import Sscc

__all__ = [
    "S10",
    "Impb",
    "InvalidId",
    "Sscc",
    "gs1_mod10",
    "s10_check_digit",
]
