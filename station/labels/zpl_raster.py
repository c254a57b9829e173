"""Graphic-only ZPL: the label as one ^GFA bitmap with Zebra's ASCII-hex compression.

For printers and emulators that take graphics but not every native barcode command. Compression
(ZPL II manual, "Alternative Data Compression Scheme"): G-Y repeat 1-19, g-z repeat 20-400 in steps
of 20, ',' fills the rest of a row with 0, '!' with 1, ':' repeats the previous row.
"""

from __future__ import annotations

import numpy as np

from station.labels.model import Label
from station.labels.png import render_image

_LOW = "GHIJKLMNOPQRSTUVWXY"  # 1..19
_HIGH = "ghijklmnopqrstuvwxyz"  # 20..400


def _count(n: int) -> str:
    out = ""
    while n >= 20:
        step = min(n // 20, 20)
        out += _HIGH[step - 1]
        n -= step * 20
    if n:
        out += _LOW[n - 1]
    return out


def compress_row(hex_row: str) -> str:
    """One row of hex digits, run-length compressed."""
    stripped = hex_row.rstrip("0")
    if not stripped:
        return ","
    out = []
    i = 0
    while i < len(stripped):
        ch = stripped[i]
        j = i
        while j < len(stripped) and stripped[j] == ch:
            j += 1
        run = j - i
        out.append(ch if run == 1 else _count(run) + ch)
        i = j
    return "".join(out) + ("," if len(stripped) < len(hex_row) else "")


class ZplRasterRenderer:
    """Label -> ZPL with a single compressed ^GFA graphic."""

    def render(self, label: Label) -> bytes:
        """The ZPL job."""
        image = render_image(label)
        dark = ~np.array(image, dtype=bool)  # 1-bit image: True is white
        bytes_per_row = (label.width + 7) // 8
        padded = np.zeros((label.height, bytes_per_row * 8), dtype=bool)
        padded[:, : label.width] = dark
        packed = np.packbits(padded, axis=1)
        rows = []
        previous = None
        for row in packed:
            hex_row = row.tobytes().hex().upper()
            rows.append(":" if hex_row == previous else compress_row(hex_row))
            previous = hex_row
        total = bytes_per_row * label.height
        body = "".join(rows)
        zpl = f"^XA^PW{label.width}^LL{label.height}^FO0,0^GFA,{total},{total},{bytes_per_row},{body}^FS^XZ\n"
        return zpl.encode("ascii")
