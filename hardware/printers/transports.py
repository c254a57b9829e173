"""Ways to get a job's bytes to a printer, chosen by URL. Each send is all-or-error.

tcp://host:9100      raw socket; Zebra printers are asked `~HS` first (paper out, head open, paused)
serial:///dev/ttyS0?baud=9600
usb:///dev/usb/lp0   the kernel's USB printer class device
cups://QUEUE         through `lp -d QUEUE` (raw for printer languages, filtered for PDF/PNG)
dir:///path          each job as a file (the demo printer; also a hot folder)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

import serial

from hardware.printers.zebra_status import (
    HostIdentification,
    HostStatus,
    parse_host_identification,
    parse_host_status,
)
from hardware.urls import DeviceUrl, UrlForm
from station.errors import Unreachable

if TYPE_CHECKING:
    from hardware.registry import DriverContext

SUFFIX = {"zpl": ".zpl", "zpl-raster": ".zpl", "pdf": ".pdf", "png": ".png", "escpos": ".bin"}


class PrinterNotReady(Unreachable):
    """The printer is offline or needs the operator (paper, head, pause), and no byte of the job went out:
    the job stays queued and is sent when the printer is back."""


class JobInterrupted(Exception):
    """Some or all of the job went out and the printer did not take it whole (reset, hang, error after
    it): the label may be half printed, printed, or not. It is never sent again on its own."""

    def __init__(self, message: str, bytes_sent: int) -> None:
        super().__init__(message)
        self.bytes_sent = bytes_sent


class Transport(Protocol):
    """Sends one job."""

    def send(self, payload: bytes, format: str, name: str) -> None:
        """Deliver the whole job or raise PrinterNotReady."""

    def status(self) -> HostStatus | None:
        """The printer's own status where it can tell, else None."""


class TcpTransport:
    """A raw port-9100 printer."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "tcp": UrlForm("host_port", frozenset({"timeout"}), what="raw printer port")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> TcpTransport:
        """The registry's constructor; `~HS` is asked only where the printer's profile says it answers."""
        assert url.host is not None and url.port is not None
        return cls(
            url.host, url.port, timeout=url.float_param("timeout", 3.0), query_status=context.host_status
        )

    def __init__(self, host: str, port: int, *, timeout: float = 3.0, query_status: bool = True) -> None:
        self.host, self.port, self.timeout, self.query_status = host, port, timeout, query_status

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise PrinterNotReady(f"printer {self.host}:{self.port} offline ({exc.strerror or exc})") from exc

    def _ask(self, query: bytes, strings: int) -> bytes | None:
        """Send a host query and read its answer of `strings` STX...ETX strings; None when it stops short
        of an answer (a printer that does not know the query, or is busy)."""
        with self._connect() as sock:
            try:
                sock.sendall(query)
                sock.settimeout(min(self.timeout, 1.0))
                answer = b""
                while answer.count(b"\x03") < strings:
                    chunk = sock.recv(1024)
                    if not chunk:
                        break
                    answer += chunk
            except OSError:
                return None
        return answer

    def status(self) -> HostStatus | None:
        """Ask ~HS; None when the printer does not answer it (not a Zebra, or busy)."""
        answer = self._ask(b"~HS", 3)
        try:
            return parse_host_status(answer) if answer is not None else None
        except ValueError:
            return None

    def identify(self) -> HostIdentification | None:
        """Ask ~HI (model and resolution); None when the printer does not answer it."""
        answer = self._ask(b"~HI", 1)
        try:
            return parse_host_identification(answer) if answer is not None else None
        except ValueError:
            return None

    def send(self, payload: bytes, format: str, name: str) -> None:
        """Check ~HS (ZPL printers), write the job, wait for the printer to close its side, check ~HS again.

        Printed means every byte was written, the printer closed the connection without a reset, and
        (where it answers ~HS) its status after the job shows no error.
        """
        zebra = self.query_status and format.startswith("zpl")
        if zebra:
            status = self.status()
            if status is not None and not status.ready:
                raise PrinterNotReady(f"printer {self.host}:{self.port}: " + "; ".join(status.problems))
        where = f"printer {self.host}:{self.port}"
        sent = 0
        with self._connect() as sock:
            try:
                view = memoryview(payload)
                while sent < len(payload):  # a hung printer stops reading: the timeout ends the wait
                    sent += sock.send(view[sent : sent + 65536])
                sock.shutdown(socket.SHUT_WR)  # end of job; the printer closes its side when it has it all
                while sock.recv(4096):
                    pass
            except OSError as exc:
                why = "stopped answering" if isinstance(exc, TimeoutError) else f"dropped the job ({exc})"
                raise JobInterrupted(f"{where} {why} after {sent} of {len(payload)} bytes", sent) from exc
        if zebra:
            after = self.status_or_none()
            if after is not None and not after.ready:
                raise JobInterrupted(f"{where} reports after the job: " + "; ".join(after.problems), sent)

    def status_or_none(self) -> HostStatus | None:
        """~HS, or None when the printer cannot be reached or does not answer it."""
        try:
            return self.status()
        except PrinterNotReady:
            return None


class SerialTransport:
    """A printer on a serial port."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "serial": UrlForm("path", frozenset({"baud", "parity", "stopbits", "bytesize"}), what="serial port")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> SerialTransport:
        """The registry's constructor."""
        return cls(url)

    def __init__(self, url: DeviceUrl) -> None:
        self.url = url

    def status(self) -> HostStatus | None:
        """Serial printers are not asked."""
        return None

    def send(self, payload: bytes, format: str, name: str) -> None:
        """Write the job."""
        try:
            port = serial.Serial(self.url.path, self.url.baud, timeout=5, write_timeout=30)
        except (serial.SerialException, OSError) as exc:
            raise PrinterNotReady(f"serial printer {self.url.path}: {exc}") from exc
        written = 0
        with port:
            try:
                written = port.write(payload) or 0
                port.flush()
            except (serial.SerialException, OSError) as exc:
                raise JobInterrupted(f"serial printer {self.url.path}: {exc}", written) from exc


class UsbTransport:
    """/dev/usb/lpN, the kernel's USB printer class device."""

    url_forms: ClassVar[dict[str, UrlForm]] = {"usb": UrlForm("path", what="USB printer device")}

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> UsbTransport:
        """The registry's constructor."""
        return cls(url.path)

    def __init__(self, path: str) -> None:
        self.path = path

    def status(self) -> HostStatus | None:
        """Not asked."""
        return None

    def send(self, payload: bytes, format: str, name: str) -> None:
        """Write the job to the device node."""
        try:
            fd = os.open(self.path, os.O_WRONLY)
        except OSError as exc:
            raise PrinterNotReady(f"USB printer {self.path}: {exc.strerror}") from exc
        sent = 0
        try:
            while sent < len(payload):
                sent += os.write(fd, memoryview(payload)[sent:])
        except OSError as exc:
            raise JobInterrupted(f"USB printer {self.path}: {exc.strerror} after {sent} bytes", sent) from exc
        finally:
            os.close(fd)


class CupsTransport:
    """A CUPS queue through `lp`."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "cups": UrlForm("name", frozenset({"options"}), what="CUPS queue name")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> CupsTransport:
        """The registry's constructor."""
        return cls(url.path)

    def __init__(self, queue: str) -> None:
        self.queue = queue

    def status(self) -> HostStatus | None:
        """CUPS keeps its own status."""
        return None

    def send(self, payload: bytes, format: str, name: str) -> None:
        """Submit with lp (raw for printer languages)."""
        if shutil.which("lp") is None:
            raise PrinterNotReady("CUPS is not installed (no lp command)")
        args = ["lp", "-d", self.queue, "-t", name]
        if format in ("zpl", "zpl-raster", "escpos"):
            args += ["-o", "raw"]
        result = subprocess.run(args, input=payload, capture_output=True, timeout=30, check=False)
        if result.returncode != 0:
            raise PrinterNotReady(
                f"CUPS queue {self.queue}: {result.stderr.decode(errors='replace').strip()}"
            )


class DirTransport:
    """Each job as a file in a folder (written atomically: a watcher never sees half a job)."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "dir": UrlForm("path", what="folder"),
        "demo": UrlForm("nothing", what="demo printer: each job as a file in the data folder's printed/"),
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> DirTransport:
        """The registry's constructor; `demo:` writes into the station's printed/ folder."""
        return cls(Path(url.path) if url.scheme == "dir" else context.printed_dir)

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def status(self) -> HostStatus | None:
        """A folder is always ready."""
        return None

    def send(self, payload: bytes, format: str, name: str) -> None:
        """Write `<time>-<name><suffix>`."""
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # labels carry addresses
            stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{_safe(name)}"
            final = self.folder / (stem + SUFFIX.get(format, ".bin"))
            tmp = final.with_name("." + final.name + ".tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, final)
        except OSError as exc:
            raise PrinterNotReady(f"cannot write to {self.folder}: {exc.strerror}") from exc


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:60] or "job"
