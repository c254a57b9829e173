"""The key map, device settings that take effect on save, and a demo day only when confirmed, on a real
X server with xdotool."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

from tests.pseudo_devices.scale_simulator import ScaleSimulator
from tests.ui.x11 import Window, funded, needs_x11, set_up_home, window_on

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
        window.press("F1")
        time.sleep(1.0)
        depot_keys = _visible(window, "Keys - Depot")
        window.press("Escape")
        time.sleep(0.5)
        closed = not _visible(window, "Keys - Depot")
        window.press("F4", "F1")
        time.sleep(1.0)
        carrier_keys = _visible(window, "Keys - Carrier")
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
            window.press("ctrl+s")
            time.sleep(1.5)
            window.press("F2")
            window.scan("EE123456785US")
            time.sleep(1.0)
            window.lines("Bob Lee", "2 Elm St", "San Francisco CA 94105")
            window.press("F9")
            time.sleep(2.5)
    finally:
        scale.close()
    with sqlite3.connect(home / "station.sqlite3") as conn:
        weights = conn.execute("SELECT weight_g FROM events WHERE kind = 'acceptance'").fetchall()
    assert weights == [(2345,)]  # the new scale, without restarting the station
    assert "scale+serial://" in (home / "station.toml").read_text()


def test_a_demo_day_is_written_only_when_the_operator_says_yes(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    with window_on(display, home, "F6") as window:
        window.press("ctrl+shift+d")
        time.sleep(1.0)
        asked = _visible(window, "Load a demo day")
        window.press("Return")  # the default answer is No
        time.sleep(1.0)
        after_no = _events(home)
        window.press("ctrl+shift+d")
        time.sleep(1.0)
        window.press("alt+y")
        deadline = time.monotonic() + 60
        while _events(home) == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1.0)
    assert asked and after_no == 0
    assert _events(home) > 1000
