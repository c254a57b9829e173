"""A door scene for the photo tests: a real face beside a parcel whose label has a barcode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

HERE = Path(__file__).parent
ITEM = "EE123456785US"


@dataclass(frozen=True)
class DoorScene:
    """The frame and where its face and its parcel's label are (x, y, width, height)."""

    image: np.ndarray
    face: tuple[int, int, int, int]
    label: tuple[int, int, int, int]


def door_scene(width: int = 1600, height: int = 1000) -> DoorScene:
    """A doorstep: a wall, the person (a real photo) at the right, a brown parcel with a Code 128 label
    at the left. The face's box is where the person's face is in the photo (found once by eye: in the
    512x600 portrait the face is at 150-340 x 110-340), scaled with it."""
    scene = np.full((height, width, 3), (170, 180, 190), np.uint8)
    rng = np.random.default_rng(7)
    scene = np.clip(scene.astype(int) + rng.integers(-12, 12, scene.shape), 0, 255).astype(np.uint8)
    person = cv2.imread(str(HERE / "grace_hopper.jpg"))
    assert person is not None
    ratio = height * 0.6 / person.shape[0]
    person = cv2.resize(person, None, fx=ratio, fy=ratio, interpolation=cv2.INTER_AREA)
    px, py = width - person.shape[1] - width // 25, height // 8
    scene[py : py + person.shape[0], px : px + person.shape[1]] = person
    cv2.rectangle(scene, (width // 20, height * 3 // 8), (width // 2, height * 9 // 10), (60, 110, 160), -1)
    symbol = zxingcpp.create_barcode(ITEM, zxingcpp.BarcodeFormat.Code128)
    bits = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=max(1, width // 400)))
    code = cv2.cvtColor(
        cv2.resize(bits, (bits.shape[1], height // 7), interpolation=cv2.INTER_NEAREST), cv2.COLOR_GRAY2BGR
    )
    lx, ly = width // 10, height // 2
    scene[ly - 30 : ly + code.shape[0] + 30, lx - 30 : lx + code.shape[1] + 30] = 255  # the label
    scene[ly : ly + code.shape[0], lx : lx + code.shape[1]] = code
    face = (150, 110, 190, 230)  # in the 512x600 portrait
    return DoorScene(
        scene,
        (
            px + round(face[0] * ratio),
            py + round(face[1] * ratio),
            round(face[2] * ratio),
            round(face[3] * ratio),
        ),
        (lx, ly, code.shape[1], code.shape[0]),
    )
