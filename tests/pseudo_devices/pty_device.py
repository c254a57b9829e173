"""A pseudo-terminal "serial device": the test drives the master, the code opens `dev.path`.

Facts (see the team's hardware-testing notes): bytes written before the code under test opened
the port are lost (pyserial flushes on open), so wait until it is open; closing the master makes a
blocked read raise at once and the /dev/pts node vanish, like a USB serial device unplugged. A
symlink gives the device a stable path across unplug/replug, as a udev name does.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import termios
from pathlib import Path


class PtyDevice:
    """One end of a pty pair, with unplug/replug behind a stable symlink."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.master: int | None = None
        self.plug()

    def plug(self) -> None:
        """Create a new pty behind the link (the device appears)."""
        self.master, slave = os.openpty()
        pts = os.ttyname(slave)
        os.close(slave)
        if self.link.is_symlink() or self.link.exists():
            self.link.unlink()
        self.link.symlink_to(pts)

    @property
    def path(self) -> str:
        """What the station is configured with."""
        return str(self.link)

    def write(self, data: bytes) -> None:
        """Bytes from the device to the station."""
        assert self.master is not None, "unplugged"
        view = memoryview(data)
        while view:
            n = os.write(self.master, view)
            view = view[n:]

    def read(self, timeout: float = 1.0) -> bytes:
        """Bytes the station sent to the device (b'' on timeout)."""
        assert self.master is not None, "unplugged"
        ready, _, _ = select.select([self.master], [], [], timeout)
        return os.read(self.master, 65536) if ready else b""

    def unread(self) -> int:
        """Bytes written by the device that the station has not read yet (the tty's input queue)."""
        fd = os.open(os.readlink(self.link), os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0])
        finally:
            os.close(fd)

    def unplug(self) -> None:
        """Pull the cable: the master closes and the path disappears."""
        if self.master is not None:
            os.close(self.master)
            self.master = None
        if self.link.is_symlink():
            self.link.unlink()

    def close(self) -> None:
        """Same as unplug."""
        self.unplug()
