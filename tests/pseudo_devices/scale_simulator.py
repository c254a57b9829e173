"""A scale on a pty that answers the real protocols: MT-SICS `SI`/`S`, NCI `W`, or continuous output."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from tests.pseudo_devices.pty_device import PtyDevice


class ScaleSimulator:
    """Set `.state` to 'stable', 'motion', 'overload' or 'underzero' and `.grams` to the load."""

    def __init__(self, link: Path, protocol: str, grams: str = "1.250", unit: str = "kg") -> None:
        self.device = PtyDevice(link)
        self.protocol = protocol
        self.weight = grams
        self.unit = unit
        self.state = "stable"
        self.commands: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def path(self) -> str:
        """The scale's serial path."""
        return self.device.path

    def answer(self, command: bytes) -> bytes:
        """The bytes a real scale of this protocol sends back."""
        w, u = self.weight, self.unit
        if self.protocol == "sics":
            if command.strip() == b"Z":
                return b"Z A\r\n"  # zero set
            if command.strip() == b"T":
                return f"T S {w:>10} {u}\r\n".encode()  # tare taken
            if command.strip() not in (b"SI", b"S"):
                return b"ES\r\n"
            return {
                "stable": f"S S {w:>10} {u}\r\n",
                "motion": f"S D {w:>10} {u}\r\n",
                "overload": "S +\r\n",
                "underzero": "S -\r\n",
            }[self.state].encode()
        if self.protocol == "nci":
            status = {"stable": "00", "motion": "10", "overload": "02", "underzero": "01"}[self.state]
            return f"\n{w:>8}{u}\r\n\nS{status}\r\x03".encode()
        raise AssertionError(self.protocol)

    def continuous_line(self) -> bytes:
        """One line of continuous output."""
        head = {"stable": "ST", "motion": "US", "overload": "OL", "underzero": "ST"}[self.state]
        sign = "-" if self.state == "underzero" else "+"
        return f"{head},GS,{sign}{self.weight:0>8} {self.unit}\r\n".encode()

    def _run(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            if self.device.master is None:
                self._stop.wait(0.02)
                continue
            if self.protocol == "continuous":
                with contextlib.suppress(OSError):
                    self.device.write(self.continuous_line())
                self._stop.wait(0.05)
                continue
            try:
                buffer += self.device.read(0.05)
            except OSError:
                continue
            terminator = b"\r\n" if self.protocol == "sics" else b"\r"
            while terminator in buffer:
                command, buffer = buffer.split(terminator, 1)
                self.commands.append(command)
                with contextlib.suppress(OSError):
                    self.device.write(self.answer(command))

    def close(self) -> None:
        """Stop answering and unplug."""
        self._stop.set()
        self._thread.join(1)
        self.device.close()
