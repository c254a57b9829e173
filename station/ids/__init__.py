"""Postal identifiers: UPU S10 item ids, USPS IMpb tracking numbers, GS1 SSCC container codes."""

from station.ids.allocator import S10Allocator, SerialSpaceExhausted, SsccAllocator
from station.ids.check_digits import gs1_mod10, s10_check_digit
from station.ids.errors import InvalidId
from station.ids.impb import Impb
from station.ids.s10 import S10
from station.ids.sscc import Sscc

__all__ = [
    "S10",
    "Impb",
    "InvalidId",
    "S10Allocator",
    "SerialSpaceExhausted",
    "Sscc",
    "SsccAllocator",
    "gs1_mod10",
    "s10_check_digit",
]
