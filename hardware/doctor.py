"""The device half of `station doctor`: each configured device opened for real, the SMS gateway asked.

Each probe answers the question an office's IT person has when a counter "does not scan": is the part
there, may this user open it, does it answer, is it the part the settings think it is. When access is
denied the fix names the udev rules this project ships (`station install-udev`), because that is what
"Permission denied" on /dev/ttyUSB0 or /dev/usb/lp0 almost always needs on a fresh Debian.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path

from hardware.protocols import DeviceState, DeviceStatus
from hardware.registry import Role, parse
from hardware.urls import DeviceUrl, DeviceUrlError
from station.config import StationConfig
from station.doctor import Check, Probe, user_name
from station.paths import StationPaths
from station.printing.profiles import ProfileError, profile

UDEV_FIX = "sudo station install-udev --user {user}, then log out and in again"
DEVICE_TIMEOUT_S = 2.0


def probes(
    config: StationConfig, paths: StationPaths, held: Mapping[str, DeviceStatus | None] | None = None
) -> Iterator[tuple[str, Probe]]:
    """(name, probe) for every configured device and the SMS gateway (`hub.doctor` checks the hub).

    `held`: from the window, each device it runs a driver for, with the latest state that driver
    reported (None: none yet). Such a device is never opened a second time (a scale's answer would go to
    one reader or the other, a port would report "multiple access"): its driver's state is the verdict.
    A device the window does not hold is opened as from the shell.
    """
    devices = config.devices
    held = held or {}
    for name, url, opened in (
        ("scanner", devices.scanner, lambda: scanner(devices.scanner)),
        ("camera", devices.camera, lambda: camera(devices.camera)),
        ("scale", devices.scale, lambda: scale(devices.scale)),
    ):
        probe = _held(name, held[name]) if name in held else opened
        yield name, _unless_demo(name, url, config.training, probe)
    for name, url, model in (
        ("label printer", devices.printer, devices.printer_profile),
        ("receipt printer", devices.receipt_printer, devices.receipt_printer_profile),
    ):
        yield name, _unless_demo(name, url, config.training, partial(printer, name, url, model, paths))
    yield "SMS gateway", lambda: sms_gateway(config.sms_gateway)
    if devices.locker != "off:" or config.locker_doors.strip():
        yield "locker", lambda: locker(devices.locker, config.locker_doors)


DEMO_FIXES = {
    "scanner": "wedge: (a USB scanner that types) or serial:///dev/ttyACM0",
    "camera": "camera:0 or off:",
    "scale": "scale+serial:///dev/ttyUSB0",
    "label printer": "tcp://PRINTER:9100, usb:///dev/usb/lp0 or cups://QUEUE",
    "receipt printer": "tcp://PRINTER:9100, usb:///dev/usb/lp1 or cups://QUEUE",
}


def _unless_demo(name: str, text: str, training: bool, probe: Probe) -> Probe:
    """A demo device at a station that is not a training station is a warning, whatever its probe says:
    its weights are made up and its printouts are files nobody hands over."""
    if training or not text.startswith("demo:"):
        return probe

    def warned() -> Check:
        said = probe()
        return Check.warned(
            name,
            f"a DEMO device ({said.detail}): not for a real counter",
            f"set [devices] {name.replace('label ', '').replace(' ', '_')} to the real one"
            f" (e.g. {DEMO_FIXES[name]}), or mark a training station: [station] training = true",
        )

    return warned


def _held(name: str, status: DeviceStatus | None) -> Probe:
    if status is None:
        return lambda: Check.failed(
            name, "the window's driver has not reported yet", "wait a moment and check again"
        )
    if status.state is DeviceState.CONNECTED:
        return lambda: Check.passed(name, f"open and read by this window ({status.source})")
    said = f" ({status.detail})" if status.detail else ""
    return lambda: Check.failed(
        name,
        f"the window's driver reports {status.state}{said}",
        "check the cable and that the device is on; the window keeps trying to reconnect",
    )


def _url(role: Role, name: str, text: str) -> DeviceUrl | Check:
    try:
        return parse(role, text)
    except DeviceUrlError as exc:
        return Check.failed(name, str(exc), f"set [devices] {name.replace(' ', '_')} to a valid URL")


def node_access(name: str, path: str, *, write: bool, what: str) -> Check | None:
    """A failed check when the device node is missing or this user may not open it; None when it may."""
    node = Path(path)
    if not node.exists():
        return Check.failed(
            name,
            f"{path} does not exist: the {what} is unplugged, off, or has another name",
            f"plug the {what} in; `ls /dev/serial/by-id/ /dev/usb/` shows the names, then set the URL",
        )
    mode = os.R_OK | (os.W_OK if write else 0)
    if not os.access(node, mode):
        group = _group_of(node)
        return Check.failed(
            name,
            f"{user_name()} may not open {path} (owned by group {group}): Permission denied",
            UDEV_FIX.format(user=user_name()) + f" (or: sudo usermod -aG {group} {user_name()})",
        )
    return None


def _port_denied(name: str, url: DeviceUrl, what: str) -> Check | None:
    """For a serial port that is a device node (not a pyserial URL such as rfc2217://): missing or denied."""
    if "://" in url.pyserial_url:
        return None
    return node_access(name, url.path, write=True, what=what)


def _group_of(node: Path) -> str:
    import grp

    gid = node.stat().st_gid
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _serial_open_failure(name: str, path: str, exc: BaseException) -> Check:
    number = getattr(exc, "errno", None)
    text = str(exc)
    if number == errno.EBUSY or "busy" in text.lower() or "exclusively" in text.lower():
        return Check.failed(
            name,
            f"{path} is held by another program (Resource busy)",
            f"close the other program (`fuser -v {path}` names it; ModemManager and brltty grab serial"
            " scanners: the shipped udev rules tell ModemManager to leave them alone)",
        )
    if number == errno.EACCES or "permission" in text.lower():
        return Check.failed(name, f"{path}: Permission denied", UDEV_FIX.format(user=user_name()))
    return Check.failed(name, f"{path} cannot be opened: {exc}", "check the cable and the URL")


def scanner(text: str) -> Check:
    """The scanner opens (serial, TCP base, evdev node); the wedge and demo need nothing."""
    name = "scanner"
    url = _url(Role.SCANNER, name, text)
    if isinstance(url, Check):
        return url
    if url.scheme in ("wedge", "demo"):
        return Check.passed(name, "keyboard wedge: the scanner types into the window (nothing to open)")
    if url.scheme in ("camera", "video"):
        return camera(text, name)
    if url.scheme == "tcp":
        return _tcp(name, url, "scanner base")
    if url.scheme == "evdev":
        denied = node_access(name, url.path, write=False, what="scanner")
        return denied or Check.passed(name, f"{url.path} is readable by {user_name()}")
    return _serial(name, url, "scanner")


def _serial(name: str, url: DeviceUrl, what: str) -> Check:
    import serial

    denied = _port_denied(name, url, what)
    if denied is not None:
        return denied
    try:
        port = serial.serial_for_url(
            url.pyserial_url, baudrate=url.baud, timeout=DEVICE_TIMEOUT_S, exclusive=True
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        return _serial_open_failure(name, url.path, exc)
    port.close()
    return Check.passed(name, f"{url.path} opens at {url.baud} baud")


def _tcp(name: str, url: DeviceUrl, what: str) -> Check:
    import socket

    try:
        with socket.create_connection((url.host or "", url.port or 0), timeout=DEVICE_TIMEOUT_S):
            pass
    except OSError as exc:
        return Check.failed(
            name,
            f"{what} {url.host}:{url.port} does not answer ({exc.strerror or exc})",
            f"switch the {what} on, check its network cable and its address in the settings",
        )
    return Check.passed(name, f"{what} {url.host}:{url.port} answers")


def camera(text: str, name: str = "camera") -> Check:
    """The camera opens and gives a frame (a video file: it opens and plays)."""
    url = _url(Role.CAMERA if name == "camera" else Role.SCANNER, name, text)
    if isinstance(url, Check):
        return url
    if url.scheme == "off":
        return Check.passed(name, "no camera configured")
    if url.scheme == "demo":
        return Check.passed(name, "demo camera (a generated clip of parcels on a belt)")
    if url.scheme == "camera":
        node = f"/dev/video{url.path}"
        denied = node_access(name, node, write=True, what="camera")
        if denied is not None:
            return denied
    elif not Path(url.path).is_file():
        return Check.failed(name, f"no video file {url.path}", "set [devices] camera to an existing file")
    import cv2

    cap = cv2.VideoCapture(int(url.path)) if url.scheme == "camera" else cv2.VideoCapture(url.path)
    try:
        if not cap.isOpened():
            return Check.failed(
                name, f"{text} does not open", "close other programs using the camera, re-plug it"
            )
        ok, frame = cap.read()
        if not ok or frame is None:
            return Check.failed(name, f"{text} opens but gives no picture", "re-plug the camera")
        height, width = frame.shape[:2]
    finally:
        cap.release()
    return Check.passed(name, f"{text} gives {width}x{height} frames")


def scale(text: str) -> Check:
    """The scale answers one weight request (a continuous scale: one line arrives)."""
    import serial

    from hardware.scales.serial_scale import PROTOCOLS

    name = "scale"
    url = _url(Role.SCALE, name, text)
    if isinstance(url, Check):
        return url
    if url.scheme == "demo":
        return Check.passed(name, "demo scale (weights are made up)")
    denied = _port_denied(name, url, "scale")
    if denied is not None:
        return denied
    command, terminator, parse_answer = PROTOCOLS[url.params["protocol"]]
    try:
        port = serial.serial_for_url(url.pyserial_url, baudrate=url.baud, timeout=DEVICE_TIMEOUT_S)
    except (serial.SerialException, OSError, ValueError) as exc:
        return _serial_open_failure(name, url.path, exc)
    with port:
        try:
            port.reset_input_buffer()
            if command is not None:
                port.write(command)
            answer = port.read_until(terminator)
        except (serial.SerialException, OSError) as exc:
            return _serial_open_failure(name, url.path, exc)
    if not answer.endswith(terminator):
        return Check.failed(
            name,
            f"{url.path} opens but the scale does not answer ({url.params['protocol']} at {url.baud} baud)",
            "switch the scale on; check its interface settings match protocol= and baud= in the URL",
        )
    reading = parse_answer(answer)
    weight = f"{reading.grams} g" if reading.grams is not None else reading.detail or reading.status.value
    return Check.passed(name, f"{url.path} answers: {weight}")


def locker(text: str, layout: str) -> Check:
    """The parcel lockers' lock board answers a sensor query, and the doors' layout reads."""
    from hardware.lockers.lockboard import LockBoard
    from station.items.lockers import BoardSilent, LockerLayoutError, parse_layout

    name = "locker"
    try:
        doors = parse_layout(layout)
    except LockerLayoutError as exc:
        return Check.failed(name, str(exc), 'set [station] locker_doors, e.g. "1-8:S 9-16:M 17-24:L"')
    url = _url(Role.LOCKER, name, text)
    if isinstance(url, Check):
        return url
    if url.scheme == "off":
        return Check.failed(
            name,
            f"{len(doors)} locker doors are set but no lock board",
            "[devices] locker = lockboard:///dev/ttyUSB0",
        )
    denied = _port_denied(name, url, "lock board")
    if denied is not None:
        return denied
    board = LockBoard.from_url(url)
    try:
        open_now = board.open_doors()
    except BoardSilent as exc:
        return Check.failed(
            name, str(exc), "check the board's power, its address switch (board=) and the RS-485 wires"
        )
    finally:
        board.close()
    left = f"; OPEN now: door {', '.join(str(d) for d in sorted(open_now))}" if open_now else ""
    return Check.passed(name, f"{url.path} answers: {len(doors)} doors{left}")


def printer(name: str, text: str, profile_name: str, paths: StationPaths) -> Check:
    """The printer is reachable, ready (~HS) and, where it says, of the profile's resolution (~HI)."""
    from hardware.printers.transports import PrinterNotReady, TcpTransport

    url = _url(Role.PRINTER, name, text)
    if isinstance(url, Check):
        return url
    try:
        model = profile(profile_name)
    except ProfileError as exc:
        return Check.failed(
            name, str(exc), "set [devices] printer_profile to a name from assets/printers.toml"
        )
    if url.scheme in ("demo", "dir"):
        folder = paths.printed if url.scheme == "demo" else Path(url.path)
        return Check.passed(name, f"jobs are written as files into {folder} ({model.name})")
    if url.scheme == "usb":
        denied = node_access(name, url.path, write=True, what="printer")
        return denied or Check.passed(name, f"{url.path} is writable by {user_name()} ({model.name})")
    if url.scheme == "serial":
        return _serial(name, url, "printer")
    if url.scheme == "cups":
        return _cups(name, url.path)
    transport = TcpTransport(url.host or "", url.port or 9100, timeout=DEVICE_TIMEOUT_S)
    try:
        status = transport.status() if model.host_status else None
        identity = transport.identify() if model.host_status else None
    except PrinterNotReady as exc:
        return Check.failed(
            name,
            str(exc),
            "switch the printer on; check its network cable and its address (its config label)",
        )
    if status is not None and not status.ready:
        return Check.failed(name, "; ".join(status.problems), "fix the printer as it says, then check again")
    if identity is not None and identity.dpi != model.dpi:
        return Check.failed(
            name,
            f"the printer says it is a {identity.model} at {identity.dpi} dpi;"
            f" profile {model.name} is {model.dpi} dpi",
            f"set [devices] printer_profile to a {identity.dpi}-dpi profile (labels would print"
            f" {'too small' if identity.dpi > model.dpi else 'too large'})",
        )
    said = f"{identity.model}, {identity.dpi} dpi, " if identity is not None else ""
    ready = "ready" if status is not None else "reachable (it is not asked for status)"
    return Check.passed(name, f"{url.host}:{url.port}: {said}{ready}")


def _cups(name: str, queue: str) -> Check:
    if shutil.which("lpstat") is None:
        return Check.failed(name, "CUPS is not installed (no lpstat)", "apt-get install cups-client")
    result = subprocess.run(["lpstat", "-p", queue], capture_output=True, text=True, timeout=10, check=False)
    said = (result.stdout or result.stderr).strip().splitlines()
    if result.returncode != 0 or not said:
        return Check.failed(
            name,
            f"CUPS queue {queue}: {' '.join(said) or 'unknown'}",
            f"lpadmin -p {queue} ... (or fix the name)",
        )
    if "disabled" in said[0]:
        return Check.failed(name, said[0], f"cupsenable {queue}")
    return Check.passed(name, said[0])


def sms_gateway(text: str) -> Check:
    """The gateway's credentials work (REST: the account is read; SMPP: a bind and an unbind)."""
    from station.notify.gateway import GatewayError

    name = "SMS gateway"
    url = _url(Role.SMS, name, text)
    if isinstance(url, Check):
        return url
    if url.scheme == "log":
        return Check.passed(name, "log: texts are written to a file, nobody is texted")
    from hardware.registry import DriverContext
    from hardware.sms.rest import RestGateway
    from hardware.sms.smpp import SmppGateway

    gateway: RestGateway | SmppGateway
    if url.scheme.startswith("rest+"):
        gateway = RestGateway.from_url(url, DriverContext())
    else:
        gateway = SmppGateway.from_url(url, DriverContext())
    try:
        said = gateway.check_credentials()
    except GatewayError as exc:
        return Check.failed(
            name,
            str(exc),
            "check the account id and token (or system id and password) in [station] sms_gateway",
        )
    return Check.passed(name, str(said))
