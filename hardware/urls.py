"""Device URLs: how the station's settings name a scanner, camera, scale or printer.

    serial:///dev/ttyUSB0?baud=9600&suffix=CR&parity=N&stopbits=1
    tcp://192.168.1.40:4001            network scanner base (or a raw 9100 printer)
    camera://0?width=1280&height=720   video:///path/clip.avi?loop=1
    wedge:                             keyboard-wedge scanner (the UI's key stream)
    evdev:///dev/input/by-id/usb-Honeywell...-event-kbd
    scale+serial:///dev/ttyUSB1?protocol=sics|nci|continuous&baud=9600
    usb:///dev/usb/lp0   cups://QUEUE   dir:///var/spool/labels   demo:

`DeviceUrl.parse` refuses anything else with a message naming the part that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

SCHEMES = {
    "serial": "serial port",
    "tcp": "TCP host:port",
    "camera": "camera index",
    "video": "video file",
    "wedge": "keyboard wedge",
    "evdev": "Linux input device",
    "scale+serial": "serial scale",
    "usb": "USB printer device",
    "cups": "CUPS queue",
    "dir": "folder",
    "demo": "demo device",
}
SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "ETX": b"\x03", "TAB": b"\t", "NONE": b""}
_PARAMS = {
    "serial": {"baud", "suffix", "parity", "stopbits", "bytesize"},
    "scale+serial": {"baud", "protocol", "parity", "stopbits", "bytesize", "interval"},
    "tcp": {"suffix", "timeout"},
    "camera": {"width", "height", "fps"},
    "video": {"loop", "fps"},
    "evdev": {"grab"},
    "usb": set(),
    "cups": {"options"},
    "dir": set(),
    "demo": {"items", "grams"},
    "wedge": {"gap_ms", "min_length"},
}
BAUD_RATES = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}


class DeviceUrlError(ValueError):
    """A device URL the station cannot use; the message names the wrong part."""


@dataclass(frozen=True)
class DeviceUrl:
    """A parsed device URL."""

    text: str
    scheme: str
    host: str | None = None
    port: int | None = None
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> DeviceUrl:
        """Parse and check one URL."""
        text = text.strip()
        if not text:
            raise DeviceUrlError("empty device URL")
        scheme, sep, _rest = text.partition(":")
        scheme = scheme.lower()
        if not sep:
            raise DeviceUrlError(f"{text!r}: no scheme; expected one of {', '.join(sorted(SCHEMES))}")
        if scheme not in SCHEMES:
            raise DeviceUrlError(
                f"{text!r}: unknown scheme {scheme!r}; expected one of {', '.join(sorted(SCHEMES))}"
            )
        parts = urlsplit(text)
        params: dict[str, str] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key not in _PARAMS[scheme]:
                allowed = ", ".join(sorted(_PARAMS[scheme])) or "none"
                raise DeviceUrlError(f"{text!r}: unknown option {key!r} for {scheme}: (allowed: {allowed})")
            params[key] = value
        host, port, path = parts.hostname, None, parts.path
        if scheme == "tcp":
            if not host:
                raise DeviceUrlError(f"{text!r}: tcp:// needs a host, e.g. tcp://192.168.1.40:9100")
            try:
                port = parts.port
            except ValueError:
                raise DeviceUrlError(f"{text!r}: port must be a number 1-65535") from None
            if port is None:
                raise DeviceUrlError(f"{text!r}: tcp:// needs a port, e.g. tcp://{host}:9100")
        elif scheme == "camera":
            index = parts.netloc or path.strip("/")
            if not index.isdigit():
                raise DeviceUrlError(f"{text!r}: camera index must be a number, e.g. camera://0")
            path = index
        elif scheme == "cups":
            path = parts.netloc or path.strip("/")
            if not path:
                raise DeviceUrlError(f"{text!r}: cups:// needs a queue name, e.g. cups://Zebra_ZD421")
        elif scheme in ("serial", "scale+serial", "video", "evdev", "usb", "dir"):
            if parts.netloc:
                raise DeviceUrlError(
                    f"{text!r}: {scheme} needs an absolute path: {scheme}:///dev/... (three slashes)"
                )
            if not path.startswith("/"):
                raise DeviceUrlError(f"{text!r}: {scheme} needs an absolute path after {scheme}://")
        url = cls(text, scheme, host, port, path, params)
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
        if self.scheme == "scale+serial" and "protocol" not in self.params:
            raise DeviceUrlError(f"{self.text!r}: scale+serial needs ?protocol=sics|nci|continuous")
        for key in (
            "width",
            "height",
            "fps",
            "interval",
            "timeout",
            "gap_ms",
            "min_length",
            "items",
            "grams",
        ):
            if key in self.params:
                try:
                    float(self.params[key])
                except ValueError:
                    raise DeviceUrlError(f"{self.text!r}: {key} must be a number") from None

    def int_param(self, key: str, default: int) -> int:
        """A numeric option, or the default."""
        return int(float(self.params[key])) if key in self.params else default

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
