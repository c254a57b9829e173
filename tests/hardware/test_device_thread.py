"""The one device loop: reconnects with backoff, reports each outage once, and never loses a driver bug."""

from __future__ import annotations

import logging
import threading

import pytest

from hardware.device_thread import DeviceEnded, ReconnectingDevice
from hardware.protocols import DeviceState, DeviceStatus


class FlakyDevice(ReconnectingDevice[int]):
    """Absent twice, then serves once and drops, then serves until stopped."""

    def __init__(self, states: list[DeviceStatus], fail_with: BaseException | None = None) -> None:
        super().__init__("flaky", "flaky:", states.append, backoff_start=0.001, backoff_max=0.004)
        self.opens = 0
        self.served = threading.Event()
        self.fail_with = fail_with

    def _connect(self) -> int:
        self.opens += 1
        if self.opens <= 2:
            raise OSError("no such device")
        return self.opens

    def _serve(self, connection: int) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        if connection == 3:
            raise OSError("unplugged")
        self.served.set()
        self._stop.wait()


def test_the_loop_reconnects_and_reports_each_outage_once() -> None:
    states: list[DeviceStatus] = []
    device = FlakyDevice(states)
    device.start()
    assert device.served.wait(5)
    device.stop()
    assert [(s.state, s.detail) for s in states] == [
        (DeviceState.CONNECTING, ""),
        (DeviceState.DISCONNECTED, "no such device"),  # two failed opens, said once
        (DeviceState.CONNECTED, ""),
        (DeviceState.DISCONNECTED, "unplugged"),
        (DeviceState.CONNECTED, ""),
        (DeviceState.STOPPED, ""),
    ]


def test_a_device_that_ends_says_so_and_stops() -> None:
    states: list[DeviceStatus] = []
    device = FlakyDevice(states, DeviceEnded(DeviceState.STOPPED, "end of video"))
    device.start()
    device.wait(5)
    assert states[-1] == DeviceStatus("flaky:", DeviceState.STOPPED, "end of video")


def test_a_driver_bug_is_logged_with_its_traceback_and_shown(caplog: pytest.LogCaptureFixture) -> None:
    states: list[DeviceStatus] = []
    device = FlakyDevice(states, ZeroDivisionError("division by zero"))
    with caplog.at_level(logging.ERROR):
        device.start()
        device.wait(5)
    assert states[-1] == DeviceStatus("flaky:", DeviceState.DISCONNECTED, "driver error: see the log")
    (record,) = [r for r in caplog.records if "stopped on an unexpected error" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError
