"""Every label kind at both resolutions, rendered by independent renderers and decoded back exactly."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
from PIL import Image

from station.labels.escpos import EscPosRenderer
from station.labels.layouts import (
    ItemTagData,
    PostageImprint,
    SackTagData,
    ShippingLabelData,
    item_tag,
    sack_tag,
    shipping_label,
)
from station.labels.model import Code128, Label
from station.labels.pdf import PdfRenderer
from station.labels.png import PngRenderer
from station.labels.zpl import ZplRenderer as Zpl
from station.labels.zpl_raster import ZplRasterRenderer
from tests.renderers import ZplRenderer, decode, pdf_pages

GS = b"\x1d"
INDICIA = "PSI1AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULBOGA"
IMPB = "9205590164917312345677"  # 22 digits: the usual IMpb tracking length
ODD_IMPB = "920559016491731234564"  # 21 digits: exercises the odd-digit Code 128 subset switch


def _shipping(tracking: str, dpi: int, **kw: object) -> Label:
    data = ShippingLabelData(
        tracking=tracking,
        sender=("Ann Sender", "1 Main St", "New York NY 10001"),
        recipient=("Bob Müller", "2 Łódź Ave Apt 5", "San Francisco CA 94105"),
        service="PRIORITY",
        weight_g=1200,
        mailed_on=date(2026, 11, 23),
        routing_zip=kw.pop("routing_zip", "94105"),  # type: ignore[arg-type]
        postage=PostageImprint(1234, "PS000123", "10001", date(2026, 11, 23), INDICIA, "PRIORITY"),
        **kw,  # type: ignore[arg-type]
    )
    return shipping_label(data, dpi)


DM = ("]d1", INDICIA.encode())


def _sack_4x3(dpi: int) -> Label:
    return sack_tag(SackTagData("00106141411234567897", "SFO P&DC", "NYC P&DC", 48, 12500), dpi)


def _sack_4x2(dpi: int) -> Label:
    return sack_tag(SackTagData("106141411234567897", "CHI", "NYC", 3, 900, size="4x2"), dpi)


def _item(dpi: int) -> Label:
    return item_tag(ItemTagData("EE123456785US", "hold shelf 4"), dpi)


CASES = [
    ("s10", lambda dpi: _shipping("RR473124829GB", dpi), {("]C0", b"RR473124829GB"), DM}),
    ("impb", lambda dpi: _shipping(IMPB, dpi), {("]C1", b"42094105" + GS + IMPB.encode()), DM}),
    (
        "impb-odd-length",
        lambda dpi: _shipping(ODD_IMPB, dpi),
        {("]C1", b"42094105" + GS + ODD_IMPB.encode()), DM},
    ),
    ("sack-4x3", _sack_4x3, {("]C1", b"00106141411234567897")}),
    ("sack-4x2", _sack_4x2, {("]C1", b"00106141411234567897")}),
    ("item-2x1", _item, {("]C0", b"EE123456785US")}),
]


def _found(image: np.ndarray) -> set[tuple[str, bytes]]:
    return {(aim, data) for _fmt, aim, data in decode(image)}


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize(("name", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_zpl_rendered_independently_decodes_to_exactly_the_ids(
    zpl_renderer: ZplRenderer, name, make, expected, dpi
):
    label = make(dpi)
    width, height = label.size_inches
    images = zpl_renderer.render(Zpl().render(label), width, height, dpi)
    assert len(images) == 1
    assert _found(images[0]) == expected


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize(("name", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_raster_zpl_pdf_and_png_decode_to_exactly_the_ids(zpl_renderer, name, make, expected, dpi):
    label = make(dpi)
    raster = zpl_renderer.render(ZplRasterRenderer().render(label), *label.size_inches, dpi)[0]
    assert _found(raster) == expected
    pages = pdf_pages(PdfRenderer().render(label), dpi=300)
    assert len(pages) == 1
    assert _found(pages[0]) == expected
    png = Image.open(io.BytesIO(PngRenderer().render(label)))
    assert png.size == (label.width, label.height)
    assert round(png.info["dpi"][0]) == dpi  # PNG stores dots per metre
    assert _found(np.array(png.convert("L"))) == expected


@pytest.mark.parametrize(("dpi", "routing"), [(203, b"42094105"), (300, b"420941051234")])
def test_zip_plus_4_routing_is_kept_only_where_the_symbol_fits_with_full_size_bars(
    zpl_renderer, dpi, routing
):
    label = _shipping(IMPB, dpi, routing_zip="941051234")
    image = zpl_renderer.render(Zpl().render(label), 4, 6, dpi)[0]
    assert ("]C1", routing + GS + IMPB.encode()) in _found(image)


def test_pdf_page_is_exactly_4_by_6_inches_and_a_batch_has_one_label_per_page() -> None:
    labels = [_shipping("RR473124829GB", 203), _shipping("EE123456785US", 203)]
    pdf = PdfRenderer().render_many(labels)
    assert pdf.count(b"/MediaBox [ 0 0 288 432 ]") == 2  # 4 x 6 in at 72 points per inch
    pages = pdf_pages(pdf, dpi=150)
    assert [_found(p) - {("]d1", INDICIA.encode())} for p in pages] == [
        {("]C0", b"RR473124829GB")},
        {("]C0", b"EE123456785US")},
    ]


def test_one_d_bars_are_whole_dots_with_quiet_zones() -> None:
    for dpi, module in ((203, 3), (300, 4)):
        code = next(e for e in _shipping(IMPB, dpi).barcodes() if isinstance(e, Code128))
        assert code.module == module  # 14.8 / 13.3 mil: inside USPS's 13-21 mil X-dimension
        assert code.x >= 10 * module
        assert code.x + code.width + 10 * module <= round(4 * dpi)


def test_escpos_receipt_raster_decodes_back(tmp_path) -> None:
    data = EscPosRenderer().render(item_tag(ItemTagData("EE123456785US"), 203))
    assert data.startswith(b"\x1b@") or b"\x1dv0" in data
    images = _gs_v0_images(data)
    assert images and any(("]C0", b"EE123456785US") in _found(i) for i in images)
    assert data.rstrip().endswith((b"\x1dVA\x00", b"\x1dV\x00", b"\x1dVB\x00")) or b"\x1dV" in data[-8:]


def _gs_v0_images(b: bytes) -> list[np.ndarray]:
    """Decode ESC/POS 'GS v 0' raster blocks independently of python-escpos."""
    out, i = [], 0
    while (i := b.find(b"\x1dv0", i)) >= 0:
        _m, xl, xh, yl, yh = b[i + 3 : i + 8]
        wb, h = xl + 256 * xh, yl + 256 * yh
        bits = np.unpackbits(np.frombuffer(b[i + 8 : i + 8 + wb * h], np.uint8)).reshape(h, wb * 8)
        out.append(np.pad(np.where(bits == 1, 0, 255).astype(np.uint8), 20, constant_values=255))
        i += 8 + wb * h
    return out
