"""The camera worker: capture frames, decode, one scan per presentation, polygons for the overlay."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from hardware.camera.decoder import Decoded, decode_live
from hardware.camera.presentation import PresentationTracker
from hardware.device_thread import DeviceThread
from hardware.protocols import DeviceState, DeviceStatus, RawScan, ScanCallback, StatusCallback
from hardware.urls import DeviceUrl


@dataclass(frozen=True)
class FrameResult:
    """A decoded frame, for a live preview with the decode overlay."""

    index: int
    image: np.ndarray
    codes: list[Decoded]


FrameCallback = Callable[[FrameResult], None]


class CameraScanner(DeviceThread):
    """Reads `camera://N` or `video:///file` (`?loop=1`, `?fps=`) in its own thread."""

    def __init__(
        self,
        url: DeviceUrl,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
        on_frame: FrameCallback | None = None,
        *,
        tracker: PresentationTracker | None = None,
        realtime: bool = True,
    ) -> None:
        super().__init__(f"camera {url.text}")
        self.url = url
        self._on_scan = on_scan
        self._on_status = on_status or (lambda s: None)
        self._on_frame = on_frame
        self.tracker = tracker or PresentationTracker()
        self._realtime = realtime
        self.frames_read = 0

    def _open(self) -> cv2.VideoCapture:
        if self.url.scheme == "camera":
            cap = cv2.VideoCapture(int(self.url.path))
            if "width" in self.url.params:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.url.int_param("width", 1280))
            if "height" in self.url.params:
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.url.int_param("height", 720))
            return cap
        return cv2.VideoCapture(self.url.path)

    def _run(self) -> None:
        loop = self.url.params.get("loop", "0") in ("1", "true", "yes")
        delay = 0.1
        index = 0
        while not self._stop.is_set():
            cap = self._open()
            if not cap.isOpened():
                self._on_status(
                    DeviceStatus(self.url.text, DeviceState.DISCONNECTED, "cannot open the camera/video")
                )
                if self.url.scheme == "video":
                    return
                self._stop.wait(delay)
                delay = min(delay * 2, 5.0)
                continue
            self._on_status(DeviceStatus(self.url.text, DeviceState.CONNECTED))
            fps = self.url.float_param("fps", cap.get(cv2.CAP_PROP_FPS) or 30.0)
            started = time.monotonic()
            shown = 0
            while not self._stop.is_set():
                ok, image = cap.read()
                if not ok:
                    break
                index += 1
                shown += 1
                self.frames_read += 1
                self._process(index, image)
                if self._realtime and self.url.scheme == "video":
                    # A file plays as fast as it decodes; a camera delivers `fps` frames a second.
                    ahead = started + shown / fps - time.monotonic()
                    if ahead > 0:
                        self._stop.wait(ahead)
            cap.release()
            if self.url.scheme == "video" and not loop:
                self._on_status(DeviceStatus(self.url.text, DeviceState.STOPPED, "end of video"))
                return
            if self.url.scheme == "camera" and not self._stop.is_set():
                self._on_status(
                    DeviceStatus(self.url.text, DeviceState.DISCONNECTED, "camera stopped sending")
                )

    def _process(self, index: int, image: np.ndarray) -> None:
        codes = decode_live(image, index)
        for d in self.tracker.update(index, codes):
            self._on_scan(RawScan(d.raw, self.url.text, d.aim, d.polygon))
        if self._on_frame is not None:
            self._on_frame(FrameResult(index, image, codes))
