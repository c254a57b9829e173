"""One registry for everything chosen by URL: each row's driver exists, owns its grammar and builds itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.printers.transports import DirTransport, TcpTransport
from hardware.registry import REGISTRY, DriverContext, Role, form_for, open_device, parse, schemes
from hardware.sms.log import LogGateway
from hardware.sms.rest import RestGateway
from hardware.urls import DeviceUrlError


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: f"{e.role}-{e.scheme}")
def test_every_row_names_a_driver_that_owns_its_url_grammar(entry) -> None:
    form = form_for(entry.scheme, entry.scheme + ":", entry.role)
    assert form.what, entry  # every scheme says what it is, for messages
    if entry.target is not None:
        module, _, name = entry.target.partition(":")
        driver = getattr(__import__(module, fromlist=[name]), name)
        assert entry.scheme in driver.url_forms and callable(driver.from_url)


def test_a_url_is_parsed_for_its_role_and_a_wrong_role_is_named() -> None:
    assert parse(Role.PRINTER, "tcp://10.0.0.5:9100").port == 9100
    with pytest.raises(DeviceUrlError, match="unknown printer scheme 'camera'"):
        parse(Role.PRINTER, "camera://0")
    with pytest.raises(DeviceUrlError, match="unknown option 'suffix'"):
        parse(Role.PRINTER, "tcp://10.0.0.5:9100?suffix=CR")  # a scanner's option, not a printer's
    assert parse(Role.SCANNER, "tcp://10.0.0.5:4001?suffix=CR").suffix == b"\r"
    assert "smpp" in schemes(Role.SMS) and "smpp" not in schemes(Role.SCANNER)


def test_drivers_are_built_from_the_url_and_the_context(tmp_path: Path) -> None:
    demo = open_device(Role.PRINTER, "demo:", DriverContext(printed_dir=tmp_path / "printed"))
    assert isinstance(demo, DirTransport) and demo.folder == tmp_path / "printed"
    tcp = open_device(Role.PRINTER, "tcp://127.0.0.1:9100?timeout=1", DriverContext(host_status=False))
    assert isinstance(tcp, TcpTransport) and tcp.timeout == 1.0 and tcp.query_status is False
    log = open_device(Role.SMS, "log:", DriverContext(sms_log=tmp_path / "sent.jsonl"))
    assert isinstance(log, LogGateway) and log.path == tmp_path / "sent.jsonl"
    rest = open_device(
        Role.SMS, "rest+https://AC1:s%40cret@api.example.com?from=%2B15550001111", DriverContext()
    )
    assert isinstance(rest, RestGateway)
    assert rest.url == "https://api.example.com/2010-04-01/Accounts/AC1/Messages.json"
    assert rest.sender == "+15550001111"
    assert open_device(Role.SCANNER, "wedge:?gap_ms=40") is None  # the window's key stream serves it
    assert open_device(Role.CAMERA, "off:") is None


@pytest.mark.parametrize(
    "text", ["tcp://h:9100?timeout=nan", "tcp://h:9100?timeout=inf", "tcp://h:9100?timeout=-1"]
)
def test_odd_numbers_in_options_are_refused(text: str) -> None:
    with pytest.raises(DeviceUrlError, match="timeout must be"):
        parse(Role.PRINTER, text)
