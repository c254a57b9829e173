"""PDF labels with reportlab: exact page size, vector bars and cells, embedded UTF-8 font."""

from __future__ import annotations

import io
from functools import cache

from reportlab.lib.colors import black, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from station.labels.model import Box, Code128, DataMatrix, Label, Text
from station.labels.raster import datamatrix_cells, font_path


@cache
def _font_name(bold: bool) -> str:
    path = font_path(bold)
    if path is None:
        return "Helvetica-Bold" if bold else "Helvetica"
    name = "DejaVuSans-Bold" if bold else "DejaVuSans"
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


class PdfRenderer:
    """Label(s) -> PDF bytes, one label per page."""

    def render(self, label: Label) -> bytes:
        """A one-page PDF."""
        return self.render_many([label])

    def render_many(self, labels: list[Label]) -> bytes:
        """A batch PDF: one label per page, each page its label's exact size."""
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pageCompression=1)
        canvas.setTitle("Parcel Station labels")
        for label in labels:
            self._page(canvas, label)
        canvas.save()
        return buffer.getvalue()

    def _page(self, c: Canvas, label: Label) -> None:
        k = 72 / label.dpi  # points per dot
        page_h = label.height * k
        c.setPageSize((label.width * k, page_h))

        def rect(x: float, y: float, w: float, h: float, fill: bool = True) -> None:
            c.rect(x * k, page_h - (y + h) * k, w * k, h * k, stroke=0 if fill else 1, fill=1 if fill else 0)

        c.setFillColor(black)
        for e in label.elements:
            if isinstance(e, Box):
                if e.thickness >= min(e.width, e.height):
                    rect(e.x, e.y, e.width, e.height)
                else:
                    t = e.thickness
                    rect(e.x, e.y, e.width, t)
                    rect(e.x, e.y + e.height - t, e.width, t)
                    rect(e.x, e.y, t, e.height)
                    rect(e.x + e.width - t, e.y, t, e.height)
            elif isinstance(e, Text):
                font = _font_name(e.bold)
                size = e.height * k * 0.8
                c.setFont(font, size)
                c.setFillColor(white if e.reverse else black)
                text = e.text
                if e.max_width:
                    while text and pdfmetrics.stringWidth(text, font, size) > e.max_width * k:
                        text = text[:-1]
                c.drawString(e.x * k, page_h - (e.y + e.height * 0.8) * k, text)
                c.setFillColor(black)
            elif isinstance(e, Code128):
                x = e.x
                for run in _runs(e.modules()):
                    if run[0] == "1":
                        rect(x, e.y, len(run) * e.module, e.height)
                    x += len(run) * e.module
            elif isinstance(e, DataMatrix):
                cells = datamatrix_cells(e.data)
                for row, col in zip(*cells.nonzero(), strict=True):
                    rect(e.x + int(col) * e.module, e.y + int(row) * e.module, e.module, e.module)
        c.showPage()


def _runs(bits: str) -> list[str]:
    out: list[str] = []
    for b in bits:
        if out and out[-1][0] == b:
            out[-1] += b
        else:
            out.append(b)
    return out
