"""evdev HID scanners: exclusive grab on Linux; here there is no /dev/input, so only the refusal is tested."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from hardware.protocols import DeviceStatus
from hardware.registry import open_scanner
from hardware.urls import DeviceUrlError

URL = "evdev:///dev/input/by-id/usb-Honeywell_Scanner-event-kbd"


@pytest.mark.skipif(importlib.util.find_spec("evdev") is not None, reason="evdev is installed")
def test_an_evdev_scanner_without_the_evdev_package_is_refused_clearly() -> None:
    with pytest.raises(DeviceUrlError, match="need the 'evdev' package"):
        open_scanner(URL, lambda s: None)


@pytest.mark.skipif(
    importlib.util.find_spec("evdev") is None or not Path("/dev/input").exists(),
    reason="needs the evdev package and /dev/input (absent in this container: no uinput, no HID)",
)
def test_an_evdev_scanner_that_is_not_plugged_in_reports_disconnected() -> None:
    states: list[DeviceStatus] = []
    scanner = open_scanner(URL, lambda s: None, states.append)
    assert scanner is not None
    scanner.start()
    scanner.stop()
    assert any(s.state == "disconnected" for s in states)
