"""Addresses in every script print as letters, not boxes: each line of a label, rendered by the PNG
renderer, by an independent ZPL renderer (from the ^GFA graphic a stock printer gets) and by poppler
(from the PDF with its embedded fonts), is compared with a reference drawing of the same text by
HarfBuzz/FriBiDi in a font the test names itself; the barcode still decodes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from station.labels.layouts import ShippingLabelData, shipping_label
from station.labels.model import Label, Text
from station.labels.pdf import PdfRenderer
from station.labels.png import render_image
from station.labels.scripts import missing_glyphs, missing_packages
from station.labels.zpl import ZplRenderer as Zpl
from station.labels.zpl import escape
from tests.renderers import ZplRenderer, decode, ink, likeness, pdf_pages, reference_text

NOTO = Path("/usr/share/fonts/truetype/noto")
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
ALIKE = 0.7  # real renderings of the same text score 0.76-0.93 here; boxes or a wrong order 0.0-0.55

SAMPLES = {
    "latin": ("Łukasz Wójcik", NOTO / "NotoSans-Regular.ttf"),
    "cyrillic": ("Иван Петров", NOTO / "NotoSans-Regular.ttf"),
    "greek": ("Οδυσσέας Ελύτης", NOTO / "NotoSans-Regular.ttf"),
    "arabic": ("محمد علي", NOTO / "NotoSansArabic-Regular.ttf"),
    "hebrew": ("דוד כהן", NOTO / "NotoSansHebrew-Regular.ttf"),
    "chinese": ("王小明 北京市", DROID),
    "japanese": ("山田太郎 東京都", DROID),
    "korean": ("김민준 서울", NANUM),
}
RIGHT_TO_LEFT = {"arabic", "hebrew"}
TRACKING = "CP123456785US"


def _label(text: str) -> tuple[Label, Text]:
    label = shipping_label(ShippingLabelData(TRACKING, ("Ann Smith", "1 Main St"), ("Addressee", text)), 203)
    line = next(e for e in label.elements if isinstance(e, Text) and e.text == text)
    return label, line


def _box(line: Text) -> tuple[int, int, int, int]:
    assert line.max_width is not None
    return line.x - 2, line.y - 2, line.x + line.max_width, line.y + round(line.height * 1.8)


def _tofu_font(script: str) -> Path:
    """A font without the sample's letters: what the text looks like as boxes."""
    return NOTO / ("NotoSansArabic-Regular.ttf" if script == "hebrew" else "NotoSansHebrew-Regular.ttf")


def test_the_fonts_for_every_script_are_installed_and_cover_the_samples() -> None:
    assert missing_packages() == []
    for text, _font in SAMPLES.values():
        assert missing_glyphs(text) == "", text
        assert missing_glyphs(text, bold=True) == "", text


def test_a_character_no_font_has_is_named() -> None:
    # Thai and Ethiopic need fonts (and shaping) the station does not have: named, so the counter can
    # refuse the address instead of printing boxes.
    assert missing_glyphs("Somchai กรุงเทพ ሀ") == "กรุงเทพሀ"


@pytest.fixture(scope="module")
def rendered(zpl_renderer: ZplRenderer) -> dict[tuple[str, str], np.ndarray]:
    """Every sample's label through each renderer (PDF and ZPL through independent ones)."""
    out: dict[tuple[str, str], np.ndarray] = {}
    for script, (text, _font) in SAMPLES.items():
        label, _line = _label(text)
        out[script, "png"] = np.array(render_image(label).convert("L"))
        out[script, "zpl"] = zpl_renderer.render(Zpl().render(label), 4, 6, 203)[0]
        out[script, "pdf"] = pdf_pages(PdfRenderer().render(label), 203)[0]
    return out


@pytest.mark.parametrize("renderer", ["png", "zpl", "pdf"])
@pytest.mark.parametrize("script", list(SAMPLES))
def test_each_script_renders_like_the_reference_and_the_barcode_decodes(
    rendered: dict[tuple[str, str], np.ndarray], script: str, renderer: str
) -> None:
    text, font = SAMPLES[script]
    line = _label(text)[1]
    image = rendered[script, renderer]
    printed = ink(image, _box(line))
    reference = reference_text(text, font)
    assert likeness(printed, reference) >= ALIKE, f"{script} via {renderer} does not look like {text!r}"
    # The check can fail: the same text as boxes (a font without its letters) is not like it ...
    assert likeness(reference_text(text, _tofu_font(script)), reference) < ALIKE
    assert likeness(printed, reference_text(text, _tofu_font(script))) < ALIKE
    if script in RIGHT_TO_LEFT:  # ... nor the line left in typing order (what a renderer without bidi prints)
        assert likeness(printed, reference_text(text[::-1], font)) < ALIKE
    assert ("]C0", TRACKING.encode()) in {(aim, data) for _f, aim, data in decode(image)}


def test_zpl_sends_a_line_outside_latin1_as_a_graphic_and_latin1_as_text() -> None:
    label, _line = _label("Иван Петров")
    zpl = Zpl().render(label)
    assert escape("Иван Петров").encode() not in zpl  # not left to the printer's font 0
    assert zpl.count(b"^GFA") == 1
    assert b"^FDAddressee^FS" in zpl  # ASCII stays native text
    latin1, _ = _label("Bob Müller")
    assert b"^GFA" not in Zpl().render(latin1)


def test_the_pdf_embeds_the_fonts_it_draws_with(tmp_path: Path) -> None:
    label, _line = _label("王小明 Иван محمد דוד 김민준")
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(PdfRenderer().render(label))
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = {line.split()[0].split("+")[-1]: line.split() for line in listing.splitlines()[2:]}
    for face in ("NotoSans-Regular", "NotoSansArabic-Regular", "NotoSansHebrew-Regular", "DroidSansFallback"):
        assert face in rows, listing
        assert rows[face][-5] == "yes", f"{face} is not embedded:\n{listing}"  # the 'emb' column
    assert any(name.startswith("Nanum") for name in rows), listing


def test_the_readme_label_pictures_are_what_the_counter_prints(tmp_path: Path) -> None:
    """The README's pictures come from `station accept` through poppler: each decodes to its item, the
    Cyrillic and Chinese names look like their references, and the CN 22 is the form with the label."""
    from tests.station.labels.readme_labels import make

    shots = {p.stem: np.array(Image.open(p).convert("L")) for p in make(tmp_path)}
    assert set(shots) == {"label-cyrillic", "label-cn22", "label-chinese"}
    items = {name: {data for _f, _aim, data in decode(image)} for name, image in shots.items()}
    moscow = next(d for d in items["label-cyrillic"] if d.startswith(b"CP"))
    assert moscow in items["label-cn22"]  # the form carries the item's barcode
    assert any(d.startswith(b"CP") and d != moscow for d in items["label-chinese"])
    # The addressee's name line: the first of the Russian block, the last of the Chinese one (its order
    # is postcode, region and city, street, name), 2.17 in down and 0.24 in a line on the 4x6 label.
    for name, text, font, line in (
        ("label-cyrillic", "Иван Петров", NOTO / "NotoSans-Bold.ttf", 0),
        ("label-chinese", "王小明", DROID, 3),
    ):
        top = 2.17 + line * 0.24
        box = tuple(round(v * 150) for v in (0.3, top - 0.02, 3.9, top + 0.235))
        found = likeness(ink(shots[name], box), reference_text(text, font))  # type: ignore[arg-type]
        assert found >= ALIKE, f"{text!r} not found on {name} ({found:.2f})"


def test_the_doctor_names_the_font_packages_a_machine_lacks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from station import doctor
    from station.labels import scripts

    assert doctor.fonts().ok
    monkeypatch.setattr(scripts, "FONT_ROOTS", (tmp_path,))  # a machine without the font packages
    check = doctor.fonts()
    assert not check.ok and "not installed" in check.detail
    assert check.fix == "apt-get install fonts-noto-core fonts-droid-fallback fonts-nanum fonts-dejavu-core"


@pytest.mark.parametrize("script", ["cyrillic", "arabic", "hebrew", "chinese", "korean"])
def test_a_cn23_shows_the_addressee_in_their_script_through_both_independent_renderers(
    zpl_renderer: ZplRenderer, script: str
) -> None:
    from datetime import date

    from station.abroad.customs import Form, parse
    from station.abroad.forms import CustomsFormData, customs_forms
    from tests.ui.cli.test_cli_abroad import DECLARATION

    text, font = SAMPLES[script]
    declaration = parse(DECLARATION, gross_weight_g=2000)  # leather boots, 480 USD: a CN 23
    sender, addressee = ("Ann Smith", "1 Main St"), (text,)  # alone in the To block: nothing under it
    data = CustomsFormData(
        TRACKING, Form.CN23, declaration, sender, addressee, 2000, date(2026, 12, 2), "NYC"
    )
    [page] = customs_forms(data)
    line = next(e for e in page.elements if isinstance(e, Text) and e.text == text)
    box = (line.x - 2, line.y - 2, line.x + (line.max_width or 400), line.y + round(line.height * 1.6))
    reference = reference_text(text, font)
    for image in (
        zpl_renderer.render(Zpl().render(page), 4, 6, 203)[0],
        pdf_pages(PdfRenderer().render(page), 203)[0],
    ):
        assert likeness(ink(image, box), reference) >= ALIKE
        assert ("]C0", TRACKING.encode()) in {(aim, d) for _f, aim, d in decode(image)}
