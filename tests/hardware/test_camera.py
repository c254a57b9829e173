"""Webcam scanning from real video files: one scan per presentation, two codes two scans, polygons."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

from hardware.camera.capture import CameraScanner
from hardware.camera.decoder import Decoded
from hardware.camera.presentation import PresentationTracker
from hardware.camera.synthetic import ClipPlan, write_clip
from hardware.protocols import DeviceStatus, RawScan
from hardware.registry import parse_url
from tests.cli_runner import Ran, run_station

ITEMS = ("RR473124829GB", "EE123456785US", "CP100000003US")


def _d(text: str, engine: str = "zxing-cpp", symbology: str = "DataMatrix") -> Decoded:
    return Decoded(text, text.encode(), symbology, "]d1", ((0, 0), (1, 0), (1, 1), (0, 1)), engine)


def test_a_code_held_in_view_scans_once_and_again_only_after_leaving_the_view() -> None:
    tracker = PresentationTracker(absent_frames=3)
    emitted = [tracker.update(i, [_d("RR473124829GB")]) for i in range(1, 20)]
    assert sum(len(e) for e in emitted) == 1
    assert tracker.update(21, []) == []  # out of view for 2 frames: still the same presentation
    assert len(tracker.update(22, [_d("RR473124829GB")])) == 0
    assert tracker.update(30, [_d("RR473124829GB")])[0].text == "RR473124829GB"  # gone > 3 frames: new


def test_two_different_codes_in_one_frame_are_two_scans() -> None:
    tracker = PresentationTracker()
    assert [d.text for d in tracker.update(1, [_d("A1"), _d("B2")])] == ["A1", "B2"]


def test_one_frame_1d_reads_and_pyzbar_reads_need_a_second_frame() -> None:
    tracker = PresentationTracker()
    assert tracker.update(1, [_d("Z9", "pyzbar", "EAN-13"), _d("P5", "zxing-cpp", "Code 128")]) == []
    assert tracker.update(3, []) == []  # the one-frame misread never comes back: never a scan
    assert [d.text for d in tracker.update(2, [_d("Z9", "pyzbar", "EAN-13")])] == ["Z9"]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = ClipPlan(ITEMS, 1280, 720, 40, 16)  # 640 px apart: two parcels are in view together
    return write_clip(tmp_path_factory.mktemp("camera") / "belt.avi", plan, fps=30)


def test_video_file_as_camera_gives_each_parcel_exactly_once_with_its_polygon(clip: Path) -> None:
    scans: list[RawScan] = []
    camera = CameraScanner(parse_url(f"video://{clip}"), scans.append, realtime=False)
    camera.start()
    camera.wait(60)
    assert [s.data.removeprefix(s.symbology.encode() if s.symbology else b"") for s in scans] == [
        i.encode() for i in ITEMS
    ]
    assert all(s.polygon and len(s.polygon) == 4 for s in scans)
    assert all(s.symbology in ("]C0", "]d1") for s in scans)


def test_a_camera_that_cannot_open_reports_disconnected() -> None:
    if Path("/dev/video0").exists():
        pytest.skip("a real camera is present")
    states: list[DeviceStatus] = []
    camera = CameraScanner(parse_url("video:///nonexistent/clip.avi"), lambda s: None, states.append)
    camera.start()
    camera.wait(10)
    assert states and states[-1].state == "disconnected"


def test_station_decode_reads_images_and_video_frames(tmp_path: Path, clip: Path) -> None:
    image = np.full((300, 600), 255, np.uint8)
    matrix = np.array(
        zxingcpp.create_barcode("RR473124829GB", zxingcpp.BarcodeFormat.DataMatrix).to_image(scale=8)
    )
    qr = np.array(zxingcpp.create_barcode("EE123456785US", zxingcpp.BarcodeFormat.QRCode).to_image(scale=6))
    image[20 : 20 + matrix.shape[0], 20 : 20 + matrix.shape[1]] = matrix
    image[20 : 20 + qr.shape[0], 320 : 320 + qr.shape[1]] = qr
    cv2.imwrite(str(tmp_path / "two.png"), image)
    cv2.imwrite(str(tmp_path / "blank.png"), np.full((50, 50), 255, np.uint8))

    def station(*args: str) -> Ran:
        return run_station("decode", *args, home=tmp_path / "home")

    result = station(str(tmp_path / "two.png"), str(clip), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    still = {(r["symbology"], r["text"]) for r in rows if r["frame"] is None}
    assert still == {("DataMatrix", "RR473124829GB"), ("QR Code", "EE123456785US")}
    video_texts = {r["text"] for r in rows if r["frame"] is not None}
    assert video_texts == set(ITEMS)
    assert all({"file", "frame", "symbology", "text"} <= set(r) for r in rows)
    assert station(str(tmp_path / "blank.png")).returncode == 1
    missing = station(str(tmp_path / "nope.png"))
    assert missing.returncode == 1 and "no such file" in missing.stderr
