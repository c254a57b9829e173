"""Small words at the counter (issue 31, item 20): an empty form's price is a quiet placeholder, not a red
error; a device's status reads "demo: connected", not "demo:: connected"."""

from __future__ import annotations

from hardware.protocols import DeviceState, DeviceStatus
from ui.app import StationApp
from ui.modes.counter import CounterMode


def test_the_price_of_an_empty_form_is_a_grey_placeholder_and_a_real_problem_is_red(
    station_app: StationApp,
) -> None:
    counter = station_app.window.show_mode("counter")
    assert isinstance(counter, CounterMode)
    counter.update_price()
    assert counter.price.text() == "price: weight and destination first"
    assert "#666" in counter.price.styleSheet()
    counter.weight.setText("2lb 3oz")
    counter.to_zip.setText("ABCDE")  # a ZIP that is none: the price cannot be made, and why is red
    counter.update_price()
    assert "#b3261e" in counter.price.styleSheet() and counter.price.text() != ""


def test_a_device_url_ending_in_a_colon_is_not_doubled(station_app: StationApp) -> None:
    window = station_app.window
    window.on_device_status(DeviceStatus("demo:", DeviceState.CONNECTED, "the demo scale"))
    assert window.device_labels["demo:"].text() == "demo: connected"
    window.on_device_status(DeviceStatus("serial:///dev/ttyUSB0?baud=9600", DeviceState.CONNECTED, ""))
    assert (
        window.device_labels["serial:///dev/ttyUSB0?baud=9600"].text() == "serial:///dev/ttyUSB0: connected"
    )
