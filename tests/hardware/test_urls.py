"""Device URLs: what the settings may say, and errors that name the wrong part."""

from __future__ import annotations

import pytest

from hardware.registry import parse_url
from hardware.urls import DeviceUrlError


def test_serial_scanner_url_with_suffix_and_framing() -> None:
    url = parse_url("serial:///dev/ttyUSB0?baud=9600&suffix=CRLF&parity=E&stopbits=1")
    assert (url.scheme, url.path, url.baud, url.suffix) == ("serial", "/dev/ttyUSB0", 9600, b"\r\n")
    assert url.params["parity"] == "E"


def test_network_camera_scale_and_printer_urls() -> None:
    assert parse_url("tcp://192.168.1.40:4001").pyserial_url == "socket://192.168.1.40:4001"
    cam = parse_url("camera://0?width=1280&height=720")
    assert (cam.path, cam.int_param("width", 0)) == ("0", 1280)
    assert parse_url("video:///tmp/clip.avi?loop=1").path == "/tmp/clip.avi"
    assert parse_url("scale+serial:///dev/ttyUSB1?protocol=nci").params["protocol"] == "nci"
    assert parse_url("cups://Zebra_ZD421").path == "Zebra_ZD421"
    assert parse_url("wedge:").scheme == "wedge"
    assert parse_url("demo:").scheme == "demo"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", "empty"),
        ("/dev/ttyUSB0", "no scheme"),
        ("serail:///dev/ttyUSB0", "unknown scheme 'serail'"),
        ("serial:///dev/ttyUSB0?baud=9601", "baud '9601'"),
        ("serial:///dev/ttyUSB0?sufix=CR", "unknown option 'sufix'"),
        ("serial:///dev/ttyUSB0?suffix=NUL", "suffix must be one of"),
        ("serial://dev/ttyUSB0", "three slashes"),
        ("tcp://printer", "needs a port"),
        ("tcp://printer:http", "port must be a number"),
        ("camera://front", "camera index must be a number"),
        ("scale+serial:///dev/ttyUSB1", "protocol=sics|nci|continuous"),
        ("scale+serial:///dev/ttyUSB1?protocol=dibal", "protocol must be"),
    ],
)
def test_bad_urls_name_the_wrong_part(text: str, names: str) -> None:
    with pytest.raises(DeviceUrlError, match=names.replace("|", r"\|").replace("(", r"\(")):
        parse_url(text)
