"""PNG preview (and the bitmap behind ^GFA and ESC/POS): the layout drawn dot for dot with Pillow."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from station.labels.model import Box, Code128, DataMatrix, Label, Text
from station.labels.raster import datamatrix_cells
from station.labels.scripts import runs


@cache
def _face(path: str, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: `scripts.visual` has already put right-to-left text in drawing order, and Pillow's
    # own (raqm) layout would reverse it a second time.
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def _pieces(
    text: str, height: int, bold: bool
) -> list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]]:
    out: list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]] = []
    for run in runs(text, bold):
        font = _face(str(run.font.path), height) if run.font else ImageFont.load_default(size=height)
        out.append((run.text, font))
    return out


def text_width(text: str, height: int, bold: bool = False) -> float:
    """How many dots the line takes at `height`."""
    return sum(font.getlength(piece) for piece, font in _pieces(text, height, bold))


def fit(text: str, height: int, bold: bool, max_width: int | None) -> str:
    """The line cut (at its logical end) to what fits in `max_width` dots."""
    if not max_width:
        return text
    while text and text_width(text, height, bold) > max_width:
        text = text[:-1]
    return text


def draw_line(
    draw: ImageDraw.ImageDraw, x: int, y: int, height: int, text: str, bold: bool = False, fill: int = 0
) -> None:
    """One line of any script, its top at `y` (the baseline where DejaVu's was, so layouts keep their
    places), each run in its own font."""
    baseline, left = y + round(height * 0.93), float(x)
    for piece, font in _pieces(text, height, bold):
        draw.text((round(left), baseline), piece, font=font, fill=fill, anchor="ls")
        left += font.getlength(piece)


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
            text = fit(e.text, e.height, e.bold, e.max_width)
            draw_line(draw, e.x, e.y, e.height, text, e.bold, fill=1 if e.reverse else 0)
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
        return self._png(render_image(label), label.dpi)

    def render_many(self, labels: list[Label]) -> bytes:
        """Several labels (a shipping label and its customs form) as one preview, one under the other
        with a grey gap between them."""
        if len(labels) == 1:
            return self.render(labels[0])
        images = [render_image(label) for label in labels]
        gap = labels[0].dpi // 10
        sheet = Image.new("L", (max(i.width for i in images), sum(i.height + gap for i in images) - gap), 160)
        top = 0
        for image in images:
            sheet.paste(image.convert("L"), (0, top))
            top += image.height + gap
        return self._png(sheet, labels[0].dpi)

    @staticmethod
    def _png(image: Image.Image, dpi: int) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", dpi=(dpi, dpi))
        return buffer.getvalue()
