"""Device URLs: how the station's settings name a scanner, camera, scale, printer or SMS gateway.

    serial:///dev/ttyUSB0?baud=9600&suffix=CR&parity=N&stopbits=1
    tcp://192.168.1.40:4001            network scanner base (or a raw 9100 printer)
    camera://0?width=1280&height=720   video:///path/clip.avi?loop=1
    wedge:                             keyboard-wedge scanner (the UI's key stream)
    evdev:///dev/input/by-id/usb-Honeywell...-event-kbd
    scale+serial:///dev/ttyUSB1?protocol=sics|nci|continuous&baud=9600
    usb:///dev/usb/lp0   cups://QUEUE   dir:///var/spool/labels   demo:
    log:   rest+https://ACCOUNT:TOKEN@api.example.com?from=+1555...   smpp://user:pass@host:2775?from=PARCEL

This module owns the shape of a URL and the meaning of the option values drivers share (baud, suffix,
parity...); which schemes exist and which options each takes is each driver's own `url_forms`, looked
up through `hardware/registry.py`. `DeviceUrl.parse` refuses anything else with a message naming the
part that is wrong, the way pyserial's `serial_for_url` handlers do.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from station.errors import Refused

SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "ETX": b"\x03", "TAB": b"\t", "NONE": b""}
BAUD_RATES = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}
_NUMERIC = (
    "width",
    "height",
    "fps",
    "interval",
    "timeout",
    "gap_ms",
    "min_length",
    "items",
    "grams",
    "cycle",
)


class DeviceUrlError(Refused):
    """A device URL the station cannot use; the message names the wrong part."""


@dataclass(frozen=True)
class UrlForm:
    """One driver's URL grammar for one scheme: what must follow the scheme, and the options it takes."""

    needs: Literal["path", "host_port", "host", "name", "index", "nothing", "optional_path"]
    options: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    what: str = ""  # for messages: "serial port", "CUPS queue"...

    def merged(self, other: UrlForm) -> UrlForm:
        """The form of a scheme two roles share (tcp: scanner base and printer): either's options."""
        return UrlForm(self.needs, self.options | other.options, self.required & other.required, self.what)


@dataclass(frozen=True)
class DeviceUrl:
    """A parsed device URL."""

    text: str
    scheme: str
    host: str | None = None
    port: int | None = None
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)
    username: str = ""
    password: str = ""

    @classmethod
    def parse(cls, text: str, form: UrlForm) -> DeviceUrl:
        """Parse and check one URL against `form` (`registry.parse_url` finds the form by the scheme)."""
        text = text.strip()
        if not text:
            raise DeviceUrlError("empty device URL")
        scheme = text.partition(":")[0].lower()
        parts = urlsplit(text)
        params: dict[str, str] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key not in form.options:
                allowed = ", ".join(sorted(form.options)) or "none"
                raise DeviceUrlError(f"{text!r}: unknown option {key!r} for {scheme}: (allowed: {allowed})")
            params[key] = value
        for key in sorted(form.required - set(params)):
            raise DeviceUrlError(f"{text!r}: {scheme} needs ?{key}=... ({_REQUIRED_HINT.get(key, key)})")
        host, port, path = parts.hostname, None, parts.path
        if form.needs in ("host_port", "host"):
            if not host:
                raise DeviceUrlError(f"{text!r}: {scheme}:// needs a host, e.g. {scheme}://192.168.1.40:9100")
            try:
                port = parts.port
            except ValueError:
                raise DeviceUrlError(f"{text!r}: port must be a number 1-65535") from None
            if port is None and form.needs == "host_port":
                raise DeviceUrlError(f"{text!r}: {scheme}:// needs a port, e.g. {scheme}://{host}:9100")
        elif form.needs == "index":
            index = parts.netloc or path.strip("/")
            if not index.isdigit():
                raise DeviceUrlError(f"{text!r}: {scheme} index must be a number, e.g. {scheme}://0")
            path = index
        elif form.needs == "name":
            path = parts.netloc or path.strip("/")
            if not path:
                raise DeviceUrlError(f"{text!r}: {scheme}:// needs a {form.what or 'name'}")
        elif form.needs in ("path", "optional_path"):
            if parts.netloc:
                raise DeviceUrlError(
                    f"{text!r}: {scheme} needs an absolute path: {scheme}:///dev/... (three slashes)"
                )
            if (path and not path.startswith("/")) or (form.needs == "path" and not path):
                raise DeviceUrlError(f"{text!r}: {scheme} needs an absolute path after {scheme}://")
        url = cls(
            text,
            scheme,
            host,
            port,
            path,
            params,
            unquote(parts.username or ""),
            unquote(parts.password or ""),
        )
        url._check_values()
        return url

    def _check_values(self) -> None:
        if "baud" in self.params and (
            not self.params["baud"].isdigit() or int(self.params["baud"]) not in BAUD_RATES
        ):
            raise DeviceUrlError(f"{self.text!r}: baud {self.params['baud']!r} is not a standard rate")
        if "suffix" in self.params and self.params["suffix"].upper() not in SUFFIXES:
            raise DeviceUrlError(f"{self.text!r}: suffix must be one of {', '.join(SUFFIXES)}")
        if "parity" in self.params and self.params["parity"].upper() not in ("N", "E", "O", "M", "S"):
            raise DeviceUrlError(f"{self.text!r}: parity must be N, E, O, M or S")
        if "stopbits" in self.params and self.params["stopbits"] not in ("1", "1.5", "2"):
            raise DeviceUrlError(f"{self.text!r}: stopbits must be 1, 1.5 or 2")
        if "bytesize" in self.params and self.params["bytesize"] not in ("5", "6", "7", "8"):
            raise DeviceUrlError(f"{self.text!r}: bytesize must be 5-8")
        if "protocol" in self.params and self.params["protocol"] not in ("sics", "nci", "continuous"):
            raise DeviceUrlError(f"{self.text!r}: protocol must be sics, nci or continuous")
        for key in _NUMERIC:
            if key in self.params:
                try:
                    value = float(self.params[key])
                except ValueError:
                    raise DeviceUrlError(f"{self.text!r}: {key} must be a number") from None
                if not 0 <= value < 1e9:  # NaN and inf fail this too
                    raise DeviceUrlError(f"{self.text!r}: {key} must be a positive number")

    def int_param(self, key: str, default: int) -> int:
        """A numeric option, or the default."""
        return int(float(self.params[key])) if key in self.params else default

    def secret(self) -> str:
        """The URL's password, or (`?secret_file=PATH`) the first line of a file only its owner may read:
        a secret in a URL is in the settings file, and in the arguments of a process started with it."""
        path = self.params.get("secret_file")
        if path is None:
            return self.password
        if self.password:
            raise DeviceUrlError(f"{self.scheme}: give the secret in the URL or in secret_file, not both")
        try:
            mode = os.stat(path).st_mode
            with open(path, encoding="utf-8") as file:
                first = file.readline().strip()
        except OSError as exc:
            raise DeviceUrlError(f"{self.scheme}: secret_file {path}: {exc.strerror or exc}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise DeviceUrlError(
                f"{self.scheme}: secret_file {path} may be read by others (mode {stat.S_IMODE(mode):o}):"
                f" chmod 600 {path}"
            )
        if not first:
            raise DeviceUrlError(f"{self.scheme}: secret_file {path} is empty")
        return first

    def float_param(self, key: str, default: float) -> float:
        """A numeric option, or the default."""
        return float(self.params[key]) if key in self.params else default

    @property
    def suffix(self) -> bytes:
        """The frame terminator of a scanner (default CR LF and CR both end a frame)."""
        return SUFFIXES[self.params.get("suffix", "CR").upper()]

    @property
    def baud(self) -> int:
        """The baud rate (9600 if not given)."""
        return self.int_param("baud", 9600)

    @property
    def pyserial_url(self) -> str:
        """What `serial.serial_for_url` opens for this device."""
        if self.scheme == "tcp":
            return f"socket://{self.host}:{self.port}"
        return self.path


_REQUIRED_HINT = {"protocol": "protocol=sics|nci|continuous"}
