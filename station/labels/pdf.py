"""PDF labels with reportlab: exact page size, vector bars and cells, embedded UTF-8 font."""

from __future__ import annotations

import io
from functools import cache

from reportlab.lib.colors import black, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from station.labels.model import Box, Code128, DataMatrix, Label, Text
from station.labels.raster import datamatrix_cells
from station.labels.scripts import Font, runs


@cache
def _registered(font: Font | None) -> str:
    """The font's name in the PDF (registered once; reportlab embeds the glyphs a page uses)."""
    if font is None:
        return "Helvetica"
    pdfmetrics.registerFont(TTFont(font.name, str(font.path)))
    return font.name


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The line's width in points at `size`."""
    return float(sum(pdfmetrics.stringWidth(r.text, _registered(r.font), size) for r in runs(text, bold)))


def draw_line(c: Canvas, x: float, baseline: float, size: float, text: str, bold: bool = False) -> None:
    """One line of any script at a baseline (points), each run in the font that has its letters."""
    for run in runs(text, bold):
        name = _registered(run.font)
        c.setFont(name, size)
        c.drawString(x, baseline, run.text)
        x += pdfmetrics.stringWidth(run.text, name, size)


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
                size = e.height * k * 0.8
                c.setFillColor(white if e.reverse else black)
                text = e.text
                if e.max_width:
                    while text and text_width(text, size, e.bold) > e.max_width * k:
                        text = text[:-1]
                draw_line(c, e.x * k, page_h - (e.y + e.height * 0.8) * k, size, text, e.bold)
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
