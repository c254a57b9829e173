"""Everything the settings choose by URL, in one table: (role, scheme) -> the driver that serves it.

A driver class owns its URL grammar (`url_forms`, one `UrlForm` per scheme it serves) and builds itself
from a parsed URL with `from_url(url, context)`, as pyserial's `protocol_*` handlers do. Adding a
scanner, printer transport, scale or SMS gateway means writing the class and adding one row here.
Drivers are imported only when their URL is used, so the CLI starts without OpenCV or smpplib.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from hardware.protocols import ErrorCallback, ScanCallback, StatusCallback
from hardware.urls import DeviceUrl, DeviceUrlError, UrlForm


class Role(StrEnum):
    """What a device is for."""

    SCANNER = "scanner"
    CAMERA = "camera"
    SCALE = "scale"
    PRINTER = "printer"
    SMS = "sms gateway"
    LOCKER = "locker"


@dataclass(frozen=True)
class Entry:
    """One row: `target` is "module:Class", or None where the UI itself serves the URL."""

    role: Role
    scheme: str
    target: str | None
    form: UrlForm | None = None  # only for rows without a driver class (the wedge: the UI's key stream)


_SERIAL_SCANNER = "hardware.scanners.serial_scanner:SerialScanner"
_CAMERA = "hardware.camera.capture:CameraScanner"
_TRANSPORTS = "hardware.printers.transports"
WEDGE_FORM = UrlForm(
    "nothing", frozenset({"gap_ms", "min_length", "prefix", "suffix"}), what="keyboard wedge"
)
DEMO_FORM = UrlForm("nothing", frozenset({"items", "grams"}), what="demo device")

REGISTRY: tuple[Entry, ...] = (
    Entry(Role.SCANNER, "serial", _SERIAL_SCANNER),
    Entry(Role.SCANNER, "tcp", _SERIAL_SCANNER),
    Entry(Role.SCANNER, "evdev", "hardware.scanners.evdev_scanner:EvdevScanner"),
    Entry(Role.SCANNER, "camera", _CAMERA),
    Entry(Role.SCANNER, "video", _CAMERA),
    Entry(Role.SCANNER, "wedge", None, WEDGE_FORM),
    Entry(Role.SCANNER, "demo", None, DEMO_FORM),  # the demo scanner is the keyboard
    Entry(Role.CAMERA, "camera", _CAMERA),
    Entry(Role.CAMERA, "video", _CAMERA),
    Entry(Role.CAMERA, "demo", _CAMERA),
    Entry(Role.CAMERA, "off", None, UrlForm("nothing", what="no camera")),
    Entry(Role.SCALE, "scale+serial", "hardware.scales.serial_scale:SerialScale"),
    Entry(Role.SCALE, "demo", "hardware.demo_devices:DemoScale"),
    Entry(Role.PRINTER, "tcp", f"{_TRANSPORTS}:TcpTransport"),
    Entry(Role.PRINTER, "serial", f"{_TRANSPORTS}:SerialTransport"),
    Entry(Role.PRINTER, "usb", f"{_TRANSPORTS}:UsbTransport"),
    Entry(Role.PRINTER, "cups", f"{_TRANSPORTS}:CupsTransport"),
    Entry(Role.PRINTER, "dir", f"{_TRANSPORTS}:DirTransport"),
    Entry(Role.PRINTER, "demo", f"{_TRANSPORTS}:DirTransport"),
    Entry(Role.SMS, "log", "hardware.sms.log:LogGateway"),
    Entry(Role.SMS, "rest+https", "hardware.sms.rest:RestGateway"),
    Entry(Role.SMS, "rest+http", "hardware.sms.rest:RestGateway"),
    Entry(Role.SMS, "smpp", "hardware.sms.smpp:SmppGateway"),
    Entry(Role.LOCKER, "lockboard", "hardware.lockers.lockboard:LockBoard"),
    Entry(Role.LOCKER, "off", None, UrlForm("nothing", what="no lockers")),
)


@dataclass
class DriverContext:
    """What a driver may be given when it is built: callbacks for its thread and folders for its files."""

    on_scan: ScanCallback = field(default=lambda scan: None)
    on_status: StatusCallback | None = None
    on_error: ErrorCallback | None = None
    on_frame: Callable[[Any], None] | None = None
    on_reading: Callable[[Any], None] | None = None
    cache_dir: Path = Path(".")  # the demo camera's clip
    printed_dir: Path = Path("printed")  # the demo printer's folder
    sms_log: Path = Path("sms-sent.jsonl")  # the log gateway's file
    host_status: bool = True  # the printer profile says the printer answers ~HS


def _class(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _entries(scheme: str, role: Role | None) -> list[Entry]:
    return [e for e in REGISTRY if e.scheme == scheme and (role is None or e.role is role)]


def schemes(role: Role | None = None) -> list[str]:
    """The schemes a role (or any) accepts."""
    return sorted({e.scheme for e in REGISTRY if role is None or e.role is role})


def form_for(scheme: str, text: str = "", role: Role | None = None) -> UrlForm:
    """The URL grammar of `scheme` for `role` (for no role: what any role accepts under that scheme)."""
    entries = _entries(scheme, role)
    if not entries:
        what = f"{role} " if role else ""
        if not scheme or not text:
            raise DeviceUrlError(f"{text!r}: no scheme; expected one of {', '.join(schemes(role))}")
        raise DeviceUrlError(
            f"{text!r}: unknown {what}scheme {scheme!r}; expected one of {', '.join(schemes(role))}"
        )
    forms = [e.form if e.form is not None else _class(e.target or "").url_forms[scheme] for e in entries]
    merged = forms[0]
    for other in forms[1:]:
        merged = merged.merged(other)
    return merged


def parse_url(text: str) -> DeviceUrl:
    """Parse a device URL of any role, checked against the grammar its scheme's drivers declare."""
    text = text.strip()
    if not text:
        raise DeviceUrlError("empty device URL")
    scheme, sep, _rest = text.partition(":")
    if not sep:
        form_for("")  # raises, listing the schemes
    return DeviceUrl.parse(text, form_for(scheme.lower(), text))


def parse(role: Role, url: str | DeviceUrl) -> DeviceUrl:
    """Parse `url` as a `role` device (a scanner URL given as a printer is refused, naming both)."""
    text = url.text if isinstance(url, DeviceUrl) else url
    scheme = text.strip().partition(":")[0].lower()
    return DeviceUrl.parse(text, form_for(scheme, text, role))


def open_device(role: Role, url: str | DeviceUrl, context: DriverContext | None = None) -> Any:
    """The driver for `url` in `role` (not started); None where the UI serves the URL itself."""
    parsed = parse(role, url)
    entry = _entries(parsed.scheme, role)[0]
    if entry.target is None:
        return None
    return _class(entry.target).from_url(parsed, context or DriverContext())


def open_scanner(
    url: str | DeviceUrl,
    on_scan: ScanCallback,
    on_status: StatusCallback | None = None,
    on_error: ErrorCallback | None = None,
) -> Any:
    """The scanner for `url`; None for `wedge:` and `demo:`, which the UI's key stream handles."""
    return open_device(Role.SCANNER, url, DriverContext(on_scan, on_status, on_error))


def open_camera(
    url: str | DeviceUrl,
    on_scan: ScanCallback,
    on_status: StatusCallback | None = None,
    on_frame: Callable[[Any], None] | None = None,
    *,
    cache_dir: Path,
) -> Any:
    """The camera for `url` (None for `off:`); `demo:` plays a generated clip of parcels on a belt."""
    return open_device(
        Role.CAMERA, url, DriverContext(on_scan, on_status, on_frame=on_frame, cache_dir=cache_dir)
    )


def open_scale(
    url: str | DeviceUrl, on_reading: Callable[[Any], None], on_status: StatusCallback | None = None
) -> Any:
    """The scale for `url`."""
    return open_device(Role.SCALE, url, DriverContext(on_status=on_status, on_reading=on_reading))


def open_printer(url: str | DeviceUrl, *, printed_dir: Path, host_status: bool = True) -> Any:
    """The transport for a printer URL; `demo:` writes each job into `printed_dir`."""
    return open_device(Role.PRINTER, url, DriverContext(printed_dir=printed_dir, host_status=host_status))


def open_gateway(url: str, *, sms_log: Path) -> Any:
    """The SMS gateway for `url` (`log:` writes each message as a JSON line into `sms_log`)."""
    return open_device(Role.SMS, url, DriverContext(sms_log=sms_log))


def open_locker(url: str | DeviceUrl) -> Any:
    """The lock board of the parcel lockers (None for `off:`)."""
    return open_device(Role.LOCKER, url)


__all__ = ["DriverContext", "Entry", "Role", "open_device", "parse"]
