"""The key map, device settings that take effect on save, and a demo day only when confirmed, on a real
X server with xdotool."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from tests.pseudo_devices.scale_simulator import ScaleSimulator
from tests.ui.x11 import Window, funded, needs_x11, set_up_home, until, window_on

pytestmark = needs_x11


def _visible(window: Window, title: str) -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title],
        env=window.env,
        capture_output=True,
        check=False,
    )
    return found.returncode == 0


def _events(home: Path) -> int:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


def test_f1_shows_the_keys_of_the_screen_showing(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    with window_on(display, home, "F3") as window:
        window.dialog("F1", "Keys - Depot")
        depot_keys = _visible(window, "Keys - Depot")
        window.press("Escape")
        window.wait_no_dialog("Keys - Depot")
        closed = not _visible(window, "Keys - Depot")
        window.key("F4", "go_carrier")
        window.dialog("F1", "Keys - Carrier")
        carrier_keys = _visible(window, "Keys - Carrier") and not _visible(window, "Keys - Depot")
    assert depot_keys and closed and carrier_keys


def test_a_new_scale_url_is_used_as_soon_as_it_is_saved(display: str, tmp_path: Path) -> None:
    scale = ScaleSimulator(tmp_path / "scale", "sics", "2.345")
    home = set_up_home(tmp_path)  # the demo scale (1.250 kg) to start with
    funded(home)
    try:
        with window_on(display, home, "F6") as window:
            window.press("Tab", "Tab")  # scanner, camera, scale
            window.press("ctrl+a")
            window.type(f"scale+serial://{scale.path}?protocol=sics&interval=0.1", delay_ms=10)
            window.key("ctrl+s", "save")
            until(lambda: len(scale.commands) >= 3, "the new scale read")  # the devices restarted on it
            window.key("F2", "go_counter")
            window.scan("EE123456785US")
            window.answered()
            window.lines("Bob Lee", "2 Elm St", "San Francisco CA 94105")
            window.key("F9", "accept_piece")
            window.answered()
    finally:
        scale.close()
    with sqlite3.connect(home / "station.sqlite3") as conn:
        weights = conn.execute("SELECT weight_g FROM events WHERE kind = 'acceptance'").fetchall()
    assert weights == [(2345,)]  # the new scale, without restarting the station
    assert "scale+serial://" in (home / "station.toml").read_text()


def test_a_demo_day_is_written_only_when_the_operator_says_yes(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    with window_on(display, home, "F6") as window:
        window.dialog("ctrl+shift+d", "^Load a demo day")
        asked = _visible(window, "Load a demo day")
        window.press("Return")  # the default answer is No
        window.logged_again(r"ui\.main_window: key Ctrl\+Shift\+D: load_demo$")  # the question answered
        after_no = _events(home)
        window.dialog("ctrl+shift+d", "^Load a demo day")
        window.press("alt+y")
        until(lambda: _events(home) > 0, "the demo day written (one transaction)", timeout=60)
    assert asked and after_no == 0
    assert _events(home) > 1000


def test_f9_on_the_devices_screen_runs_the_doctor_without_blocking_the_window(
    display: str, tmp_path: Path
) -> None:
    import socket

    from tests.pseudo_devices.virtual_printer import VirtualPrinter

    off = socket.socket()
    off.bind(("127.0.0.1", 0))  # a port nobody listens on: the printer is switched off
    port = off.getsockname()[1]
    off.close()
    scale = ScaleSimulator(tmp_path / "scale", "sics", "2.345")
    printer = VirtualPrinter()
    home = set_up_home(
        tmp_path,
        f'[devices]\ncamera = "off:"\nscale = "scale+serial://{scale.path}?protocol=sics&interval=0.1"\n'
        f'printer = "tcp://127.0.0.1:{port}"\nreceipt_printer = "{printer.url}"\n'
        'receipt_printer_profile = "zebra-zd421-203"\n',
    )
    home.chmod(0o700)  # as the station makes its own folders (the doctor checks it)
    funded(home)
    try:
        with window_on(display, home, "F6") as window:
            window.key("F9", "run_doctor")
            answers = window.wait_answers(1)
            window.key("F2", "go_counter")  # the window answers at once while and after the checks ran
            window.scan("EE123456785US")
            after = window.wait_answers(2)
    finally:
        scale.close()
        printer.close()
    assert answers and not answers[0][0]
    assert answers[0][1].startswith("station check: 1 of ") and answers[0][1].endswith("checks fail")
    assert len(after) >= 2
    failed = [
        line for line in (home / "logs" / "station.log").read_text().splitlines() if "check failed" in line
    ]
    assert len(failed) == 1 and "label printer" in failed[0] and "offline" in failed[0]
