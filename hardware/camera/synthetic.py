"""Synthetic camera footage: parcels with labels sliding under a camera (demo camera, tests, benchmarks).

Each parcel carries a Code 128 of its item id and a DataMatrix; frames get sensor noise, motion blur
along the belt and a slight perspective tilt, as a real overhead camera sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import zxingcpp

PARCEL_W, PARCEL_H = 560, 320


@dataclass(frozen=True)
class ClipPlan:
    """Where each parcel is in each frame, so tests know when a code is first fully visible."""

    items: tuple[str, ...]
    width: int
    height: int
    step: int
    gap: int

    @property
    def frames(self) -> int:
        """Number of frames in the clip."""
        return self.gap * (len(self.items) - 1) + (self.width + PARCEL_W) // self.step + 1

    def x(self, item_index: int, frame: int) -> int:
        """Left edge of the parcel in this frame."""
        return -PARCEL_W + (frame - self.gap * item_index) * self.step

    def first_full_frame(self, item_index: int) -> int:
        """The first frame in which the whole parcel (and so its codes) is inside the image."""
        f = 0
        while self.x(item_index, f) < 0:
            f += 1
        return f


def parcel_image(item: str) -> np.ndarray:
    """A label on a parcel: Code 128 of the id, a DataMatrix, and the id in text."""
    p = np.full((PARCEL_H, PARCEL_W), 238, np.uint8)
    code = np.array(zxingcpp.create_barcode(item, zxingcpp.BarcodeFormat.Code128).to_image(scale=3))
    code = code[:110, : PARCEL_W - 20]
    p[20 : 20 + code.shape[0], 10 : 10 + code.shape[1]] = code
    matrix = np.array(zxingcpp.create_barcode(item, zxingcpp.BarcodeFormat.DataMatrix).to_image(scale=6))
    p[150 : 150 + matrix.shape[0], 20 : 20 + matrix.shape[1]] = matrix
    cv2.putText(p, item, (200, 240), cv2.FONT_HERSHEY_SIMPLEX, 0.7, 0, 2)
    return p


def frames(plan: ClipPlan, seed: int = 7) -> Iterator[np.ndarray]:
    """BGR frames of the clip."""
    rng = np.random.default_rng(seed)
    parcels = [parcel_image(i) for i in plan.items]
    top = (plan.height - PARCEL_H) // 2
    w, h = plan.width, plan.height
    # A slight keystone, as from a camera not quite square above the belt.
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = np.array([[w * 0.02, h * 0.03], [w * 0.98, 0], [w, h], [0, h * 0.97]], np.float32)
    warp = cv2.getPerspectiveTransform(src, dst)
    blur = np.full((1, 3), 1 / 3, np.float32)  # motion blur along the belt
    for i in range(plan.frames):
        f: Any = np.full((h, w), 80, np.uint8)
        for k, p in enumerate(parcels):
            x = plan.x(k, i)
            if -PARCEL_W < x < w:
                x0, x1 = max(x, 0), min(x + PARCEL_W, w)
                f[top : top + PARCEL_H, x0:x1] = p[:, x0 - x : x1 - x]
        f = cv2.filter2D(f, -1, blur)
        f = cv2.warpPerspective(f, warp, (w, h), borderValue=80)
        noise = rng.normal(0, 6, (h, w))
        f = np.clip(f.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        yield cv2.cvtColor(f, cv2.COLOR_GRAY2BGR)


def write_clip(path: Path, plan: ClipPlan, fps: float = 30.0) -> Path:
    """Write the clip as MJPG in AVI (writes and plays back with the opencv wheel)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (plan.width, plan.height))
    if not writer.isOpened():
        raise OSError(f"cannot write video {path}")
    for frame in frames(plan):
        writer.write(frame)
    writer.release()
    return path


DEMO_ITEMS = ("RR473124829GB", "EE123456785US", "CP100000003US")


def demo_clip(cache_dir: Path) -> Path:
    """The demo camera's clip (made once, kept in the data dir)."""
    path = cache_dir / "demo-camera.avi"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.avi")
        write_clip(tmp, ClipPlan(DEMO_ITEMS, 960, 540, 30, 40), fps=15)
        tmp.replace(path)
    return path
