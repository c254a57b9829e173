"""The camera worker: capture frames, decode, one scan per presentation, polygons for the overlay."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import cv2
import numpy as np

from hardware.camera.decoder import Decoded, decode_live
from hardware.camera.presentation import PresentationTracker
from hardware.device_thread import DeviceEnded, ReconnectingDevice
from hardware.protocols import DeviceState, RawScan, ScanCallback, StatusCallback
from hardware.urls import DeviceUrl, UrlForm

if TYPE_CHECKING:
    from hardware.registry import DriverContext


@dataclass(frozen=True)
class FrameResult:
    """A decoded frame, for a live preview with the decode overlay."""

    index: int
    image: np.ndarray
    codes: list[Decoded]


FrameCallback = Callable[[FrameResult], None]


class CameraScanner(ReconnectingDevice[cv2.VideoCapture]):
    """Reads `camera://N` or `video:///file` (`?loop=1`, `?fps=`) in its own thread."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "camera": UrlForm("index", frozenset({"width", "height", "fps"}), what="camera index"),
        "video": UrlForm("path", frozenset({"loop", "fps"}), what="video file"),
        "demo": UrlForm("nothing", what="demo camera: a generated clip of parcels on a belt"),
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> CameraScanner:
        """The registry's constructor; `demo:` plays a generated clip, looping."""
        if url.scheme == "demo":
            from hardware.camera.synthetic import demo_clip

            clip = demo_clip(context.cache_dir)
            url = DeviceUrl.parse(f"video://{clip}?loop=1", cls.url_forms["video"])
        return cls(url, context.on_scan, context.on_status, context.on_frame)

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
        super().__init__(f"camera {url.text}", url.text, on_status, backoff_start=0.1, backoff_max=5.0)
        self.url = url
        self._on_scan = on_scan
        self._index = 0
        self._on_frame = on_frame
        self.tracker = tracker or PresentationTracker()
        self._realtime = realtime
        self.frames_read = 0

    def _connect(self) -> cv2.VideoCapture:
        if self.url.scheme == "camera":
            cap = cv2.VideoCapture(int(self.url.path))
            if "width" in self.url.params:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.url.int_param("width", 1280))
            if "height" in self.url.params:
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.url.int_param("height", 720))
        else:
            cap = cv2.VideoCapture(self.url.path)
        if not cap.isOpened():
            if self.url.scheme == "video":
                raise DeviceEnded(DeviceState.DISCONNECTED, "cannot open the camera/video")
            raise OSError("cannot open the camera/video")
        return cap

    def _disconnect(self, connection: cv2.VideoCapture) -> None:
        connection.release()

    def _serve(self, connection: cv2.VideoCapture) -> None:
        fps = self.url.float_param("fps", connection.get(cv2.CAP_PROP_FPS) or 30.0)
        started = time.monotonic()
        shown = 0
        while not self._stop.is_set():
            ok, image = connection.read()
            if not ok:
                break
            self._index += 1
            shown += 1
            self.frames_read += 1
            self._process(self._index, image)
            if self._realtime and self.url.scheme == "video":
                # A file plays as fast as it decodes; a camera delivers `fps` frames a second.
                ahead = started + shown / fps - time.monotonic()
                if ahead > 0:
                    self._stop.wait(ahead)
        if self._stop.is_set():
            return
        if self.url.scheme == "camera":
            raise OSError("camera stopped sending")
        if self.url.params.get("loop", "0") not in ("1", "true", "yes"):
            raise DeviceEnded(DeviceState.STOPPED, "end of video")
        # a looping video returns here and is opened again from its first frame

    def _process(self, index: int, image: np.ndarray) -> None:
        codes = decode_live(image, index)
        for d in self.tracker.update(index, codes):
            self._on_scan(RawScan(d.raw, self.url.text, d.aim, d.polygon))
        if self._on_frame is not None:
            self._on_frame(FrameResult(index, image, codes))
