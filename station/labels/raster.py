"""Shared drawing facts for the raster and vector renderers: fonts and DataMatrix cells."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import zxingcpp

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@cache
def font_path(bold: bool) -> Path | None:
    """DejaVu Sans (Debian fonts-dejavu-core): covers Latin, Greek, Cyrillic, so addresses like Łódź print."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    return None


@cache
def datamatrix_cells(data: str) -> np.ndarray:
    """The DataMatrix as a boolean matrix (True = dark cell), no quiet zone."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.DataMatrix)
    image = np.array(symbol.to_image(scale=1, add_quiet_zones=False))
    return image < 128
