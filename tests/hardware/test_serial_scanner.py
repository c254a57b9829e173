"""Serial and network scanners against real pseudo-devices: a pty pair and a TCP socket."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hardware.protocols import DeviceState, DeviceStatus, RawScan
from hardware.registry import parse_url
from hardware.scanners.serial_scanner import SerialScanner
from tests.pseudo_devices.pty_device import PtyDevice


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


class Recorder:
    def __init__(self) -> None:
        self.scans: list[RawScan] = []
        self.states: list[DeviceStatus] = []
        self.errors: list[str] = []

    def state_is(self, state: DeviceState) -> Callable[[], bool]:
        return lambda: bool(self.states) and self.states[-1].state is state


def start(url: str, rec: Recorder) -> SerialScanner:
    scanner = SerialScanner(
        parse_url(url), rec.scans.append, rec.states.append, rec.errors.append, backoff_max=0.1
    )
    scanner.start()
    return scanner


def test_pty_scanner_delivers_frames_with_aim_ids_and_gs_intact(tmp_path: Path) -> None:
    dev = PtyDevice(tmp_path / "ttyScanner")
    rec = Recorder()
    scanner = start(f"serial://{dev.path}?suffix=CRLF", rec)
    try:
        assert wait_until(rec.state_is(DeviceState.CONNECTED))
        frame = b"]C142094105\x1d920559016491731234564"
        dev.write(b"RR473124829GB\r\n" + frame + b"\r\n")
        assert wait_until(lambda: len(rec.scans) == 2)
        assert [s.data for s in rec.scans] == [b"RR473124829GB", frame]
        assert rec.scans[1].symbology == "]C1"
    finally:
        scanner.stop()
        dev.close()


def test_unplug_mid_frame_drops_only_the_partial_frame_and_replug_resumes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="hardware.device_thread")
    dev = PtyDevice(tmp_path / "ttyACM0")
    rec = Recorder()
    scanner = start(f"serial://{dev.path}?suffix=CR", rec)
    try:
        assert wait_until(rec.state_is(DeviceState.CONNECTED))
        dev.write(b"RR473124829GB\rEE1234")  # one whole frame, then half of the next
        assert wait_until(lambda: len(rec.scans) == 1)
        assert wait_until(lambda: dev.unread() == 0)  # the half frame is in the station's hands
        dev.unplug()
        assert wait_until(rec.state_is(DeviceState.DISCONNECTED))
        assert any("partial scan was dropped" in e for e in rec.errors)
        tried = len(caplog.records)
        assert wait_until(  # two reconnect attempts against the missing port, as the driver logs them
            lambda: sum("not connected" in r.getMessage() for r in caplog.records[tried:]) >= 2
        )
        dev.plug()
        assert wait_until(rec.state_is(DeviceState.CONNECTED))
        dev.write(b"EE123456785US\r")
        assert wait_until(lambda: len(rec.scans) == 2)
        assert [s.data for s in rec.scans] == [b"RR473124829GB", b"EE123456785US"]  # none lost, none twice
    finally:
        scanner.stop()
        dev.close()


def test_oversized_frame_is_reported_and_the_reader_keeps_going(tmp_path: Path) -> None:
    dev = PtyDevice(tmp_path / "ttyScanner")
    rec = Recorder()
    scanner = start(f"serial://{dev.path}?suffix=CR", rec)
    try:
        assert wait_until(rec.state_is(DeviceState.CONNECTED))
        dev.write(b"\x00\xff" * 3000 + b"\rRR473124829GB\r")
        assert wait_until(lambda: len(rec.scans) == 1)
        assert rec.scans[0].data == b"RR473124829GB"
        assert any("longer than 4096" in e for e in rec.errors)
    finally:
        scanner.stop()
        dev.close()


def test_network_scanner_base_over_tcp_reconnects_after_the_base_restarts() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    rec = Recorder()
    connections: list[socket.socket] = []

    def accept() -> None:
        for _ in range(2):
            conn, _addr = server.accept()
            connections.append(conn)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    scanner = start(f"tcp://127.0.0.1:{port}?suffix=CR", rec)
    try:
        assert wait_until(lambda: len(connections) == 1)
        connections[0].sendall(b"RR473124829GB\rEE12")
        assert wait_until(lambda: len(rec.scans) == 1)
        connections[0].close()  # the base station reboots mid-frame
        assert wait_until(lambda: len(connections) == 2)
        connections[1].sendall(b"EE123456785US\r")
        assert wait_until(lambda: len(rec.scans) == 2)
        assert [s.data for s in rec.scans] == [b"RR473124829GB", b"EE123456785US"]
        assert any(s.state is DeviceState.DISCONNECTED for s in rec.states)
    finally:
        scanner.stop()
        for c in connections:
            c.close()
        server.close()


def test_a_scanner_base_sending_its_buffered_scans_at_once_on_reconnect_loses_none() -> None:
    # pyserial's socket:// discards what arrived while it opened: the base's backlog vanished with it.
    from station.ids import S10

    backlog = [S10.build("CP", 40_000_000 + i, "US").text.encode() for i in range(50)]
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    rec = Recorder()
    accepted: list[socket.socket] = []

    def base() -> None:
        conn, _addr = server.accept()
        accepted.append(conn)
        conn.sendall(b"\r".join(backlog) + b"\r")  # the instant the connection is there

    threading.Thread(target=base, daemon=True).start()
    scanner = start(f"tcp://127.0.0.1:{port}?suffix=CR", rec)
    try:
        assert wait_until(lambda: len(rec.scans) == len(backlog))
        assert [s.data for s in rec.scans] == backlog
    finally:
        scanner.stop()
        for conn in accepted:
            conn.close()
        server.close()
