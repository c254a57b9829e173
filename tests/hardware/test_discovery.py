"""What the set-up window offers: the devices of this machine as URLs the settings take."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware import discovery
from hardware.registry import Role, parse
from tests.pseudo_devices.pty_device import PtyDevice


def test_a_serial_port_is_offered_to_the_scanner_and_the_scale_as_urls_that_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = PtyDevice(tmp_path / "ttyUSB0")  # a pseudo-terminal where a USB serial adapter would be
    try:
        monkeypatch.setattr(discovery, "SERIAL_PATTERNS", (str(tmp_path / "ttyUSB*"),))
        scanner, scale = discovery.offered("scanner"), discovery.offered("scale")
        assert scanner[0] == "wedge:" and f"serial://{port.path}" in scanner
        assert f"scale+serial://{port.path}?protocol=sics" in scale
        for url in scanner:
            parse(Role.SCANNER, url)
        for url in scale:
            parse(Role.SCALE, url)
    finally:
        port.close()


def test_no_camera_comes_first_and_an_unknown_role_is_refused() -> None:
    assert discovery.offered("camera")[0] == "off:"
    for url in discovery.offered("camera"):
        parse(Role.CAMERA, url)
    with pytest.raises(ValueError, match="no such device role: fax"):
        discovery.offered("fax")
