"""The notice card a carrier leaves when nobody is in ("Sorry we missed you"): where the item waits, from
when and until when, the pickup code, the item's barcode for the counter to scan, and a QR code to the
tracking page. Printed on the carrier's receipt printer (ESC/POS, 58 or 80 mm paper) or on a ZPL label
printer (the card as one ^GFA graphic, 4 in wide), or kept as a PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import numpy as np
from PIL import Image, ImageDraw

from station.labels import png as png_text
from station.labels.escpos import image_to_escpos
from station.labels.zpl_raster import graphic_field

DOTS_58MM = 384  # 48 mm printable at 203 dpi
DOTS_80MM = 576  # 72 mm
DOTS_4IN = 812  # a 4 in ZPL label at 203 dpi
CARD_SEPARATOR = "/"  # item/code on the card's barcode


@dataclass(frozen=True)
class NoticeCard:
    """What the card says."""

    item_id: str
    office: str
    office_address: str
    ready_from: date
    keep_until: date
    code: str
    reason: str  # why it was not delivered, in words
    track_url: str = ""  # the tracking page; empty: no QR code

    @property
    def barcode(self) -> str:
        """What the card's barcode holds: the item and its pickup code, so that one scan at the counter
        finds the item and gives the code (the clerk still checks ID)."""
        return f"{self.item_id}{CARD_SEPARATOR}{self.code}"

    @property
    def qr_target(self) -> str:
        """The item's tracking page ('' without one)."""
        return f"{self.track_url.rstrip('/')}/track/{self.item_id}" if self.track_url else ""

    def text_lines(self) -> list[str]:
        """The card's words, top to bottom."""
        return [
            "SORRY WE MISSED YOU",
            self.reason,
            f"Item {self.item_id}",
            "Collect it at:",
            self.office,
            *([self.office_address] if self.office_address else []),
            f"from {self.ready_from:%a %d %b %Y}",
            f"until {self.keep_until:%a %d %b %Y}",
            "Bring this card and ID.",
            f"PICKUP CODE {self.code}",
        ]


def _symbol(text: str, qr: bool, module: int) -> np.ndarray:
    import zxingcpp

    kind = zxingcpp.BarcodeFormat.QRCode if qr else zxingcpp.BarcodeFormat.Code128
    return np.array(zxingcpp.create_barcode(text, kind).to_image(scale=module, add_quiet_zones=True))


def notice_image(card: NoticeCard, width: int = DOTS_80MM) -> Image.Image:
    """The card as a 1-bit image `width` dots wide."""
    lines = card.text_lines()
    size = 30 if width >= DOTS_80MM else 22
    module = 3 if width >= DOTS_80MM else 2
    # The item and its code at bars of 2 dots or more (0.25 mm: what a counter scanner reads at once);
    # on 58 mm paper only the item fits so, and the code is typed from the card.
    bars = _symbol(card.barcode, False, 1)
    if (width - 16) // bars.shape[1] < 2:
        bars = _symbol(card.item_id, False, 1)
    bars = np.repeat(bars, min(3, (width - 16) // bars.shape[1]), axis=1)
    bar_height = size * 3
    qr = _symbol(card.qr_target, True, 2 * module) if card.qr_target else None
    height = 20 + len(lines) * (size + 8) + bar_height + 50 + (qr.shape[0] + 20 if qr is not None else 0)
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    y = 16
    for n, text in enumerate(lines):
        bold = n in (0, len(lines) - 1)
        png_text.draw_line(draw, 8, y, size, png_text.fit(text, size, bold, width - 16), bold=bold)
        y += size + 8
    y += 10
    strip = Image.fromarray(np.repeat(bars[:1], bar_height, axis=0).astype(np.uint8)).convert("1")
    image.paste(strip, ((width - strip.width) // 2, y))
    y += bar_height + 30
    if qr is not None:
        image.paste(Image.fromarray(qr.astype(np.uint8)).convert("1"), ((width - qr.shape[1]) // 2, y))
    return image


def notice_escpos(card: NoticeCard, width: int = DOTS_80MM) -> bytes:
    """ESC/POS raster bytes for a receipt printer (58 mm: 384 dots, 80 mm: 576)."""
    return image_to_escpos(notice_image(card, width))


def notice_zpl(card: NoticeCard) -> bytes:
    """The card on a 4 in ZPL label printer at 203 dpi, as one graphic."""
    image = notice_image(card, DOTS_4IN)
    return f"^XA^PW{image.width}^LL{image.height}^FO0,0{graphic_field(image)}^FS^XZ\n".encode("ascii")


def notice_pdf(card: NoticeCard) -> bytes:
    """The card as a PDF page (an office printer through CUPS): the 80 mm image at 203 dpi."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = notice_image(card, DOTS_80MM)
    png = io.BytesIO()
    image.save(png, "PNG")
    width, height = image.width * 72 / 203, image.height * 72 / 203
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"Notice card {card.item_id}")
    canvas.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, width, height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
