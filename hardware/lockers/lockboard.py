"""The common 24-door RS-485 lock-control board of parcel and storage lockers (9600 8N1, hex frames).

Frames (5 bytes unless said; the last byte is the XOR of the ones before it):
- open a door:         8A BOARD DOOR 11 XOR  ->  8A BOARD DOOR STATE XOR
- one door's sensor:   80 BOARD DOOR 33 XOR  ->  80 BOARD DOOR STATE XOR
- every door's sensor: 80 BOARD 00 33 XOR    ->  80 BOARD D17-24 D9-16 D1-8 33 XOR (7 bytes)
STATE is 0x00 when the door's sensor says open and 0x11 when it says closed (after an open command:
the door did not open, it stuck). In the 3-byte answer a set bit is a closed door, the lowest bit of
each byte its group's first door. The board answers nothing to a frame with a wrong XOR or for another
address (several boards share one RS-485 pair, each with its own DIP-switch address).

URL: `lockboard:///dev/ttyUSB0?board=1&doors=24` (`&baud=9600`, `&timeout=0.3` seconds per answer).
A board that does not answer is asked again once, then `BoardSilent` is raised; a garbled answer is
asked again the same way. The port stays open between commands and is opened again after an error.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar

import serial

from hardware.urls import DeviceUrl, DeviceUrlError, UrlForm
from station.items.lockers import BoardSilent

if TYPE_CHECKING:
    from hardware.registry import DriverContext

log = logging.getLogger(__name__)

OPEN, QUERY = 0x8A, 0x80
FN_OPEN, FN_QUERY = 0x11, 0x33
SENSOR_OPEN, SENSOR_CLOSED = 0x00, 0x11


def xor(data: bytes) -> int:
    """The frames' check byte."""
    check = 0
    for byte in data:
        check ^= byte
    return check


def frame(*fields: int) -> bytes:
    """The fields and their XOR."""
    body = bytes(fields)
    return body + bytes([xor(body)])


class LockBoard:
    """One board on a serial port (a USB-RS485 adapter)."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "lockboard": UrlForm("path", frozenset({"board", "doors", "baud", "timeout"}), what="lock board")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext | None = None) -> LockBoard:
        """The registry's constructor."""
        try:
            board = int(url.params.get("board", "1"))
            doors = int(url.params.get("doors", "24"))
            timeout = float(url.params.get("timeout", "0.3"))
        except ValueError:
            raise DeviceUrlError(f"{url.text!r}: board, doors and timeout are numbers") from None
        if not 0 <= board <= 31 or doors not in (8, 12, 16, 18, 24) or not 0.05 <= timeout <= 5:
            raise DeviceUrlError(
                f"{url.text!r}: board 0-31, doors 8, 12, 16, 18 or 24, timeout 0.05-5 seconds"
            )
        return cls(url.path, board, doors, int(url.params.get("baud", "9600")), timeout)

    def __init__(
        self, path: str, board: int = 1, doors: int = 24, baud: int = 9600, timeout: float = 0.3
    ) -> None:
        self.path, self.board, self.doors, self.baud, self.timeout = path, board, doors, baud, timeout
        self._port: Any = None
        self._lock = threading.Lock()  # one frame on the wire at a time

    def close(self) -> None:
        """Let go of the port."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._port is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                self._port.close()
            self._port = None

    def _ask(self, request: bytes, answer_length: int) -> bytes:
        """Send `request`, read one answer of `answer_length` bytes with a good XOR; twice, then silent."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._port is None:
                        self._port = serial.Serial(self.path, self.baud, timeout=self.timeout)
                    self._port.reset_input_buffer()  # a late answer to an earlier frame is not this one's
                    self._port.write(request)
                    answer = self._read(answer_length)
                except (OSError, serial.SerialException) as exc:
                    log.warning("lock board %s: %s (try %d)", self.path, exc, attempt)
                    self._drop()
                    continue
                if (
                    len(answer) == answer_length
                    and answer[-1] == xor(answer[:-1])
                    and answer[1] == self.board
                ):
                    return answer
                log.warning(
                    "lock board %s: answer %s to %s (try %d)",
                    self.path,
                    answer.hex(" "),
                    request.hex(" "),
                    attempt,
                )
            raise BoardSilent(f"the locker's lock board ({self.path}, address {self.board}) does not answer")

    def _read(self, length: int) -> bytes:
        deadline = time.monotonic() + self.timeout
        got = b""
        while len(got) < length and time.monotonic() < deadline:
            got += self._port.read(length - len(got))
        return got

    def open_door(self, door: int) -> bool:
        """Pulse the door's lock; True when the board says it is open."""
        if not 1 <= door <= self.doors:
            raise ValueError(f"door {door} is not on a {self.doors}-door board")
        answer = self._ask(frame(OPEN, self.board, door, FN_OPEN), 5)
        return answer[0] == OPEN and answer[2] == door and answer[3] == SENSOR_OPEN

    def open_doors(self) -> set[int]:
        """The doors whose sensors say open."""
        answer = self._ask(frame(QUERY, self.board, 0x00, FN_QUERY), 7)
        closed = int.from_bytes(answer[2:5], "big")  # doors 17-24, 9-16, 1-8: door 1 is the lowest bit
        return {door for door in range(1, self.doors + 1) if not closed >> (door - 1) & 1}
