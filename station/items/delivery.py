"""Proof of delivery: the recipient's signature (strokes and image) and the POD document.

The signature pad hands over strokes (lists of points in pad pixels); they are checked so that an
empty pad or a trivial scribble is refused, stored as JSON strokes and as a PNG under the data dir,
and referenced from the delivered event by `signature_ref`. The POD PDF shows the signature, the
printed name, the local time and the place.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A5
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from station.errors import Refused
from station.paths import write_new_private

Point = tuple[float, float]
MIN_INK_PX = 150  # total stroke length: less is a dot or a tick, not a signature
MIN_BOX = (60, 20)  # a signature is wider than this box
# A quick real signature on a touch pad samples few points (11 was refused as "too little ink"): what
# makes a signature is its ink and its extent, so the points only need to bend once.
MIN_POINTS = 3


class SignatureRefused(Refused):
    """The pad does not hold a usable signature; the message tells the carrier why."""


@dataclass(frozen=True)
class Signature:
    """Strokes drawn on a pad of `width` x `height` pixels."""

    strokes: tuple[tuple[Point, ...], ...]
    width: int
    height: int

    @property
    def ink_length(self) -> float:
        """Total length of all strokes in pixels."""
        return sum(math.dist(a, b) for s in self.strokes for a, b in itertools.pairwise(s))

    def check(self) -> None:
        """Refuse an empty pad or a trivial scribble."""
        points = [p for s in self.strokes for p in s]
        if not points:
            raise SignatureRefused("the pad is empty: ask the recipient to sign")
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if len(points) < MIN_POINTS or self.ink_length < MIN_INK_PX:
            raise SignatureRefused("too little ink for a signature: ask the recipient to sign again")
        if max(xs) - min(xs) < MIN_BOX[0] or max(ys) - min(ys) < MIN_BOX[1] / 4:
            raise SignatureRefused(
                "that is a dot or a line, not a signature: ask the recipient to sign again"
            )

    def png(self, pen: int = 3) -> bytes:
        """The signature drawn black on white."""
        image = Image.new("L", (self.width, self.height), 255)
        draw = ImageDraw.Draw(image)
        for stroke in self.strokes:
            if len(stroke) == 1:
                x, y = stroke[0]
                draw.ellipse([x - pen, y - pen, x + pen, y + pen], fill=0)
            else:
                draw.line(stroke, fill=0, width=pen, joint="curve")
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()


@dataclass(frozen=True)
class SignatureImage:
    """A signature a pad delivered as a picture (PNG): dark ink on a light background."""

    png_bytes: bytes

    def check(self) -> None:
        """Refuse a picture that is not an image, is blank, or holds only a dot or a line."""
        try:
            image = Image.open(io.BytesIO(self.png_bytes))
            if image.width * image.height > 4_000_000:
                raise SignatureRefused("the signature picture is too large (at most 4 megapixels)")
            gray = image.convert("L")
        except (OSError, ValueError, Image.DecompressionBombError):
            raise SignatureRefused("the signature file is not a picture the station can read") from None
        ink = gray.point(lambda v: 255 if v < 128 else 0)
        box = ink.getbbox()
        if box is None:
            raise SignatureRefused("the pad is empty: ask the recipient to sign")
        inked = sum(ink.histogram()[255:])
        if inked < MIN_INK_PX or box[2] - box[0] < MIN_BOX[0] or box[3] - box[1] < MIN_BOX[1] / 4:
            raise SignatureRefused(
                "that is a dot or a line, not a signature: ask the recipient to sign again"
            )

    def png(self) -> bytes:
        """The picture as given."""
        return self.png_bytes


def load_signature(path: Path) -> Signature | SignatureImage:
    """A signature from a file: `.json` strokes (width, height, strokes of [x, y] points) or a PNG."""
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as exc:
        raise SignatureRefused(
            f"cannot read the signature file {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    if path.suffix.lower() == ".json":
        try:
            raw = json.loads(data)
            strokes = tuple(tuple((float(p[0]), float(p[1])) for p in stroke) for stroke in raw["strokes"])
            width, height = int(raw["width"]), int(raw["height"])
        except (ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
            raise SignatureRefused(
                f"{path.name}: not signature strokes (JSON with width, height and strokes of [x, y] points)"
            ) from None
        if not (0 < width <= 4000 and 0 < height <= 4000) or not all(
            math.isfinite(v) for stroke in strokes for point in stroke for v in point
        ):
            raise SignatureRefused(f"{path.name}: the pad size or a point is out of range")
        return Signature(strokes, width, height)
    if path.suffix.lower() == ".png":
        return SignatureImage(data)
    raise SignatureRefused(f"{path.name}: a signature is a .png picture or .json strokes")


def store_signature(signature: Signature | SignatureImage, folder: Path) -> str:
    """Check and store the signature (never over another); returns its reference for the delivered event."""
    signature.check()
    ref = f"sig-{uuid.uuid4()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if isinstance(signature, Signature):
        data = {
            "width": signature.width,
            "height": signature.height,
            "strokes": [list(s) for s in signature.strokes],
        }
        write_new_private(folder / f"{ref}.json", json.dumps(data).encode())
    write_new_private(folder / f"{ref}.png", signature.png())
    return ref


class Receiver(StrEnum):
    """Who took the item at the door (the delivery event's `receiver`, EMSEVT EMI's receiver role)."""

    ADDRESSEE = "addressee"
    SAFE_PLACE = "safe-place"  # nobody: left where the customer said, a photo proves it
    NEIGHBOUR = "neighbour"


def proof_of_delivery_pdf(
    item_id: str,
    received: str,
    at: datetime,
    place: str,
    carrier: str,
    signature_png: bytes | None,
    photo_jpeg: bytes | None = None,
) -> bytes:
    """An A5 proof-of-delivery document: who or where received it, the signature and the door photo."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A5)
    width, height = A5
    c.setTitle(f"Proof of delivery {item_id}")
    c.setFont("Helvetica-Bold", 16)
    c.drawString(40, height - 50, "Proof of Delivery")
    c.setFont("Helvetica", 11)
    rows = [
        ("Item", item_id),
        ("Delivered", at.strftime("%Y-%m-%d %H:%M %Z")),  # local: the recipient reads it
        ("Place", place),
        ("Received", received),
        ("Carrier", carrier),
    ]
    y = height - 85
    for label, value in rows:
        c.drawString(40, y, f"{label}:")
        c.drawString(130, y, value[:60])
        y -= 18
    for picture, tall in ((signature_png, 120.0), (photo_jpeg, 220.0)):
        if picture is None:
            continue
        image = ImageReader(io.BytesIO(picture))
        iw, ih = image.getSize()
        scale = min((width - 80) / iw, tall / ih)
        y -= 10 + ih * scale
        c.rect(40, y, iw * scale, ih * scale)
        c.drawImage(image, 40, y, iw * scale, ih * scale)
    c.setFont("Helvetica", 7)
    c.drawString(40, 30, "Signature and photo taken on the carrier's device; faces in the photo are blurred.")
    c.drawString(40, 21, "Their SHA-256 are in the delivery event, in the station's hash chain.")
    c.showPage()
    c.save()
    return buffer.getvalue()
