"""Text in every script on paper: which font draws each character, and right-to-left lines put in the
order they are read.

A label's address may be Latin, Cyrillic, Greek, Arabic, Hebrew, Chinese or Korean; no single font has all of
them, so each line is cut into runs, each drawn with the first face of `FACES` that has its letters.
The faces are Debian's packages (installed by `./dev`); the PDF embeds them and the PNG, the ^GFA
graphic and the receipts draw with them, so every paper shows the same glyphs.

Chinese and Japanese use Droid Sans Fallback, the TrueType font Noto CJK grew from, and Korean Hangul
(which Droid lacks) Nanum Gothic: Debian's Noto CJK ships PostScript (CFF) outlines in a collection,
which PDF writers such as reportlab cannot embed, and one face for every renderer keeps the paper and
the preview alike.

Right-to-left (Unicode's bidirectional algorithm, python-bidi) and Arabic letter joining
(arabic-reshaper: each letter's initial, medial, final or isolated form) are applied here once, giving
the line in visual order; the renderers then draw it left to right without reordering again.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from fontTools.ttLib import TTFont

FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class Face:
    """One font family of the chain: the scripts it is there for, its files and its Debian package."""

    scripts: str
    regular: str  # path under a font root
    bold: str | None
    package: str


FACES = (
    Face(
        "Latin, Greek, Cyrillic",
        "truetype/noto/NotoSans-Regular.ttf",
        "truetype/noto/NotoSans-Bold.ttf",
        "fonts-noto-core",
    ),
    Face(
        "Arabic",
        "truetype/noto/NotoSansArabic-Regular.ttf",
        "truetype/noto/NotoSansArabic-Bold.ttf",
        "fonts-noto-core",
    ),
    Face(
        "Hebrew",
        "truetype/noto/NotoSansHebrew-Regular.ttf",
        "truetype/noto/NotoSansHebrew-Bold.ttf",
        "fonts-noto-core",
    ),
    Face("Chinese, Japanese", "truetype/droid/DroidSansFallbackFull.ttf", None, "fonts-droid-fallback"),
    Face(
        "Korean (Hangul)",
        "truetype/nanum/NanumGothic.ttf",
        "truetype/nanum/NanumGothicBold.ttf",
        "fonts-nanum",
    ),
    Face(
        "anything the others lack",
        "truetype/dejavu/DejaVuSans.ttf",
        "truetype/dejavu/DejaVuSans-Bold.ttf",
        "fonts-dejavu-core",
    ),
)
PACKAGES = tuple(dict.fromkeys(face.package for face in FACES))


@dataclass(frozen=True)
class Font:
    """An installed font file and the characters it has."""

    path: Path
    characters: frozenset[int]

    @property
    def name(self) -> str:
        """A name to register it under (PDF)."""
        return self.path.stem


@dataclass(frozen=True)
class Run:
    """Part of a line in visual order, drawn with one font."""

    text: str
    font: Font | None  # None: no installed font has these characters (they would print as boxes)


def _roots() -> tuple[Path, ...]:
    """Where fonts are looked for: the one-folder build's own copies first (`./dev bundle`)."""
    bundled = getattr(sys, "_MEIPASS", None)
    return ((Path(bundled) / "fonts",) if bundled else ()) + FONT_ROOTS


def _find(relative: str) -> Path | None:
    for root in _roots():
        if (root / relative).is_file():
            return root / relative
    return None


@cache
def _font(path: Path) -> Font:
    with TTFont(str(path), lazy=True) as face:
        return Font(path, frozenset(face.getBestCmap()))


@cache
def chain(bold: bool) -> tuple[Font, ...]:
    """The installed fonts in order (a bold face falls back to the regular one where there is none)."""
    fonts = []
    for face in FACES:
        path = (_find(face.bold) if bold and face.bold else None) or _find(face.regular)
        if path is not None:
            fonts.append(_font(path))
    return tuple(fonts)


def missing_packages() -> list[str]:
    """Debian packages of the chain that are not installed (a doctor's and a test's question)."""
    return [p for p in PACKAGES if any(f.package == p and _find(f.regular) is None for f in FACES)]


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def visual(text: str) -> str:
    """The line in the order it is drawn left to right: right-to-left parts reversed, Arabic letters in
    their joined forms. A line with no right-to-left letter is returned as it is."""
    if not any(_is_rtl(ch) for ch in text):
        return text
    return str(get_display(arabic_reshaper.reshape(text)))


def _drawn(ch: str) -> bool:
    return not unicodedata.category(ch).startswith(("Z", "C"))


def missing_glyphs(text: str, bold: bool = False) -> str:
    """The characters of `text` (after joining) that no installed font can draw, each once."""
    fonts = chain(bold)
    shown = visual(text)
    return "".join(
        dict.fromkeys(ch for ch in shown if _drawn(ch) and not any(ord(ch) in f.characters for f in fonts))
    )


def runs(text: str, bold: bool = False) -> list[Run]:
    """The line in visual order, cut where the font changes. A letter takes the first font that has it;
    spaces, digits and punctuation stay with the font of the run they are in when it has them."""
    fonts = chain(bold)
    out: list[Run] = []
    for ch in visual(text):
        code = ord(ch)
        current = out[-1].font if out else None
        letter = unicodedata.category(ch).startswith(("L", "M"))
        if current is not None and not letter and code in current.characters:
            font: Font | None = current
        else:
            font = next((f for f in fonts if code in f.characters), None)
            if font is None and not _drawn(ch):
                font = current or (fonts[0] if fonts else None)
        if out and out[-1].font == font:
            out[-1] = Run(out[-1].text + ch, font)
        else:
            out.append(Run(ch, font))
    return out
