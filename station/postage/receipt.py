"""Proof of postage: the counter receipt (80 mm ESC/POS raster and PDF) and a certificate of mailing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from station.labels import pdf as pdf_text
from station.labels import png as png_text
from station.labels.escpos import PRINTABLE_DOTS_80MM, image_to_escpos
from station.model.words import number_of
from station.postage.rates import money


@dataclass(frozen=True)
class ReceiptLine:
    """One accepted item."""

    tracking: str
    service: str
    weight_g: int
    postage_cents: int
    meter_id: str
    piece: int
    destination: str = ""  # whom it goes to: the addressee and town (abroad: and country, in their script)
    expected: date | None = None  # the day the service standard promises (none abroad)


@dataclass(frozen=True)
class Receipt:
    """A counter transaction."""

    office: str
    clerk: str
    at: datetime
    lines: tuple[ReceiptLine, ...]
    payment: tuple[str, ...] = ()  # "CASH $50.00", "CHANGE $13.23" or "CARD ref 4410": after the total
    basket: int | None = None
    office_address: str = ""
    track_url: str = ""  # the network's tracking page; empty: no QR code
    dropoff: bool = False  # prepaid pieces taken in: what was handed over and when, nothing charged

    @property
    def qr_target(self) -> str:
        """Where the QR code leads: the tracking page of every item on the receipt ('' without one)."""
        if not self.track_url or not self.lines:
            return ""
        base = self.track_url.rstrip("/")
        if len(self.lines) == 1:
            return f"{base}/track/{self.lines[0].tracking}"
        return f"{base}/track?ids={','.join(line.tracking for line in self.lines)}"

    @property
    def total_cents(self) -> int:
        """The transaction total."""
        return sum(line.postage_cents for line in self.lines)

    def text_lines(self) -> list[str]:
        """The receipt as text lines (shared by both renderers)."""
        if self.dropoff:
            return self._dropoff_lines()
        out = [self.office, *([self.office_address] if self.office_address else [])]
        out += [f"{self.at:%Y-%m-%d %H:%M %Z}  clerk {self.clerk}"]
        out += [f"basket {self.basket}, {number_of(len(self.lines), 'piece')}" if self.basket else ""]
        for line in self.lines:
            out += [
                line.tracking,
                *([f"  to {line.destination}"] if line.destination else []),
                f"  {line.service}  {line.weight_g / 1000:.3f} kg",
                *([f"  expected by {line.expected:%a %Y-%m-%d}"] if line.expected else []),
                f"  postage {money(line.postage_cents)}  meter {line.meter_id} #{line.piece}",
            ]
        out += ["", f"TOTAL {money(self.total_cents)}", *self.payment]
        out.append(
            "Track your items: scan the code below"
            if self.qr_target
            else "Track with the number at any counter"
        )
        return out

    def _dropoff_lines(self) -> list[str]:
        """A drop-off receipt: the pieces handed over, each with how its postage stands, and the time."""
        out = [self.office, *([self.office_address] if self.office_address else [])]
        out += [
            "DROP-OFF RECEIPT: prepaid pieces, nothing charged",
            f"{self.at:%Y-%m-%d %H:%M %Z}  clerk {self.clerk}",
        ]
        for line in self.lines:
            weight = f"  {line.weight_g / 1000:.3f} kg" if line.weight_g else ""
            out += [line.tracking, f"  {line.service}{weight}"]
        out += ["", number_of(len(self.lines), "piece") + " taken in"]
        out.append(
            "Track your items: scan the code below"
            if self.qr_target
            else "Track with the number at any counter"
        )
        return out


def _qr_cells(text: str) -> list[tuple[int, int]]:
    import numpy as np
    import zxingcpp

    image = np.array(
        zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=1, add_quiet_zones=False)
    )
    return [(int(x), int(y)) for y, x in zip(*(image < 128).nonzero(), strict=True)]


def receipt_image(receipt: Receipt) -> Image.Image:
    """The 80 mm receipt as a 1-bit image (576 dots wide)."""
    lines = receipt.text_lines()
    cells = _qr_cells(receipt.qr_target) if receipt.qr_target else []
    size = (max(x for x, _ in cells) + 1) if cells else 0
    module = 6
    height = 30 + len(lines) * 30 + size * module + 60
    image = Image.new("1", (PRINTABLE_DOTS_80MM, height), 1)
    draw = ImageDraw.Draw(image)
    y = 20
    for text in lines:
        png_text.draw_line(draw, 10, y, 24, png_text.fit(text, 24, False, PRINTABLE_DOTS_80MM - 20))
        y += 30
    left = (PRINTABLE_DOTS_80MM - size * module) // 2
    for x, yy in cells:
        draw.rectangle(
            [
                left + x * module,
                y + 20 + yy * module,
                left + (x + 1) * module - 1,
                y + 20 + (yy + 1) * module - 1,
            ],
            fill=0,
        )
    return image


def receipt_escpos(receipt: Receipt) -> bytes:
    """ESC/POS raster bytes for an 80 mm receipt printer."""
    return image_to_escpos(receipt_image(receipt))


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as an 80 mm wide PDF with real text (searchable, sharp on any office printer) and the
    tracking QR code drawn as vector squares."""
    lines = receipt.text_lines()
    cells = _qr_cells(receipt.qr_target) if receipt.qr_target else []
    size = (max(x for x, _ in cells) + 1) if cells else 0
    width_pt, line_pt, module_pt = 80 / 25.4 * 72, 11.0, 2.5
    height_pt = 20 + len(lines) * line_pt + size * module_pt + 24
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width_pt, height_pt))
    canvas.setTitle(f"Receipt {receipt.lines[0].tracking if receipt.lines else ''}")
    y = height_pt - 16
    for text in lines:  # names and addresses on a receipt are in any script
        pdf_text.draw_line(canvas, 8, y, 8, text)
        y -= line_pt
    left = (width_pt - size * module_pt) / 2
    top = y - 6
    for x, yy in cells:
        canvas.rect(left + x * module_pt, top - (yy + 1) * module_pt, module_pt, module_pt, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def certificate_of_mailing(receipt: Receipt, sender: str) -> bytes:
    """An A4 certificate that the listed items were presented for mailing, with each indicia serial."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4)
    c.setTitle("Certificate of mailing")
    _width, height = A4
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, height - 60, "Certificate of Mailing")
    c.setFont("Helvetica", 10)
    c.drawString(
        50, height - 80, f"{receipt.office} - {receipt.at:%Y-%m-%d %H:%M %Z} - accepted by {receipt.clerk}"
    )
    pdf_text.draw_line(c, 50, height - 95, 10, f"Sender: {sender[:90]}")
    y = height - 130
    c.setFont("Helvetica-Bold", 10)
    for x, title in (
        (50, "Tracking"),
        (200, "Service"),
        (330, "Weight"),
        (400, "Postage"),
        (470, "Meter / piece"),
    ):
        c.drawString(x, y, title)
    c.setFont("Helvetica", 10)
    for line in receipt.lines:
        y -= 16
        if y < 80:
            c.showPage()
            y = height - 60
        weight = f"{line.weight_g / 1000:.3f} kg"
        cells = (
            (50, line.tracking),
            (200, line.service),
            (330, weight),
            (400, money(line.postage_cents)),
            (470, f"{line.meter_id} #{line.piece}"),
        )
        for x, text in cells:
            c.drawString(x, y, text)
    c.drawString(
        50,
        max(y - 40, 40),
        f"Total postage {money(receipt.total_cents)}. This certificate proves mailing, not delivery.",
    )
    c.showPage()
    c.save()
    return buffer.getvalue()


def document_escpos(lines: list[str]) -> bytes:
    """Lines of text as ESC/POS raster for the 80 mm counter printer (the till's copy)."""
    image = Image.new("1", (PRINTABLE_DOTS_80MM, 40 + len(lines) * 28), 1)
    draw = ImageDraw.Draw(image)
    for n, text in enumerate(lines):
        png_text.draw_line(draw, 8, 20 + n * 28, 22, png_text.fit(text, 22, False, PRINTABLE_DOTS_80MM - 16))
    return image_to_escpos(image)


def document_pdf(title: str, lines: list[str]) -> bytes:
    """Lines of text as an A4 PDF with real (searchable) text, page after page."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4)
    c.setTitle(title)
    _width, height = A4
    y = height - 50
    c.setFont("Helvetica-Bold", 13)
    c.drawString(50, y, title)
    c.setFont("Helvetica", 10)
    for text in lines:
        y -= 15
        if y < 50:
            c.showPage()
            y = height - 50
        pdf_text.draw_line(c, 50, y, 10, text)
    c.showPage()
    c.save()
    return buffer.getvalue()


__all__ = [
    "Receipt",
    "ReceiptLine",
    "certificate_of_mailing",
    "document_escpos",
    "document_pdf",
    "receipt_escpos",
    "receipt_pdf",
]
