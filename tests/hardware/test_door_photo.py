"""The door photo: a real face found and pixelated, the parcel's label left readable, the JPEG small."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

from hardware.camera.photo import MAX_BYTES, PhotoRefused, door_photo, find_faces, read_picture, take_photo
from tests.hardware.photos import ITEM, door_scene


def _decoded(jpeg: bytes) -> np.ndarray:
    pixels = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert pixels is not None
    return pixels


def _sharpness(image: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x, y, w, h = box
    gray = cv2.cvtColor(image[y : y + h, x : x + w], cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    return w * h / float(aw * ah + bw * bh - w * h)


def test_the_face_is_found_and_blurred_and_the_parcels_label_still_reads() -> None:
    scene = door_scene()
    faces = find_faces(scene.image)
    assert len(faces) == 1
    found = faces[0]
    assert _overlap((found.x, found.y, found.width, found.height), scene.face) > 0.5

    photo = door_photo(scene.image)
    assert len(photo.jpeg) <= MAX_BYTES and photo.jpeg.startswith(b"\xff\xd8\xff")
    kept = _decoded(photo.jpeg)
    assert kept.shape[:2] == scene.image.shape[:2]  # 1600 wide: small enough already
    # The face lost its detail (edges, eyes); the label kept its own.
    assert _sharpness(kept, scene.face) < _sharpness(scene.image, scene.face) / 10
    assert _sharpness(kept, scene.label) > _sharpness(scene.image, scene.label) / 2
    assert [code.text for code in zxingcpp.read_barcodes(kept)] == [ITEM]


def test_a_scene_without_a_face_is_kept_as_taken() -> None:
    scene = door_scene()
    scene.image[:, 1000:] = (170, 180, 190)  # the person walked away
    photo = door_photo(scene.image)
    assert photo.faces == ()
    kept = _decoded(photo.jpeg)
    assert _sharpness(kept, scene.label) > _sharpness(scene.image, scene.label) / 2


def test_a_large_noisy_photo_is_shrunk_to_at_most_200_kb() -> None:
    rng = np.random.default_rng(3)
    noisy = rng.integers(0, 255, (3000, 4000, 3), dtype=np.uint8)  # the worst case for JPEG
    photo = door_photo(noisy)
    assert len(photo.jpeg) <= MAX_BYTES
    assert max(photo.width, photo.height) <= 1600


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "not a picture"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "not a picture"),
        (cv2.imencode(".png", np.zeros((20, 20, 3), np.uint8))[1].tobytes(), "too small"),
    ],
)
def test_a_file_that_is_no_photo_is_refused_in_one_line(data: bytes, said: str) -> None:
    with pytest.raises(PhotoRefused, match=said):
        read_picture(data, "door.jpg")


def test_the_carriers_camera_gives_a_frame_from_a_video_file(tmp_path: Path) -> None:
    scene = door_scene(800, 500)
    clip = tmp_path / "door.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 10, (800, 500))
    for _ in range(10):
        writer.write(scene.image)
    writer.release()
    frame = take_photo(f"video://{clip}")
    assert frame.shape[:2] == (500, 800)
    assert len(find_faces(frame)) == 1
    with pytest.raises(PhotoRefused, match="does not answer"):
        take_photo(f"video://{tmp_path / 'missing.avi'}")
    with pytest.raises(PhotoRefused, match="no camera"):
        take_photo("off:")
