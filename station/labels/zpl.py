"""ZPL II for Zebra and compatible printers: native Code 128 / GS1-128 and DataMatrix, UTF-8 text.

A stock printer's font 0 (with ^CI28, UTF-8) draws Latin-1 and no more; any line with another letter
(Ł, Cyrillic, Greek, Arabic, Hebrew, Chinese) is sent as a ^GFA graphic of itself (`_text_graphic`),
drawn by the same fonts as the PDF and PNG, so a printer with no downloaded font prints every script.

Every variable field goes through `^FH\\` hex escaping: `^`, `~`, `\\`, control characters and all
non-ASCII bytes are written as `\\XX`, so nothing an address contains can end a field or start a
command (a `~` is acted on by the printer even inside `^FD`)."""

from __future__ import annotations

import math

from station.labels.model import GS, Box, Code128, DataMatrix, Label, Text

_SAFE = {chr(c) for c in range(0x20, 0x7F)} - {"^", "~", "\\", "_"}


def escape(text: str) -> str:
    """`^FH\\` hex escaping of a field's UTF-8 bytes."""
    out = []
    for ch in text:
        if ch in _SAFE:
            out.append(ch)
        else:
            out.extend(f"\\{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def field(text: str) -> str:
    """A complete escaped field: ^FH\\^FD...^FS."""
    return f"^FH\\^FD{escape(text)}^FS"


class ZplRenderer:
    """Label -> ZPL II bytes."""

    def render(self, label: Label, copies: int = 1) -> bytes:
        """One label (printed `copies` times)."""
        lines = ["^XA", "^CI28", f"^PW{label.width}", f"^LL{label.height}", "^LH0,0", "^PON"]
        for e in label.elements:
            lines.append(self._element(e))
        if copies > 1:
            lines.append(f"^PQ{copies}")
        lines.append("^XZ")
        return ("\n".join(lines) + "\n").encode("ascii")

    def render_many(self, labels: list[Label]) -> bytes:
        """Several labels in one job."""
        return b"".join(self.render(label) for label in labels)

    def _element(self, e: Text | Box | Code128 | DataMatrix) -> str:
        if isinstance(e, Text):
            if not all(" " <= ch <= "~" or "\xa0" <= ch <= "\xff" for ch in e.text):
                return _text_graphic(e)
            width = round(e.height * (0.62 if e.bold else 0.55))
            block = f"^FB{e.max_width},1,0,L,0" if e.max_width else ""
            reverse = "^FR" if e.reverse else ""
            return f"^FO{e.x},{e.y}^A0N,{e.height},{width}{block}{reverse}{field(e.text)}"
        if isinstance(e, Box):
            return f"^FO{e.x},{e.y}^GB{e.width},{e.height},{min(e.thickness, e.width, e.height)},B,0^FS"
        if isinstance(e, Code128):
            by = f"^BY{e.module},3,{e.height}"
            if e.gs1:
                return f"^FO{e.x},{e.y}{by}^BCN,{e.height},N,N,N,D^FD{_gs1_mode_d(e.data)}^FS"
            return f"^FO{e.x},{e.y}{by}^BCN,{e.height},N,N,N,N^FH\\^FD>:{escape(e.data)}^FS"
        if isinstance(e, DataMatrix):
            if "_" in e.data:
                raise ValueError("DataMatrix data may not contain '_' (it is the ^BX escape character)")
            return f"^FO{e.x},{e.y}^BXN,{e.module},200,,,,_{field(e.data)}"
        raise TypeError(f"unknown label element {e!r}")


def _text_graphic(e: Text) -> str:
    """A line font 0 cannot draw, as a ^GFA picture of itself; ^FR keeps a white-on-black banner white."""
    from PIL import Image, ImageDraw

    from station.labels.png import draw_line, fit, text_width
    from station.labels.zpl_raster import graphic_field

    text = fit(e.text, e.height, e.bold, e.max_width)
    width = max(1, math.ceil(text_width(text, e.height, e.bold)))
    image = Image.new("1", (width, round(e.height * 1.5)), 1)  # room for the dots under Arabic letters
    draw_line(ImageDraw.Draw(image), 0, 0, e.height, text, e.bold)
    return f"^FO{e.x},{e.y}{graphic_field(image)}{'^FR' if e.reverse else ''}^FS"


def _gs1_mode_d(element_string: str) -> str:
    """GS1 data for ^BC mode D (UCC/EAN): '(AI)value' parts joined by '>8' (FNC1 after a variable field).

    The printer adds the leading FNC1 and picks code subsets itself, so odd digit counts need no care.
    """
    parts = []
    for part in element_string.split(GS):
        if not part.isdigit():
            raise ValueError(f"GS1 element string must be digits here, not {part!r}")
        ai_length = 3 if part.startswith(("420", "421")) else 2
        parts.append(f"({part[:ai_length]}){part[ai_length:]}")
    return ">8".join(parts)
