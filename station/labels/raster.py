"""Shared drawing facts for the raster and vector renderers: DataMatrix cells (fonts: `scripts`)."""

from __future__ import annotations

from functools import cache

import numpy as np
import zxingcpp


@cache
def datamatrix_cells(data: str) -> np.ndarray:
    """The DataMatrix as a boolean matrix (True = dark cell), no quiet zone."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.DataMatrix)
    image = np.array(symbol.to_image(scale=1, add_quiet_zones=False))
    return image < 128
