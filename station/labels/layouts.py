"""The label layouts, defined once in inches and placed in whole dots for the target resolution.

4x6 in shipping label, 4x3 (or 4x2) sack / receptacle tag, 2x1 in item tag. Variable text is
cleaned (control characters removed), cut to the space it has, and never trusted by a renderer:
the ZPL renderer escapes every field again.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from station.ids import S10, Impb, InvalidId, Sscc
from station.labels.model import GS, Box, Code128, DataMatrix, Element, Label, Text
from station.model.words import number_of, weight_in_words

MAX_LINE = 60  # characters kept of any one address line
MAX_ADDRESS_LINES = 5


@dataclass(frozen=True)
class PostageImprint:
    """The metered-postage block: human-readable figures beside the signed DataMatrix indicia."""

    amount_cents: int
    meter_id: str
    origin_zip: str
    mailed_on: date
    indicia: str
    rate_category: str = ""
    currency: str = "USD"


@dataclass(frozen=True)
class ShippingLabelData:
    """What a 4x6 shipping label shows."""

    tracking: str
    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    service: str = "GROUND"
    weight_g: int | None = None
    mailed_on: date | None = None
    reference: str = ""
    routing_zip: str | None = None
    postage: PostageImprint | None = None
    reprint: bool = False
    country: str = ""  # an item abroad: the destination in Latin capitals, on its own last line
    customs_note: str = ""  # e.g. "CUSTOMS CN 22": the form that travels with the item


@dataclass(frozen=True)
class SackTagData:
    """What a sack (receptacle) tag shows."""

    sscc: str
    destination: str
    origin: str
    items: int
    weight_g: int
    closed_on: date | None = None
    service: str = ""
    reprint: bool = False
    size: str = "4x3"


@dataclass(frozen=True)
class ItemTagData:
    """A 2x1 in tag with the item id."""

    item_id: str
    note: str = ""
    extra: tuple[str, ...] = field(default_factory=tuple)


def clean(text: str, limit: int = MAX_LINE) -> str:
    """One printable line: control characters dropped, whitespace folded, cut to `limit` characters."""
    kept = "".join(
        " " if ch in "\t\r\n" or unicodedata.category(ch).startswith("Z") else ch
        for ch in text
        if ch in "\t\r\n" or not unicodedata.category(ch).startswith("C")
    )
    folded = " ".join(kept.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def _address(lines: tuple[str, ...], most: int = MAX_ADDRESS_LINES) -> list[str]:
    out = [clean(line) for line in lines if clean(line)]
    if len(out) > most:
        out = [*out[: most - 1], clean(" ".join(out[most - 1 :]))]
    return out


def tracking_barcode(
    tracking: str, routing_zip: str | None, x: int, y: int, height: int, module: int
) -> Code128:
    """The item's barcode: S10 as Code 128, IMpb as GS1-128 (AI 420 routing + tracking)."""
    try:
        s10 = S10.parse(tracking)
        return Code128(x, y, height, module, s10.text, gs1=False, hri=s10.human_readable)
    except InvalidId as exc:
        s10_error = str(exc)
    try:
        impb = Impb.parse(tracking)
    except InvalidId as exc:
        raise InvalidId(f"{tracking[:40]!r} is neither an S10 ({s10_error}) nor an IMpb ({exc})") from None
    if routing_zip:
        impb = Impb(impb.tracking, routing_zip)
    data = f"420{impb.routing_zip}{GS}{impb.tracking}" if impb.routing_zip else impb.tracking
    return Code128(x, y, height, module, data, gs1=True, hri=impb.human_readable)


def shipping_label(data: ShippingLabelData, dpi: int = 203) -> Label:
    """The 4x6 in shipping label."""

    def d(inches: float) -> int:
        return round(inches * dpi)

    module = 3 if dpi < 250 else 4  # 14.8 / 13.3 mil bars: inside USPS's 13-21 mil X-dimension
    el: list[Element] = [Box(d(0.05), d(0.05), d(3.9), d(5.9), d(0.02))]
    banner = "REPRINT - " + data.service.upper() if data.reprint else data.service.upper()
    el.append(Box(d(0.05), d(0.05), d(3.9), d(0.55), d(0.55)))  # a filled service banner
    # Longer names ("INTERNATIONAL EXPRESS (EMS)") get smaller type, so the whole name fits the banner.
    size, top = (0.36, 0.12) if len(banner) <= 14 else (0.26, 0.17) if len(banner) <= 20 else (0.21, 0.19)
    el.append(Text(d(0.2), d(top), d(size), clean(banner, 28), bold=True, max_width=d(3.7), reverse=True))
    el.append(Text(d(0.15), d(0.7), d(0.14), "FROM:"))
    for i, line in enumerate(_address(data.sender)):
        el.append(Text(d(0.15), d(0.86 + i * 0.17), d(0.14), line, max_width=d(2.3)))
    if data.postage is not None:
        el += _postage_block(data.postage, d)
    el.append(Box(d(0.05), d(1.85), d(3.9), d(0.02), d(0.02)))
    el.append(Text(d(0.15), d(1.95), d(0.16), "SHIP TO:", bold=True))
    recipient = _address(data.recipient, MAX_ADDRESS_LINES - 1 if data.country else MAX_ADDRESS_LINES)
    for i, line in enumerate(recipient):
        el.append(Text(d(0.35), d(2.17 + i * 0.24), d(0.21), line, bold=i == 0, max_width=d(3.5)))
    if data.country:  # UPU: the country of destination last, in capitals of the Latin alphabet
        y = d(2.17 + len(recipient) * 0.24)
        el.append(Text(d(0.35), y, d(0.21), clean(data.country.upper(), 40), bold=True, max_width=d(3.5)))
    el.append(Box(d(0.05), d(3.45), d(3.9), d(0.02), d(0.02)))
    barcode = tracking_barcode(data.tracking, data.routing_zip, 0, d(3.8), d(1.0), module)
    if data.routing_zip and len(data.routing_zip) == 9 and not _fits(barcode, d(4.0)):
        # ZIP+4 makes a 34-digit symbol too wide for 4 in at 3-dot (14.8 mil) bars on a 203 dpi head;
        # Pub 199 allows the 5-digit routing code, and thinner bars would be below the 13 mil minimum.
        barcode = tracking_barcode(data.tracking, data.routing_zip[:5], 0, d(3.8), d(1.0), module)
    # Centre the symbol; its quiet zones (10 modules each side) stay clear inside the label.
    x = max(10 * module, (d(4.0) - barcode.width) // 2)
    barcode = Code128(x, barcode.y, barcode.height, module, barcode.data, barcode.gs1, barcode.hri)
    title = "USPS TRACKING #" if barcode.gs1 else "TRACKING #"
    el.append(Text(d(1.4), d(3.55), d(0.16), title, bold=True))
    el.append(barcode)
    el.append(Text(d(0.6), d(4.9), d(0.2), barcode.hri or data.tracking))
    facts = []
    if data.weight_g is not None:
        facts.append(f"{data.weight_g / 1000:.3f} kg")
    if data.mailed_on is not None:
        facts.append(data.mailed_on.isoformat())
    if data.routing_zip:
        facts.append(f"ZIP {data.routing_zip}")
    if data.customs_note:
        facts.append(clean(data.customs_note, 20))
    el.append(Text(d(0.15), d(5.35), d(0.15), clean("   ".join(facts))))
    if data.reference:
        el.append(Text(d(0.15), d(5.6), d(0.13), "REF " + clean(data.reference, 40)))
    return Label("shipping-4x6", d(4.0), d(6.0), dpi, tuple(el))


def _fits(code: Code128, label_width: int) -> bool:
    # One spare symbol (11 modules) for a printer that picks code subsets less tightly than we count.
    return code.width + (20 + 11) * code.module <= label_width


def _postage_block(p: PostageImprint, d: object) -> list[Element]:
    assert callable(d)
    amount = (
        f"${p.amount_cents // 100}.{p.amount_cents % 100:02d}"
        if p.currency == "USD"
        else f"{p.amount_cents} {p.currency}"
    )
    return [
        Box(d(2.45), d(0.65), d(1.45), d(1.15), d(0.02)),
        DataMatrix(d(2.5), d(0.7), round(0.015 * d(1.0)), p.indicia),  # 15 mil cells: 0.75 in for 190 chars
        Text(d(3.3), d(0.72), d(0.12), "POSTAGE"),
        Text(d(3.3), d(0.9), d(0.15), amount, bold=True),
        Text(d(3.3), d(1.1), d(0.1), p.mailed_on.isoformat()),
        Text(d(3.3), d(1.25), d(0.1), f"ZIP {clean(p.origin_zip, 10)}"),
        Text(d(3.3), d(1.4), d(0.1), clean(p.meter_id, 12)),
        Text(d(3.3), d(1.55), d(0.1), clean(p.rate_category, 12)),
    ]


def sack_tag(data: SackTagData, dpi: int = 203) -> Label:
    """The sack / receptacle tag: 4x3 in (or 4x2) with the SSCC as GS1-128."""

    def d(inches: float) -> int:
        return round(inches * dpi)

    height = 2.0 if data.size == "4x2" else 3.0
    sscc = Sscc.parse(data.sscc)
    module = 3 if dpi < 250 else 4
    el: list[Element] = [Box(d(0.05), d(0.05), d(3.9), d(height - 0.1), d(0.02))]
    title = ("REPRINT " if data.reprint else "") + "TO " + clean(data.destination, 24)
    el.append(Text(d(0.15), d(0.12), d(0.3), title, bold=True))
    pieces = number_of(data.items, "item")
    facts = f"{pieces}  {weight_in_words(data.weight_g)}  from {clean(data.origin, 20)}"
    el.append(Text(d(0.15), d(0.5), d(0.14), facts))
    if data.closed_on is not None or data.service:
        el.append(Text(d(0.15), d(0.7), d(0.12), clean(f"{data.service} {data.closed_on or ''}".strip())))
    top, bar_height = (d(0.9), d(1.3)) if height > 2 else (d(0.8), d(0.75))
    code = Code128(0, top, bar_height, module, sscc.element_string, gs1=True, hri=sscc.human_readable)
    code = Code128(
        max(10 * module, (d(4.0) - code.width) // 2), code.y, code.height, module, code.data, True, code.hri
    )
    el.append(code)
    el.append(Text(d(0.6), code.y + code.height + d(0.08), d(0.18), sscc.human_readable))
    return Label(f"sack-{data.size}", d(4.0), d(height), dpi, tuple(el))


def item_tag(data: ItemTagData, dpi: int = 203) -> Label:
    """A 2x1 in item tag (re-labelling a damaged item, counter hold shelf)."""

    def d(inches: float) -> int:
        return round(inches * dpi)

    code = tracking_barcode(data.item_id, None, 0, d(0.1), d(0.5), 2 if dpi < 250 else 3)
    x = max(10 * code.module, (d(2.0) - code.width) // 2)
    code = Code128(x, code.y, code.height, code.module, code.data, code.gs1, code.hri)
    el: list[Element] = [code, Text(d(0.1), d(0.68), d(0.12), code.hri or data.item_id)]
    if data.note:
        el.append(Text(d(0.1), d(0.84), d(0.1), clean(data.note, 30)))
    return Label("item-2x1", d(2.0), d(1.0), dpi, tuple(el))


TEST_PRINT_CODE = "TEST-PRINT"  # a barcode no scan takes for an item: the test print can never travel


def test_print_tag(printer: str, when: str, dpi: int = 203) -> Label:
    """A 2x1 in tag that shows the printer works: its name, the local time, and a barcode to scan that
    is no tracking number (a real-looking S10 on a test print could be stuck on a parcel)."""

    def d(inches: float) -> int:
        return round(inches * dpi)

    module = 2 if dpi < 250 else 3
    code = Code128(d(0.1), d(0.1), d(0.4), module, TEST_PRINT_CODE, hri=TEST_PRINT_CODE)
    return Label(
        "test-print-2x1",
        d(2.0),
        d(1.0),
        dpi,
        (
            code,
            Text(d(0.1), d(0.55), d(0.14), "TEST PRINT - NOT POSTAGE", bold=True),
            Text(d(0.1), d(0.72), d(0.1), clean(printer, 34)),
            Text(d(0.1), d(0.85), d(0.1), when),
        ),
    )


def with_void_mark(label: Label) -> Label:
    """A copy of a voided item's label for the records that can never travel: every barcode (the item's
    and the indicia's) replaced by an outlined VOID, and the banner saying VOID."""
    kept: list[Element] = []
    for element in label.elements:
        if isinstance(element, Code128 | DataMatrix):
            width = element.width if isinstance(element, Code128) else element.module * 24
            height = element.height if isinstance(element, Code128) else element.module * 24
            kept.append(Box(element.x, element.y, width, height, 4))
            kept.append(
                Text(element.x + 10, element.y + height // 4, max(20, height // 2), "VOID", bold=True)
            )
        else:
            kept.append(element)
    return with_reprint_mark(replace(label, elements=tuple(kept)), 0, words="VOID")


def with_reprint_mark(label: Label, number: int, *, words: str = "") -> Label:
    """The label again, its banner (the first white-on-black text, else the first bold one) saying
    REPRINT n, so a second label in circulation is plain to see."""
    texts = [e for e in label.elements if isinstance(e, Text)]
    banner = next((t for t in texts if t.reverse), None) or next((t for t in texts if t.bold), None)
    if banner is None:
        return label
    marked = replace(banner, text=clean(f"{words or f'REPRINT {number}'} - {banner.text}", 28))
    return replace(label, elements=tuple(marked if e is banner else e for e in label.elements))
