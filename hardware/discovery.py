"""The devices this machine has, as URLs the settings take: what the set-up window offers a new office.

Serial ports come from pyserial's own listing (`serial.tools.list_ports`, with the stable
/dev/serial/by-id names where udev made them), USB printers and cameras from their device nodes, CUPS
queues from `lpstat -e`. Nothing is opened: a port is offered, the doctor checks it answers.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
from collections.abc import Callable

SERIAL_PATTERNS = ("/dev/serial/by-id/*", "/dev/ttyACM*", "/dev/ttyUSB*")
SCALE_PROTOCOL = "sics"  # the MT-SICS most counter scales speak; the doctor says when it is another


def serial_ports() -> list[str]:
    """Serial ports a scanner, scale or printer may be on: the stable by-id names first."""
    found: list[str] = []
    for pattern in SERIAL_PATTERNS:
        found += sorted(glob.glob(pattern))
    try:
        from serial.tools import list_ports

        found += sorted(port.device for port in list_ports.comports() if port.device not in found)
    except ImportError:  # pyserial is a dependency; a broken install still gets the globbed ports
        pass
    return list(dict.fromkeys(found))


def cups_queues(run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run) -> list[str]:
    """The CUPS queues this machine prints to (none without CUPS)."""
    if shutil.which("lpstat") is None:
        return []
    try:
        said = run(["lpstat", "-e"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip() for line in said.stdout.splitlines() if line.strip()] if said.returncode == 0 else []


def offered(role: str) -> list[str]:
    """URLs for `role` ("scanner", "scale", "printer", "receipt_printer", "camera"), real devices found on
    this machine first, then the choices that need no device (the wedge, no camera)."""
    ports = serial_ports()
    if role == "scanner":
        return ["wedge:", *(f"serial://{port}" for port in ports)]
    if role == "scale":
        return [f"scale+serial://{port}?protocol={SCALE_PROTOCOL}" for port in ports]
    if role in ("printer", "receipt_printer"):
        usb = [f"usb://{node}" for node in sorted(glob.glob("/dev/usb/lp*"))]
        return [*usb, *(f"cups://{queue}" for queue in cups_queues())]
    if role == "camera":
        nodes = sorted(glob.glob("/dev/video*"), key=lambda node: (len(node), node))
        return ["off:", *(f"camera://{node.removeprefix('/dev/video')}" for node in nodes)]
    raise ValueError(f"no such device role: {role}")
