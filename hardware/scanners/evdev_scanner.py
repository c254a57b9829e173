"""A HID (keyboard) scanner grabbed exclusively through Linux evdev, so its keystrokes never reach a text
field. Optional: needs the `evdev` package and /dev/input (absent in containers; tests skip)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, ClassVar

from hardware.device_thread import DeviceThread
from hardware.protocols import DeviceState, DeviceStatus, RawScan, ScanCallback, StatusCallback
from hardware.urls import DeviceUrl, DeviceUrlError, UrlForm

if TYPE_CHECKING:
    from hardware.registry import DriverContext

# US-layout key codes to characters, unshifted / shifted (what a scanner in HID mode types).
_KEYS = {
    2: "1!",
    3: "2@",
    4: "3#",
    5: "4$",
    6: "5%",
    7: "6^",
    8: "7&",
    9: "8*",
    10: "9(",
    11: "0)",
    12: "-_",
    13: "=+",
    16: "qQ",
    17: "wW",
    18: "eE",
    19: "rR",
    20: "tT",
    21: "yY",
    22: "uU",
    23: "iI",
    24: "oO",
    25: "pP",
    26: "[{",
    27: "]}",
    30: "aA",
    31: "sS",
    32: "dD",
    33: "fF",
    34: "gG",
    35: "hH",
    36: "jJ",
    37: "kK",
    38: "lL",
    39: ";:",
    40: "'\"",
    44: "zZ",
    45: "xX",
    46: "cC",
    47: "vV",
    48: "bB",
    49: "nN",
    50: "mM",
    51: ",<",
    52: ".>",
    53: "/?",
    57: "  ",
}
_SHIFT = {42, 54}
_CTRL = {29, 97}
_ENTER = {28, 96}
_TAB = 15


class EvdevScanner(DeviceThread):
    """Reads one input device with an exclusive grab."""

    url_forms: ClassVar[dict[str, UrlForm]] = {
        "evdev": UrlForm("path", frozenset({"grab"}), what="Linux input device")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> EvdevScanner:
        """The registry's constructor."""
        return cls(url, context.on_scan, context.on_status)

    def __init__(
        self, url: DeviceUrl, on_scan: ScanCallback, on_status: StatusCallback | None = None
    ) -> None:
        try:
            import evdev  # noqa: F401
        except ImportError:
            raise DeviceUrlError(
                f"{url.text!r}: evdev scanners need the 'evdev' package (pip install evdev)"
            ) from None
        super().__init__(f"evdev {url.path}")
        self.url = url
        self._on_scan = on_scan
        self._on_status = on_status or (lambda s: None)

    def _run(self) -> None:
        import evdev

        try:
            device: Any = evdev.InputDevice(self.url.path)
            if self.url.params.get("grab", "1") != "0":
                device.grab()
        except OSError as exc:
            self._on_status(DeviceStatus(self.url.text, DeviceState.DISCONNECTED, str(exc)))
            return
        self._on_status(DeviceStatus(self.url.text, DeviceState.CONNECTED))
        text: list[str] = []
        shift = ctrl = False
        try:
            while not self._stop.is_set():
                event = device.read_one()
                if event is None:
                    self._stop.wait(0.002)
                    continue
                if event.type != evdev.ecodes.EV_KEY:
                    continue
                if event.code in _SHIFT:
                    shift = event.value != 0
                elif event.code in _CTRL:
                    ctrl = event.value != 0
                elif event.value == 1:
                    if event.code in _ENTER or event.code == _TAB:
                        if text:
                            self._on_scan(RawScan("".join(text).encode(), self.url.text))
                        text = []
                    elif ctrl and event.code == 27:  # Ctrl+] types GS (FNC1) on a US layout
                        text.append("\x1d")
                    elif event.code in _KEYS:
                        text.append(_KEYS[event.code][1 if shift else 0])
        except OSError as exc:
            self._on_status(DeviceStatus(self.url.text, DeviceState.DISCONNECTED, str(exc)))
        finally:
            with contextlib.suppress(OSError):
                device.ungrab()
