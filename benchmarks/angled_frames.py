"""Camera frames of parcel labels at any angle, made with a fixed seed (`bench_angles.py`, tests).

Each 1280x720 frame holds one parcel label on cardboard: a Code 128 of an S10 id, a GS1-128 IMpb
(AI 420 + AI 92, FNC1 as GS), a DataMatrix or a QR code, turned by a random angle (any, not only
quarter turns), tilted in perspective, motion-blurred in a random direction, with sensor noise, and in
some frames a glare spot or dim light. The ground truth is the text a decoder must return (plain text
mode: GS1 separators as GS).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

W, H = 1280, 720
KINDS = ("code128", "gs1-128", "datamatrix", "qr")


@dataclass(frozen=True)
class Frame:
    """One generated frame and what is on it."""

    image: np.ndarray
    expected: str
    kind: str
    angle: float


def _s10(n: int) -> str:
    body = f"{n % 10**8:08d}"
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    check = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    check = 0 if check == 11 else 5 if check == 10 else check
    return f"RR{body}{check}US"


def _code(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    n = int(rng.integers(10**7, 10**8))
    if kind == "code128":
        text = _s10(n)
        barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
        scale = int(rng.integers(2, 4))
    elif kind == "gs1-128":
        serial = f"92055901{n:08d}123456"
        barcode = zxingcpp.create_barcode(
            f"(420)94105(92){serial[2:]}", zxingcpp.BarcodeFormat.Code128, gs1=True
        )
        text = f"42094105\x1d{serial}"
        scale = int(rng.integers(2, 4))
    elif kind == "datamatrix":
        text = _s10(n)
        barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.DataMatrix)
        scale = int(rng.integers(5, 8))
    else:
        text = f"https://track.example/{_s10(n)}"
        barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
        scale = int(rng.integers(4, 6))
    image = np.array(barcode.to_image(scale=scale, add_quiet_zones=True))
    if kind in ("code128", "gs1-128"):
        image = image[: max(60, image.shape[0] // 2)]  # a label's bar height, not the square default
        image = cv2.resize(
            image, (image.shape[1], int(rng.integers(70, 120))), interpolation=cv2.INTER_NEAREST
        )
    return image, text


def _label(code: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = code.shape
    label = np.full((h + 120, max(w + 60, 420)), 245, np.uint8)
    x = (label.shape[1] - w) // 2
    label[40 : 40 + h, x : x + w] = code
    cv2.putText(label, "PARCEL STATION", (20, 28), cv2.FONT_HERSHEY_SIMPLEX, 0.7, 30, 2)
    cv2.putText(label, "SHIP TO: B LEE 2 ELM ST", (20, h + 90), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 40, 1)
    return label


def _motion(image: np.ndarray, length: int, angle: float) -> np.ndarray:
    if length <= 1:
        return image
    line = np.zeros((length, length), np.float32)
    line[length // 2, :] = 1.0
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(line, turn, (length, length))
    normalised = (kernel / max(float(kernel.sum()), 1e-6)).astype(np.float32)
    return cv2.filter2D(image, -1, normalised)


def frames(count: int = 240, seed: int = 17) -> Iterator[Frame]:
    """`count` frames, the same ones for the same seed."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        code, text = _code(kind, rng)
        label = _label(code, rng)
        lh, lw = label.shape
        angle = float(rng.uniform(0, 360))
        size = float(rng.uniform(0.8, 1.15))
        centre = (float(rng.uniform(0.35, 0.65)) * W, float(rng.uniform(0.38, 0.62)) * H)
        corners = (
            np.array([[-lw / 2, -lh / 2], [lw / 2, -lh / 2], [lw / 2, lh / 2], [-lw / 2, lh / 2]]) * size
        )
        corners += rng.normal(0, 0.035, (4, 2)) * np.array([lw, lh]) * size  # perspective: a tilted camera
        turn = np.deg2rad(angle)
        rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
        target = (corners @ rotation.T + np.array(centre)).astype(np.float32)
        source = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], np.float32)
        warp = cv2.getPerspectiveTransform(source, target)
        board = cv2.GaussianBlur(rng.normal(150, 12, (H, W)).astype(np.float32), (0, 0), 3)  # cardboard
        placed = cv2.warpPerspective(
            label.astype(np.float32), warp, (W, H), flags=cv2.INTER_LINEAR, borderValue=-1
        )
        frame = np.where(placed >= 0, placed, board)
        frame = _motion(frame, int(rng.integers(1, 5)), float(rng.uniform(0, 180)))
        if rng.random() < 0.35:  # glare: a bright spot of the light on the label's film
            gy, gx = np.mgrid[0:H, 0:W]
            cx, cy = centre[0] + rng.normal(0, 80), centre[1] + rng.normal(0, 50)
            spread = float(rng.uniform(40, 110))
            frame = frame + float(rng.uniform(60, 140)) * np.exp(
                -((gx - cx) ** 2 + (gy - cy) ** 2) / (2 * spread**2)
            )
        if rng.random() < 0.35:  # dim light
            frame = frame * float(rng.uniform(0.3, 0.6))
        frame = frame + rng.normal(0, float(rng.uniform(2, 7)), (H, W))
        image = cv2.cvtColor(np.clip(frame, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
        yield Frame(image, text, kind, angle)
