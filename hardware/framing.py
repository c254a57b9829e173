"""Frames from a byte stream: scanner lines split on their configured suffix (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_FRAME = 4096


@dataclass(frozen=True)
class FrameError:
    """Something the operator should hear about (the bytes are dropped, the stream goes on)."""

    message: str


class Framer:
    """Splits bytes into frames on `suffix`; never emits a partial frame.

    A CR LF pair counts as one terminator when the suffix is CR (scanners configured for CR often
    send CR LF); a frame growing past `max_frame` bytes without a terminator is discarded up to the
    next terminator and reported once.
    """

    def __init__(self, suffix: bytes = b"\r", max_frame: int = MAX_FRAME) -> None:
        if not suffix:
            raise ValueError("a framer needs a suffix")
        self.suffix = suffix
        self.max_frame = max_frame
        self._buf = bytearray()
        self._discarding = False

    def feed(self, data: bytes) -> list[bytes | FrameError]:
        """Add bytes; return the complete frames (and errors) they finish, in order."""
        out: list[bytes | FrameError] = []
        self._buf += data
        while True:
            end = self._buf.find(self.suffix)
            if end < 0:
                break
            frame = bytes(self._buf[:end])
            del self._buf[: end + len(self.suffix)]
            if self.suffix == b"\r" and self._buf[:1] == b"\n":
                del self._buf[:1]
            if self.suffix == b"\r" and frame.startswith(b"\n"):
                frame = frame[1:]
            if self._discarding:
                self._discarding = False
                continue
            if len(frame) > self.max_frame:
                out.append(
                    FrameError(f"scan of {len(frame)} bytes is longer than {self.max_frame}: discarded")
                )
                continue
            if frame.strip(b"\r\n"):
                out.append(frame)
        if len(self._buf) > self.max_frame and not self._discarding:
            out.append(FrameError(f"scan longer than {self.max_frame} bytes without a terminator: discarded"))
            self._buf.clear()
            self._discarding = True
        elif self._discarding and len(self._buf) > self.max_frame:
            self._buf.clear()
        return out

    def reset(self) -> bool:
        """Drop a partial frame (the device went away); True when bytes were dropped."""
        had = bool(self._buf)
        self._buf.clear()
        self._discarding = False
        return had
