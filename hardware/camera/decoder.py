"""Decoding barcodes in camera frames: zxing-cpp first, pyzbar and pre-processing only where it misses.

Measured on ../shared/bench/realphotos (see benchmarks/bench_decode.py): zxing-cpp alone reads most
photos in a few ms; pyzbar reads a few EAN/UPC photos it misses but costs more, and reads no
DataMatrix or PDF417. So the station decoder runs zxing-cpp on every frame and spends the extra
engines and pre-processing (contrast equalisation, 2x upscaling) only on frames where zxing-cpp found
nothing -- the union of both engines at close to zxing-cpp's median cost.
"""

from __future__ import annotations

import ctypes.util
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

# What a parcel station meets; decoding fewer formats is faster and gives fewer false reads.
FORMATS = [
    zxingcpp.BarcodeFormat.Code128,
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.EAN8,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.UPCE,
    zxingcpp.BarcodeFormat.ITF,
    zxingcpp.BarcodeFormat.Code39,
    zxingcpp.BarcodeFormat.QRCode,
    zxingcpp.BarcodeFormat.DataMatrix,
    zxingcpp.BarcodeFormat.PDF417,
]
# pyzbar names its types; these AIM ids let the normaliser treat its reads like zxing-cpp's.
_ZBAR_AIM = {
    "EAN13": "]E0",
    "EAN8": "]E4",
    "UPCA": "]E0",
    "UPCE": "]E0",
    "CODE128": "]C0",
    "CODE39": "]A0",
    "I25": "]I0",
    "QRCODE": "]Q1",
}
_ZBAR_NAMES = {
    "EAN13": "EAN-13",
    "EAN8": "EAN-8",
    "UPCA": "UPC-A",
    "UPCE": "UPC-E",
    "CODE128": "Code 128",
    "CODE39": "Code 39",
    "I25": "ITF",
    "QRCODE": "QR Code",
}


@dataclass(frozen=True)
class Decoded:
    """One code found in a frame."""

    text: str
    data: bytes
    symbology: str  # human name, e.g. "Code 128", "DataMatrix"
    aim: str | None  # AIM symbology identifier, e.g. "]C1"
    polygon: tuple[tuple[int, int], ...]
    engine: str

    @property
    def raw(self) -> bytes:
        """What a hardware scanner with AIM ids enabled would transmit."""
        return (self.aim or "").encode() + self.data


def zbar_available() -> bool:
    """True when the zbar shared library (Debian libzbar0) is installed."""
    return ctypes.util.find_library("zbar") is not None


def decode_zxing(
    image: np.ndarray, *, formats: Sequence[zxingcpp.BarcodeFormat] = FORMATS, quick: bool = False
) -> list[Decoded]:
    """zxing-cpp with plain text mode, which keeps GS1 separators (GS) in the data.

    `quick` skips the 90-degree and inverted passes: about 4x faster at 720p (9 ms vs 41 ms a frame,
    measured on the synthetic belt clip), for live video where other frames do the full search.
    """
    out = []
    results = zxingcpp.read_barcodes(
        image,
        formats=list(formats),  # type: ignore[arg-type]  # the stubs lag: a list is the new API
        text_mode=zxingcpp.TextMode.Plain,
        try_rotate=not quick,
        try_invert=not quick,
    )
    for r in results:
        if not r.valid:
            continue
        p = r.position
        polygon = tuple((pt.x, pt.y) for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
        data = bytes(r.bytes)
        out.append(
            Decoded(r.text, data, _zxing_name(r.format), r.symbology_identifier or None, polygon, "zxing-cpp")
        )
    return out


def decode_zbar(gray: np.ndarray) -> list[Decoded]:
    """pyzbar (zbar); empty when libzbar0 is missing."""
    if not zbar_available():
        return []
    from pyzbar import pyzbar

    out = []
    for r in pyzbar.decode(gray):
        kind = r.type
        if kind == "I25" and len(r.data) not in (14, 16, 18):
            continue  # ITF misreads are common; accept only the lengths parcels carry (ITF-14 etc.)
        polygon = tuple((int(pt.x), int(pt.y)) for pt in r.polygon)
        text = r.data.decode("utf-8", "replace")
        out.append(Decoded(text, r.data, _ZBAR_NAMES.get(kind, kind), _ZBAR_AIM.get(kind), polygon, "pyzbar"))
    return out


def decode_frame(image: np.ndarray, *, thorough: bool = True) -> list[Decoded]:
    """Every code in one frame (BGR or grayscale), each once (stills: every engine and pass)."""
    found = decode_zxing(image)
    if found or not thorough:
        return found
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    found = decode_zbar(gray)
    if found:
        return found
    # Low contrast (glare, shadow): equalise locally. Small codes far from the lens: upscale 2x.
    clahe = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray)
    found = decode_zxing(clahe)
    if found:
        return found
    if max(gray.shape) < 1600:
        big = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        found = [_scaled(d, 0.5) for d in decode_zxing(big) + decode_zbar(big)]
    return _unique(found)


def decode_live(image: np.ndarray, frame_index: int, full_every: int = 4) -> list[Decoded]:
    """The live-video budget: a quick zxing-cpp pass on most frames, the full search on every
    `full_every`-th (rotated and inverted codes are then read within that many frames)."""
    return decode_zxing(image, quick=frame_index % full_every != 0)


def _scaled(d: Decoded, factor: float) -> Decoded:
    polygon = tuple((int(x * factor), int(y * factor)) for x, y in d.polygon)
    return Decoded(d.text, d.data, d.symbology, d.aim, polygon, d.engine)


def _unique(found: list[Decoded]) -> list[Decoded]:
    seen: set[bytes] = set()
    out = []
    for d in found:
        if d.data not in seen:
            seen.add(d.data)
            out.append(d)
    return out


def _zxing_name(fmt: zxingcpp.BarcodeFormat) -> str:
    names = {
        zxingcpp.BarcodeFormat.Code128: "Code 128",
        zxingcpp.BarcodeFormat.EAN13: "EAN-13",
        zxingcpp.BarcodeFormat.EAN8: "EAN-8",
        zxingcpp.BarcodeFormat.UPCA: "UPC-A",
        zxingcpp.BarcodeFormat.UPCE: "UPC-E",
        zxingcpp.BarcodeFormat.ITF: "ITF",
        zxingcpp.BarcodeFormat.Code39: "Code 39",
        zxingcpp.BarcodeFormat.QRCode: "QR Code",
        zxingcpp.BarcodeFormat.DataMatrix: "DataMatrix",
        zxingcpp.BarcodeFormat.PDF417: "PDF417",
    }
    return names.get(fmt, str(fmt).rsplit(".", 1)[-1])
