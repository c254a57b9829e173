"""One physical presentation of a code is one scan.

A code held under the camera is seen in many consecutive frames; it becomes one scan when it is
first trusted, and it can scan again only after it has been out of view for `absent_frames` frames.
Two different codes in one frame are two presentations. A read is trusted after `confirm_frames`
sightings (zxing-cpp's reads are reliable in one frame; pyzbar's need two, see design.md's measured
false-read rate), so a one-frame misread never becomes a scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.camera.decoder import Decoded


@dataclass
class _Seen:
    first: int
    last: int
    sightings: int
    emitted: bool


class PresentationTracker:
    """Feed decoded frames in order; get back the reads that are new scans."""

    def __init__(self, absent_frames: int = 8, confirm_frames: dict[str, int] | None = None) -> None:
        if absent_frames < 1:
            raise ValueError("absent_frames must be at least 1")
        self.absent_frames = absent_frames
        self.confirm_frames = confirm_frames or {"zxing-cpp": 1, "pyzbar": 2}
        self._seen: dict[bytes, _Seen] = {}

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
            if not seen.emitted and seen.sightings >= self.confirm_frames.get(d.engine, 1):
                seen.emitted = True
                new.append(d)
        for key in [k for k, s in self._seen.items() if frame - s.last > self.absent_frames]:
            del self._seen[key]
        return new
