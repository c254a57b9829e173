"""A label as printer dots: text, boxes and barcodes placed on a page of a given size and resolution."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import barcode.codex

GS = "\x1d"


@dataclass(frozen=True)
class Text:
    """A line of text; `height` is the cap-to-descender height in dots."""

    x: int
    y: int
    height: int
    text: str
    bold: bool = False
    max_width: int | None = None
    reverse: bool = False  # white on a filled box


@dataclass(frozen=True)
class Box:
    """A rectangle outline (or a filled bar when `thickness` covers it)."""

    x: int
    y: int
    width: int
    height: int
    thickness: int = 2


@dataclass(frozen=True)
class Code128:
    """A Code 128 symbol; `gs1` makes it GS1-128 (FNC1 first, GS in `data` becomes FNC1)."""

    x: int
    y: int
    height: int
    module: int  # narrow bar width in whole dots
    data: str
    gs1: bool = False
    hri: str | None = None

    def modules(self) -> str:
        """The symbol as '1'/'0' modules (no quiet zones)."""
        if self.gs1:
            symbol = barcode.codex.Gs1_128(self.data.replace(GS, barcode.codex.Gs1_128.FNC1_CHAR))
        else:
            symbol = barcode.codex.Code128(self.data)
        return str(symbol.build()[0])

    @property
    def width(self) -> int:
        """Width in dots without quiet zones."""
        return len(self.modules()) * self.module


@dataclass(frozen=True)
class DataMatrix:
    """An ECC 200 DataMatrix; `module` is the cell size in dots."""

    x: int
    y: int
    module: int
    data: str


Element = Text | Box | Code128 | DataMatrix


@dataclass(frozen=True)
class Label:
    """A page of `width` x `height` dots at `dpi`."""

    name: str
    width: int
    height: int
    dpi: int
    elements: tuple[Element, ...]

    @property
    def size_inches(self) -> tuple[float, float]:
        """Page size in inches."""
        return self.width / self.dpi, self.height / self.dpi

    def barcodes(self) -> list[Code128 | DataMatrix]:
        """The label's symbols (what a verifier must read back)."""
        return [e for e in self.elements if isinstance(e, Code128 | DataMatrix)]


_ELEMENTS: dict[str, type[Element]] = {"text": Text, "box": Box, "code128": Code128, "datamatrix": DataMatrix}


def label_to_dict(label: Label) -> dict[str, object]:
    """The label as plain JSON-ready data (a print job keeps it, so a reprint is rendered again)."""
    names = {kind: name for name, kind in _ELEMENTS.items()}
    return {
        "name": label.name,
        "width": label.width,
        "height": label.height,
        "dpi": label.dpi,
        "elements": [{"type": names[type(e)], **asdict(e)} for e in label.elements],
    }


def label_from_dict(data: dict[str, Any]) -> Label:
    """The label `label_to_dict` made."""
    elements: list[Element] = []
    for item in data["elements"]:
        fields = dict(item)
        elements.append(_ELEMENTS[fields.pop("type")](**fields))
    return Label(
        str(data["name"]), int(data["width"]), int(data["height"]), int(data["dpi"]), tuple(elements)
    )
