"""The UPU customs declarations as 4x6 in labels for the counter's thermal printer: a CN 22 (up to 300
SDR) printed with the address label, or a CN 23 (above it) in the copies the item needs.

The boxes follow the forms' own layout and words (UPU Letter Post Regulations, forms CN 22 and CN 23):
the category ticked, one row per kind of content (detailed description, quantity, net weight, value,
HS tariff number, country of origin), the totals, and the sender's certificate. The item's S10 barcode
is printed on the form too, so customs can scan the form that travels with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from station.abroad.customs import CN22_MAX_LINES, Category, Declaration, Form, Line
from station.labels.layouts import clean, tracking_barcode
from station.labels.model import Box, Code128, Element, Label, Text

CATEGORY_BOXES = (  # the forms' wording, in the forms' order
    (Category.GIFT, "Gift"),
    (Category.SAMPLE, "Commercial sample"),
    (Category.DOCUMENTS, "Documents"),
    (Category.RETURNED, "Returned goods"),
    (Category.SALE, "Sale of goods"),
    (Category.OTHER, "Other"),
)
CERTIFICATE = (
    "I certify that the particulars given in this customs declaration",
    "are correct and that this item does not contain any dangerous",
    "article or articles prohibited by legislation or by postal or",
    "customs regulations.",
)
CN23_ROWS_PER_PAGE = 4


@dataclass(frozen=True)
class CustomsFormData:
    """What a CN 22 / CN 23 shows about one item."""

    tracking: str
    form: Form
    declaration: Declaration
    sender: tuple[str, ...]
    addressee: tuple[str, ...]  # the address block, the country last
    gross_weight_g: int
    posted_on: date
    office: str
    postage: str = ""  # the postal charges, on a CN 23
    copies: int = 1


def customs_forms(data: CustomsFormData, dpi: int = 203) -> list[Label]:
    """Every page to print: one CN 22, or each copy of a CN 23 (its pages when the rows run over)."""
    if data.form is Form.CN22:
        return [_cn22(data, dpi)]
    rows = data.declaration.lines
    chunks = [rows[i : i + CN23_ROWS_PER_PAGE] for i in range(0, len(rows), CN23_ROWS_PER_PAGE)]
    pages = [
        _cn23(data, dpi, chunk, page, len(chunks), copy)
        for copy in range(1, data.copies + 1)
        for page, chunk in enumerate(chunks, 1)
    ]
    return pages


def _amount(data: CustomsFormData) -> str:
    return f"{data.declaration.total_value:.2f} {data.declaration.currency}"


def _kg(grams: int) -> str:
    return f"{grams / 1000:.3f}"


def _header(data: CustomsFormData, d: Callable[[float], int], title: str, note: str) -> list[Element]:
    el: list[Element] = [Box(d(0.05), d(0.05), d(3.9), d(5.9), d(0.02))]
    el.append(Text(d(0.15), d(0.1), d(0.2), title, bold=True))
    el.append(Text(d(0.15), d(0.34), d(0.12), "May be opened officially", bold=True))
    el.append(Text(d(0.15), d(0.5), d(0.1), clean(note, 80), max_width=d(3.7)))
    code = tracking_barcode(data.tracking, None, 0, d(0.66), d(0.45), 2 if dpi_of(d) < 250 else 3)
    x = max(10 * code.module, (d(4.0) - code.width) // 2)
    el.append(Code128(x, code.y, code.height, code.module, code.data, code.gs1, code.hri))
    el.append(Text(d(1.2), d(1.13), d(0.12), code.hri or data.tracking))
    return el


def dpi_of(d: Callable[[float], int]) -> int:
    """The resolution a dots-per-inch function stands for."""
    return d(1.0)


def _categories(data: CustomsFormData, d: Callable[[float], int], top: float) -> list[Element]:
    el: list[Element] = []
    for n, (category, words) in enumerate(CATEGORY_BOXES):
        x, y = d(0.15 + (n % 2) * 1.9), d(top + (n // 2) * 0.2)
        el.append(Box(x, y, d(0.14), d(0.14), 2))
        if data.declaration.category is category:
            el.append(Text(x + d(0.02), y - d(0.01), d(0.14), "X", bold=True))
        el.append(Text(x + d(0.2), y, d(0.13), words))
    return el


def _row(line: Line, currency: str, d: Callable[[float], int], y: int) -> list[Element]:
    origin = f" | origin {line.origin_country}" if line.origin_country else ""
    hs = f"HS {line.hs_code}" if line.hs_code else "no HS code (documents)"
    return [
        Text(d(0.15), y, d(0.13), clean(line.description, 60), max_width=d(2.1)),
        Text(d(2.3), y, d(0.13), str(line.quantity)),
        Text(d(2.65), y, d(0.13), _kg(line.weight_g)),
        Text(d(3.2), y, d(0.13), f"{line.value:.2f}", max_width=d(0.7)),
        Text(d(0.3), y + d(0.16), d(0.11), f"{hs}{origin} | value in {currency}"),
    ]


def _table_head(d: Callable[[float], int], y: float) -> list[Element]:
    return [
        Box(d(0.05), d(y - 0.05), d(3.9), d(0.02), d(0.02)),
        Text(d(0.15), d(y), d(0.11), "Detailed description of contents", bold=True),
        Text(d(2.3), d(y), d(0.11), "Qty", bold=True),
        Text(d(2.65), d(y), d(0.11), "Net kg", bold=True),
        Text(d(3.2), d(y), d(0.11), "Value", bold=True),
    ]


def _certificate(data: CustomsFormData, d: Callable[[float], int], top: float) -> list[Element]:
    el: list[Element] = [Box(d(0.05), d(top - 0.05), d(3.9), d(0.02), d(0.02))]
    for n, words in enumerate(CERTIFICATE):
        el.append(Text(d(0.15), d(top + n * 0.14), d(0.1), words))
    y = top + len(CERTIFICATE) * 0.14 + 0.1
    el.append(Text(d(0.15), d(y), d(0.12), f"Date {data.posted_on.isoformat()}   Sender's signature"))
    el.append(Box(d(2.55), d(y + 0.14), d(1.3), d(0.02), d(0.02)))
    return el


def _cn22(data: CustomsFormData, dpi: int) -> Label:
    def d(inches: float) -> int:
        return round(inches * dpi)

    note = f"Designated operator: {data.office}"
    el = _header(data, d, "CUSTOMS DECLARATION CN 22", note)
    el += _categories(data, d, 1.4)
    el += _table_head(d, 2.15)
    for n, line in enumerate(data.declaration.lines[:CN22_MAX_LINES]):
        el += _row(line, data.declaration.currency, d, d(2.35 + n * 0.36))
    totals = 2.35 + CN22_MAX_LINES * 0.36 + 0.05
    el.append(Box(d(0.05), d(totals - 0.05), d(3.9), d(0.02), d(0.02)))
    el.append(Text(d(0.15), d(totals), d(0.13), "Total gross weight (kg)", bold=True))
    el.append(Text(d(2.65), d(totals), d(0.13), _kg(data.gross_weight_g), bold=True))
    el.append(Text(d(0.15), d(totals + 0.2), d(0.13), "Total value", bold=True))
    el.append(Text(d(2.65), d(totals + 0.2), d(0.13), _amount(data), bold=True))
    el += _certificate(data, d, totals + 0.45)
    return Label("cn22-4x6", d(4.0), d(6.0), dpi, tuple(el))


def _cn23(data: CustomsFormData, dpi: int, rows: tuple[Line, ...], page: int, pages: int, copy: int) -> Label:
    def d(inches: float) -> int:
        return round(inches * dpi)

    of = f" - page {page} of {pages}" if pages > 1 else ""
    note = f"Copy {copy} of {data.copies}{of} - office of origin: {data.office}"
    el = _header(data, d, "CUSTOMS DECLARATION CN 23", note)
    el.append(Text(d(0.15), d(1.3), d(0.11), "From", bold=True))
    for n, text in enumerate(data.sender[:3]):
        el.append(Text(d(0.15), d(1.44 + n * 0.14), d(0.11), clean(text, 40), max_width=d(1.8)))
    el.append(Text(d(2.05), d(1.3), d(0.11), "To", bold=True))
    block = data.addressee if len(data.addressee) <= 5 else (*data.addressee[:4], data.addressee[-1])
    for n, text in enumerate(block):
        el.append(Text(d(2.05), d(1.44 + n * 0.14), d(0.11), clean(text, 40), max_width=d(1.85)))
    el += _categories(data, d, 2.2)
    el += _table_head(d, 2.9)
    for n, row in enumerate(rows):
        el += _row(row, data.declaration.currency, d, d(3.08 + n * 0.34))
    totals = 3.08 + CN23_ROWS_PER_PAGE * 0.34 + 0.02
    decl = data.declaration
    el.append(Box(d(0.05), d(totals - 0.04), d(3.9), d(0.02), d(0.02)))
    facts = f"Gross weight {_kg(data.gross_weight_g)} kg | Total value {_amount(data)}"
    el.append(Text(d(0.15), d(totals), d(0.12), facts, bold=True))
    refs = [
        f"{name} {value}"
        for name, value in (
            ("Postal charges", data.postage),
            ("Licence", decl.licence),
            ("Certificate", decl.certificate),
            ("Invoice", decl.invoice),
            ("Importer's ref", decl.sender_reference),
        )
        if value
    ]
    el.append(Text(d(0.15), d(totals + 0.17), d(0.1), clean(" | ".join(refs), 90), max_width=d(3.7)))
    el += _certificate(data, d, totals + 0.36)
    return Label("cn23-4x6", d(4.0), d(6.0), dpi, tuple(el))
