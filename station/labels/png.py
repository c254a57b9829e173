"""PNG preview (and the bitmap behind ^GFA and ESC/POS): the layout drawn dot for dot with Pillow."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from station.labels.model import Box, Code128, DataMatrix, Label, Text
from station.labels.raster import datamatrix_cells, font_path


@cache
def _font(height: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path(bold)
    if path is None:
        return ImageFont.load_default(size=height)
    return ImageFont.truetype(str(path), height)


def render_image(label: Label) -> Image.Image:
    """The label as a 1-bit image, one pixel per printer dot."""
    image = Image.new("1", (label.width, label.height), 1)
    draw = ImageDraw.Draw(image)
    for e in label.elements:
        if isinstance(e, Box):
            if e.thickness >= min(e.width, e.height):
                draw.rectangle([e.x, e.y, e.x + e.width - 1, e.y + e.height - 1], fill=0)
            else:
                draw.rectangle(
                    [e.x, e.y, e.x + e.width - 1, e.y + e.height - 1], outline=0, width=e.thickness
                )
        elif isinstance(e, Text):
            font = _font(e.height, e.bold)
            text = e.text
            if e.max_width:
                while text and draw.textlength(text, font=font) > e.max_width:
                    text = text[:-1]
            draw.text((e.x, e.y), text, font=font, fill=1 if e.reverse else 0)
        elif isinstance(e, Code128):
            x = e.x
            for bit in e.modules():
                if bit == "1":
                    draw.rectangle([x, e.y, x + e.module - 1, e.y + e.height - 1], fill=0)
                x += e.module
        elif isinstance(e, DataMatrix):
            cells = datamatrix_cells(e.data)
            for row, col in zip(*cells.nonzero(), strict=True):
                x, y = e.x + int(col) * e.module, e.y + int(row) * e.module
                draw.rectangle([x, y, x + e.module - 1, y + e.module - 1], fill=0)
    return image


class PngRenderer:
    """Label -> PNG bytes (with the resolution recorded, so it prints at true size)."""

    def render(self, label: Label) -> bytes:
        """The PNG file."""
        buffer = io.BytesIO()
        render_image(label).save(buffer, "PNG", dpi=(label.dpi, label.dpi))
        return buffer.getvalue()
