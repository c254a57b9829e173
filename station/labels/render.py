"""One entry to every label renderer: a list of labels in, the printer language's bytes out."""

from __future__ import annotations

from station.labels.model import Label

FORMATS = ("zpl", "zpl-raster", "pdf", "png", "escpos")


def render(labels: list[Label], fmt: str) -> bytes:
    """Bytes for a job of one or more labels (PNG: the labels one under the other)."""
    if fmt == "pdf":
        from station.labels.pdf import PdfRenderer

        return PdfRenderer().render_many(labels)
    if fmt == "zpl":
        from station.labels.zpl import ZplRenderer

        return ZplRenderer().render_many(labels)
    if fmt == "zpl-raster":
        from station.labels.zpl_raster import ZplRasterRenderer

        return b"".join(ZplRasterRenderer().render(label) for label in labels)
    if fmt == "escpos":
        from station.labels.escpos import EscPosRenderer

        return b"".join(EscPosRenderer().render(label) for label in labels)
    if fmt == "png":
        from station.labels.png import PngRenderer

        return PngRenderer().render_many(labels)
    raise ValueError(f"unknown label format {fmt!r}; use one of {', '.join(FORMATS)}")
