"""Check digit algorithms of UPU S10 (mod 11) and GS1 (mod 10)."""

from __future__ import annotations

# UPU S10 weights for the eight serial digits, left to right.
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial: 11 - (weighted sum mod 11), 10 -> 0, 11 -> 5."""
    if len(serial) != 8 or not serial.isascii() or not serial.isdigit():
        raise ValueError(f"an S10 serial is 8 digits, not {serial!r}")
    total = sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def gs1_mod10(digits: str) -> int:
    """GS1 mod-10 check digit of the digits before it (weights 3,1,3,... from the right)."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"a GS1 check digit needs digits, not {digits!r}")
    total = 0
    for i, d in enumerate(reversed(digits)):
        total += int(d) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10
