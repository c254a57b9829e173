"""ESC/POS raster (GS v 0) for 80 mm receipt printers, through python-escpos's byte-exact Dummy printer."""

from __future__ import annotations

from PIL import Image

from station.labels.model import Label
from station.labels.png import render_image

PRINTABLE_DOTS_80MM = 576  # 72 mm at 203 dpi


def image_to_escpos(image: Image.Image, *, cut: bool = True) -> bytes:
    """A bitmap as ESC/POS raster bytes (scaled down to the 80 mm printable width if wider)."""
    if image.width > PRINTABLE_DOTS_80MM:
        height = round(image.height * PRINTABLE_DOTS_80MM / image.width)
        image = image.convert("L").resize((PRINTABLE_DOTS_80MM, height)).convert("1")
    from escpos.printer import Dummy  # loads its printer capability database (~0.1 s): only when used

    printer = Dummy()
    printer.profile.profile_data["media"]["width"]["pixels"] = PRINTABLE_DOTS_80MM
    printer.image(image, impl="bitImageRaster")
    if cut:
        printer.cut()
    return bytes(printer.output)


class EscPosRenderer:
    """Label -> ESC/POS bytes."""

    def render(self, label: Label) -> bytes:
        """The label as one raster image, then a cut."""
        return image_to_escpos(render_image(label))
