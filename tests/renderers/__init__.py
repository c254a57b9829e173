"""Independent renderers the label tests check against: zpl-renderer-js (ZPL) and pdftoppm (PDF).

The npm package is installed on first use into `.venv/zpl-renderer-js-3.4.0` of this checkout (the
test set-up owns its copy; nothing from outside the repository is needed but the npm registry).
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image

PACKAGE, VERSION = "zpl-renderer-js", "3.4.0"
REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def install_zpl_renderer() -> Path:
    """The installed package folder (npm install on first use; safe under parallel first use)."""
    root = Path(os.environ.get("STATION_NPM_CACHE", REPO / ".venv"))
    target = root / f"{PACKAGE}-{VERSION}"
    module = target / "node_modules" / PACKAGE
    if (module / "package.json").exists():
        return module
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise RuntimeError("node and npm are needed to render ZPL independently (./dev test installs them)")
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".npm-"))
    (tmp / "package.json").write_text(
        json.dumps({"name": "zpl-check", "private": True, "dependencies": {PACKAGE: VERSION}})
    )
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(tmp)], check=True
    )
    try:
        tmp.rename(target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process installed it first
    return module


class ZplRenderer:
    """One long-lived Node process rendering ZPL to PNG."""

    def __init__(self) -> None:
        module = install_zpl_renderer()
        self._proc = subprocess.Popen(
            ["node", str(HERE / "render_zpl.js"), str(module)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def render(self, zpl: bytes, width_in: float, height_in: float, dpi: int) -> list[np.ndarray]:
        """Grayscale images, one per label in the job."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        request = {
            "zpl": zpl.decode("utf-8"),
            "width_mm": width_in * 25.4,
            "height_mm": height_in * 25.4,
            "dpmm": {203: 8, 300: 12}[dpi],
        }
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        answer = json.loads(self._proc.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"zpl-renderer-js: {answer['error']}")
        return [np.array(Image.open(io.BytesIO(base64.b64decode(b))).convert("L")) for b in answer["pngs"]]

    def close(self) -> None:
        """Stop the Node process."""
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(10)


def pdf_pages(pdf: bytes, dpi: int = 300) -> list[np.ndarray]:
    """Rasterise a PDF with poppler's pdftoppm (independent of reportlab)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(Path(tmp) / "page")], check=True
        )
        return [np.array(Image.open(p).convert("L")) for p in sorted(Path(tmp).glob("page*.png"))]


def decode(image: np.ndarray) -> list[tuple[str, str, bytes]]:
    """(format, AIM id, raw bytes) of every code zxing-cpp finds."""
    return [(str(r.format), r.symbology_identifier, bytes(r.bytes)) for r in zxingcpp.read_barcodes(image)]


def ink(image: np.ndarray | Image.Image, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """The dark pixels of (a box of) an image, cropped to where there is ink."""
    picture = image if isinstance(image, Image.Image) else Image.fromarray(image)
    if box is not None:
        picture = picture.crop(box)
    dark = np.array(picture.convert("L")) < 128
    ys, xs = np.nonzero(dark)
    if not len(ys):
        return np.zeros((1, 1), dtype=bool)
    return dark[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def reference_text(text: str, font: Path, *, direction: str | None = None, size: int = 64) -> np.ndarray:
    """`text` drawn by Pillow's HarfBuzz/FriBiDi (raqm) layout in one font file: the reference a label's
    line is compared with (independent of the station's own bidi and joining)."""
    from PIL import ImageDraw, ImageFont

    face = ImageFont.truetype(str(font), size, layout_engine=ImageFont.Layout.RAQM)
    picture = Image.new("L", (size * (len(text) + 2), size * 3), 255)
    ImageDraw.Draw(picture).text((size, size), text, font=face, fill=0, direction=direction)
    return ink(picture)


def likeness(a: np.ndarray, b: np.ndarray) -> float:
    """How alike two ink masks are (0..1): both scaled to one height, strokes thickened a little, then
    intersection over union. Masks whose proportions differ by more than 15% score 0."""
    from PIL import ImageFilter

    aspect_a, aspect_b = a.shape[1] / a.shape[0], b.shape[1] / b.shape[0]
    if abs(aspect_a - aspect_b) > 0.15 * aspect_b:
        return 0.0
    height = 48
    width = max(1, round(height * aspect_b))

    def scaled(mask: np.ndarray) -> np.ndarray:
        picture = Image.fromarray(np.where(mask, 0, 255).astype(np.uint8)).resize((width, height))
        return np.array(picture.filter(ImageFilter.MinFilter(3))) < 128

    x, y = scaled(a), scaled(b)
    return float((x & y).sum() / max(1, (x | y).sum()))


def escpos_raster(data: bytes) -> np.ndarray:
    """Every ESC/POS 'GS v 0' raster block of a job stacked top to bottom (a tall picture is sent in
    strips), read independently of python-escpos: white 255, black 0, a white margin around."""
    strips, i = [], 0
    while (i := data.find(b"\x1dv0", i)) >= 0:
        _mode, xl, xh, yl, yh = data[i + 3 : i + 8]
        width_bytes, height = xl + 256 * xh, yl + 256 * yh
        bits = np.unpackbits(np.frombuffer(data[i + 8 : i + 8 + width_bytes * height], np.uint8))
        strips.append(np.where(bits.reshape(height, width_bytes * 8) == 1, 0, 255).astype(np.uint8))
        i += 8 + width_bytes * height
    assert strips, "no GS v 0 raster in the job"
    return np.pad(np.vstack(strips), 20, constant_values=255)
