"""A 24-door RS-485 lock board on a pseudo-terminal, speaking the board's frames (see
hardware/lockers/lockboard.py): doors with sensors that a person opens and closes, a door that sticks, a
board that stops answering, and frames for another address or with a bad XOR ignored, as the board
ignores them. Run it alone (`python -m tests.pseudo_devices.lock_board LINK`) to try a locker by hand.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from pathlib import Path

from tests.pseudo_devices.pty_device import PtyDevice

OPEN, QUERY, FN_OPEN, FN_QUERY = 0x8A, 0x80, 0x11, 0x33
SENSOR_OPEN, SENSOR_CLOSED = 0x00, 0x11


def _xor(data: bytes) -> int:
    check = 0
    for byte in data:
        check ^= byte
    return check


class LockBoardEmulator:
    """The board at `address` behind the pty `link`; `opened` lists each door it unlocked, in order."""

    def __init__(self, link: Path, address: int = 1, doors: int = 24) -> None:
        self.device = PtyDevice(link)
        self.address, self.doors = address, doors
        self.open: set[int] = set()  # doors whose sensor says open now
        self.stuck: set[int] = set()  # doors whose lock does not release
        self.silent = False  # the board answers nothing (power off, cut cable)
        self.garbled = False  # each answer's check byte wrong (noise on a long RS-485 line)
        self.close_after: float | None = None  # a person shuts an opened door after this many seconds
        self.opened: list[int] = []
        self.frames: list[bytes] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The station's setting for this board."""
        return f"lockboard://{self.device.path}?board={self.address}&doors={self.doors}"

    def shut(self, door: int) -> None:
        """A person pushes the door closed."""
        with self._lock:
            self.open.discard(door)

    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            if self.device.master is None:  # unplugged: wait for the cable
                time.sleep(0.02)
                pending = b""
                continue
            try:
                got = self.device.read(0.05)
            except (OSError, TypeError, AssertionError):
                # EIO: no program has the port open (the master of a pty without its other end)
                time.sleep(0.02)
                continue
            pending += got
            while len(pending) >= 5:
                request, pending = pending[:5], pending[5:]
                self.frames.append(request)
                answer = self._answer(request)
                if answer is not None and not self.silent:
                    if self.garbled:
                        answer = answer[:-1] + bytes([answer[-1] ^ 0xFF])
                    with contextlib.suppress(OSError, AssertionError):
                        self.device.write(answer)

    def _answer(self, request: bytes) -> bytes | None:
        head, board, door, function, check = request
        if check != _xor(request[:4]) or board != self.address:
            return None  # the board ignores garbled frames and other boards' frames
        with self._lock:
            if head == OPEN and function == FN_OPEN and 1 <= door <= self.doors:
                if door not in self.stuck:
                    self.open.add(door)
                    self.opened.append(door)
                    if self.close_after is not None:
                        threading.Timer(self.close_after, self.shut, (door,)).start()
                state = SENSOR_OPEN if door in self.open else SENSOR_CLOSED
                return self._frame(OPEN, board, door, state)
            if head == QUERY and function == FN_QUERY and door == 0:
                closed = sum(1 << (d - 1) for d in range(1, self.doors + 1) if d not in self.open)
                return self._frame(QUERY, board, *closed.to_bytes(3, "big"), FN_QUERY)
            if head == QUERY and function == FN_QUERY and 1 <= door <= self.doors:
                return self._frame(QUERY, board, door, SENSOR_OPEN if door in self.open else SENSOR_CLOSED)
        return None

    @staticmethod
    def _frame(*fields: int) -> bytes:
        body = bytes(fields)
        return body + bytes([_xor(body)])

    def stop(self) -> None:
        """Switch the board off and remove its device."""
        self._stop.set()
        self._thread.join(2)
        self.device.close()


if __name__ == "__main__":
    board = LockBoardEmulator(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/lockboard"))
    print(f"lock board at {board.url}: Ctrl-C to stop")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        board.stop()
