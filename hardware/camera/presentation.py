"""One physical presentation of a code is one scan.

A code held under the camera is seen in many consecutive frames; it becomes one scan when it is
first trusted, and it can scan again only after it has been out of view for `absent_frames` frames.
Two different codes in one frame are two presentations. 2-D codes (DataMatrix, QR, PDF417 carry
Reed-Solomon error correction) are trusted at the first sighting; 1-D codes and anything pyzbar read
must be seen in two frames: a blurred belt produced a Code 128 misread with a valid check character
on one frame (benchmarks/bench_video.py), and pyzbar makes more false reads than zxing-cpp
(design.md). At 30 fps the confirmation costs 33 ms.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.camera.decoder import Decoded

TWO_D = {"DataMatrix", "QR Code", "PDF417"}


@dataclass
class _Seen:
    first: int
    last: int
    sightings: int
    emitted: bool


class PresentationTracker:
    """Feed decoded frames in order; get back the reads that are new scans."""

    def __init__(self, absent_frames: int = 8, confirm_1d_frames: int = 2) -> None:
        if absent_frames < 1:
            raise ValueError("absent_frames must be at least 1")
        self.absent_frames = absent_frames
        self.confirm_1d_frames = confirm_1d_frames
        self._seen: dict[bytes, _Seen] = {}

    def required_sightings(self, d: Decoded) -> int:
        """How many frames must show this read before it is a scan."""
        if d.engine == "zxing-cpp" and d.symbology in TWO_D:
            return 1
        return self.confirm_1d_frames

    def update(self, frame: int, found: list[Decoded]) -> list[Decoded]:
        """The reads in this frame that complete a new presentation."""
        new = []
        for d in found:
            key = d.data  # a label's Code 128 and DataMatrix of the same id are one presentation
            seen = self._seen.get(key)
            if seen is None or frame - seen.last > self.absent_frames:
                seen = self._seen[key] = _Seen(frame, frame, 0, False)
            if seen.last != frame or seen.sightings == 0:
                seen.sightings += 1
            seen.last = frame
            if not seen.emitted and seen.sightings >= self.required_sightings(d):
                seen.emitted = True
                new.append(d)
        for key in [k for k, s in self._seen.items() if frame - s.last > self.absent_frames]:
            del self._seen[key]
        return new
