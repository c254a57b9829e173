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


# The 1-D formats among FORMATS: the ones whose reading depends on the angle (zxing-cpp finds 2-D codes
# at any angle itself).
_MATRIX = {zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.DataMatrix, zxingcpp.BarcodeFormat.PDF417}
LINEAR = [f for f in FORMATS if f not in _MATRIX]
_DETECTOR: list[cv2.barcode.BarcodeDetector] = []  # made on first use: one per process


def bar_angles(gray: np.ndarray, count: int = 2) -> list[int]:
    """The directions (degrees, 0-179) the strongest straight edges in the frame run across.

    A 1-D code is many parallel edges, so it dominates the gradient-orientation histogram (weighted by
    squared magnitude, on a half-size frame) wherever it lies; the peaks, at least 10 degrees apart,
    are the angles to turn the frame by so its bars stand upright for zxing-cpp's line scans (which
    read within a few degrees of horizontal and vertical only).
    """
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    weight = gx * gx + gy * gy
    angle = np.degrees(np.arctan2(gy, gx)) % 180
    hist, _ = np.histogram(angle, bins=180, range=(0, 180), weights=weight)
    smooth = np.convolve(np.r_[hist[-3:], hist, hist[:3]], np.ones(7) / 7, mode="valid")
    peaks: list[int] = []
    for a in np.argsort(smooth)[::-1]:
        if all(min(abs(int(a) - b), 180 - abs(int(a) - b)) > 10 for b in peaks):
            peaks.append(int(a))
        if len(peaks) == count:
            break
    return peaks


def _turned(
    gray: np.ndarray, centre: tuple[float, float], angle: float, size: tuple[int, int], scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """`gray` turned by `angle` about `centre` into an image of `size`, and the matrix back."""
    width, height = size
    forward = cv2.getRotationMatrix2D(centre, angle, scale)
    forward[0, 2] += width / 2 - centre[0]
    forward[1, 2] += height / 2 - centre[1]
    turned = cv2.warpAffine(gray, forward, (width, height), flags=cv2.INTER_LINEAR, borderValue=128)
    return turned, cv2.invertAffineTransform(forward)


def _mapped(found: list[Decoded], back: np.ndarray, engine: str) -> list[Decoded]:
    out = []
    for d in found:
        points = np.array(d.polygon, np.float64).reshape(-1, 1, 2)
        original = cv2.transform(points, back).reshape(-1, 2)
        polygon = tuple((int(x), int(y)) for x, y in original)
        out.append(Decoded(d.text, d.data, d.symbology, d.aim, polygon, engine))
    return out


def decode_turned(gray: np.ndarray, angles: int = 2) -> list[Decoded]:
    """1-D codes at any angle: the whole frame turned upright for each dominant bar direction."""
    height, width = gray.shape
    for angle in bar_angles(gray, angles):
        turned, back = _turned(gray, (width / 2, height / 2), angle, (width, height))
        found = decode_zxing(turned, formats=LINEAR, quick=True)
        if found:
            return _mapped(found, back, "zxing-cpp turned")
    return []


def decode_boxes(gray: np.ndarray) -> list[Decoded]:
    """1-D codes OpenCV's barcode detector boxes (rotated rectangles): each box cut out upright, with
    its quiet zones, at 1x and then 2x, and decoded by zxing-cpp."""
    if not _DETECTOR:
        _DETECTOR.append(cv2.barcode.BarcodeDetector())
    ok, boxes = _DETECTOR[0].detect(gray)
    if not ok or boxes is None:
        return []
    for box in boxes:
        (cx, cy), (w, h), angle = cv2.minAreaRect(np.asarray(box, np.float32).reshape(4, 2))
        if w < h:
            w, h, angle = h, w, angle + 90
        for scale in (1.0, 2.0):
            size = (int((w * 1.3 + 30) * scale), int((h * 1.4 + 16) * scale))
            if size[0] * size[1] > 4_000_000:
                continue
            crop, back = _turned(gray, (cx, cy), angle, size, scale)
            found = decode_zxing(crop, formats=LINEAR, quick=True)
            if found:
                return _mapped(found, back, "zxing-cpp box")
    return []


def decode_frame(image: np.ndarray, *, thorough: bool = True) -> list[Decoded]:
    """Every code in one frame (BGR or grayscale), each once (stills: every engine and pass).

    Measured on the angled frames of `benchmarks/bench_angles.py`: zxing-cpp reads the 2-D codes at
    any angle and the 1-D ones near a quarter turn; turning the frame upright along its dominant bar
    direction, then cutting out what OpenCV's barcode detector boxes, reads most of the rest, for a
    fraction of the cost of the older passes (pyzbar, contrast, upscaling), which now run last.
    """
    found = decode_zxing(image)
    if found or not thorough:
        return found
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    found = decode_turned(gray) or decode_boxes(gray)
    if found:
        return found
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
    """The live-video budget (one core at 720p): the full zxing-cpp search on every `full_every`-th
    frame (quarter-turned and inverted codes), a quick pass on the others; where the quick pass
    misses, the frame after the full search is turned upright along its bars and the one after that
    cut along OpenCV's barcode boxes. A 1-D code at any angle is tried every way within `full_every`
    frames of coming into view, and no frame pays for more than one extra step."""
    phase = frame_index % full_every
    found = decode_zxing(image, quick=phase != 0)
    if found or phase not in (1, 2):
        return found
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return decode_turned(gray) if phase == 1 else decode_boxes(gray)


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
