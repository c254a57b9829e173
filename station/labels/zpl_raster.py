"""Graphic-only ZPL: the label as one ^GFA bitmap with Zebra's ASCII-hex compression.

For printers and emulators that take graphics but not every native barcode command. Compression
(ZPL II manual, "Alternative Data Compression Scheme"): G-Y repeat 1-19, g-z repeat 20-400 in steps
of 20, ',' fills the rest of a row with 0, '!' with 1, ':' repeats the previous row.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

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


def graphic_field(image: Image.Image) -> str:
    """A 1-bit image (white = 1) as one compressed ^GFA command (without ^FO and ^FS)."""
    dark = ~np.array(image.convert("1"), dtype=bool)
    height, width = dark.shape
    bytes_per_row = (width + 7) // 8
    padded = np.zeros((height, bytes_per_row * 8), dtype=bool)
    padded[:, :width] = dark
    packed = np.packbits(padded, axis=1)
    rows = []
    previous = None
    for row in packed:
        hex_row = row.tobytes().hex().upper()
        rows.append(":" if hex_row == previous else compress_row(hex_row))
        previous = hex_row
    total = bytes_per_row * height
    return f"^GFA,{total},{total},{bytes_per_row},{''.join(rows)}"


class ZplRasterRenderer:
    """Label -> ZPL with a single compressed ^GFA graphic."""

    def render(self, label: Label) -> bytes:
        """The ZPL job."""
        body = graphic_field(render_image(label))
        return f"^XA^PW{label.width}^LL{label.height}^FO0,0{body}^FS^XZ\n".encode("ascii")
