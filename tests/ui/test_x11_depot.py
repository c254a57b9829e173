"""The depot bench on a real X server: Xvfb, the station window as its own process, and xdotool typing
as a keyboard-wedge scanner does. The destination rule must hold for what a person sees, not only in
pytest-qt's simulated key events."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

NEEDED = ("Xvfb", "xdotool", "import")
pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED), reason="needs Xvfb, xdotool and imagemagick's import"
)
SACK = "00106141411234567897"
SEATTLE, SAN_FRANCISCO = "9205590164917312345677", "920559016491731234564"
RED, GREEN = (179, 38, 30), (27, 127, 59)


def station(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def display() -> Iterator[str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@dataclass
class Window:
    """The station window running on the test's X server, and what a person and a scanner do to it."""

    env: dict[str, str]
    folder: Path

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=30)

    def scan(self, *parts: str) -> None:
        """Type as a wedge scanner: the parts (text, or a key such as ctrl+bracketright) then Enter, by
        xdotool runs chained in one shell, so no process start-up (30-40 ms from Python) opens a gap
        that no scanner has."""
        steps = [
            f"xdotool key {p}" if p.startswith("ctrl+") else f"xdotool type --delay 4 {shlex.quote(p)}"
            for p in parts
        ]
        subprocess.run(
            ["sh", "-c", "; ".join([*steps, "xdotool key Return"])], env=self.env, check=True, timeout=30
        )

    def shot(self, name: str) -> Path:
        path = self.folder / f"{name}.png"
        subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=True, timeout=30)
        return path


@contextmanager
def window_on(display: str, home: Path, screen_key: str) -> Iterator[Window]:
    """`station gui` on `display`, focused (no window manager: focus follows the pointer) and showing
    the screen of `screen_key`; stopped afterwards."""
    env = {**os.environ, "DISPLAY": display}
    env.pop("QT_QPA_PLATFORM", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "--home", str(home), "gui"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    window = Window(env, home)
    try:
        deadline = time.monotonic() + 30
        while (
            subprocess.run(
                ["xdotool", "search", "--name", "Parcel Station"], env=env, capture_output=True, check=False
            ).returncode
            != 0
        ):
            assert time.monotonic() < deadline and process.poll() is None, "the window did not appear"
            time.sleep(0.2)
        time.sleep(1.0)
        window.xdotool("mousemove", "600", "600", "click", "1")
        window.xdotool("key", screen_key)
        yield window
    finally:
        process.terminate()
        process.wait(15)


def banner_colour(shot: Path) -> tuple[int, int, int]:
    image = Image.open(shot).convert("RGB")
    return image.getpixel((500, 20))  # type: ignore[return-value]


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    # One parcel on the demo scale, stable after its first second (the scale stories use a pty scale).
    (home / "station.toml").write_text('[devices]\ncamera = "off:"\nscale = "demo:?cycle=0"\n')
    return home


def test_a_wedge_scan_for_another_destination_is_refused_red_on_the_real_window(
    display: str, tmp_path: Path
) -> None:
    home = _home(tmp_path)
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "100.00").returncode == 0
    for item, zip_code in ((SEATTLE, "98101"), (SAN_FRANCISCO, "94105")):
        done = station(
            home,
            "accept",
            "--tracking",
            item,
            "--weight",
            "500g",
            "--from-zip",
            "10001",
            "--to-zip",
            zip_code,
            "--to",
            "Bo|1 Main St",
            "--out",
            str(tmp_path / "l.zpl"),
        )
        assert done.returncode == 0, done.stderr
    assert station(home, "sack", "open", SACK, "--destination", "941").returncode == 0
    with window_on(display, home, "F3") as window:
        window.scan(SACK)
        window.scan(SEATTLE)
        time.sleep(1.5)
        refused = window.shot("refused")
        time.sleep(1.0)  # a reject holds the banner for 2 s
        window.scan(SAN_FRANCISCO)
        time.sleep(1.5)
        accepted = window.shot("accepted")
    assert banner_colour(refused) == RED
    assert banner_colour(accepted) == GREEN
    seattle = station(home, "track", SEATTLE)
    assert "sort-in" not in seattle.stdout and "now in sack" not in seattle.stdout
    san_francisco = station(home, "track", SAN_FRANCISCO)
    assert "now in sack 106141411234567897" in san_francisco.stdout


def test_capital_letters_and_ctrl_gs_from_a_wedge_scanner_reach_the_window_whole(
    display: str, tmp_path: Path
) -> None:
    # xdotool presses Shift around every capital and types GS as Ctrl+], exactly as a USB HID wedge does.
    home = _home(tmp_path)
    assert station(home, "sack", "open", SACK, "--destination", "941").returncode == 0
    with window_on(display, home, "F3") as window:
        for code in (SACK, "RR473124829GB", "EE123456785US"):  # S10s: capitals typed with Shift
            window.scan(code)
        # GS1-128 IMpb routed to Seattle: ]C1, AI 420 and the ZIP, GS as Ctrl+], then the tracking number
        window.scan("]C142098101", "ctrl+bracketright", SEATTLE)
        time.sleep(2.0)
        screen = window.shot("screen")
    for item in ("RR473124829GB", "EE123456785US"):
        assert "now in sack 106141411234567897" in station(home, "track", item).stdout, item
    seattle = station(home, "track", SEATTLE)  # refused as a wrong sack: its routing ZIP arrived whole
    assert seattle.returncode == 1
    assert banner_colour(screen) == RED


def test_a_counter_acceptance_by_keyboard_and_scanner_alone_is_made_once_however_fast_f9_is_pressed(
    display: str, tmp_path: Path
) -> None:
    import sqlite3

    home = _home(tmp_path)
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "100.00").returncode == 0
    with window_on(display, home, "F2") as window:
        window.scan("EE123456785US")  # the scanner: focus goes to the recipient box
        time.sleep(1.5)  # the demo scale settles on the parcel
        for line in ("Bob Lee", "2 Elm St", "San Francisco CA 94105"):  # a person, 120 ms a key
            window.xdotool("type", "--delay", "120", line)
            if line != "San Francisco CA 94105":
                window.xdotool("key", "Return")
        window.xdotool("key", "--delay", "20", "F9", "F9")  # pressed twice, fast, as an impatient clerk does
        time.sleep(3.0)
        screen = window.shot("accepted")
        # The next customer brings a parcel with no label: the counter makes a new S10 for it, once.
        for line in ("Ann Ode", "9 Pike St", "Seattle WA 98101"):
            window.xdotool("type", "--delay", "120", line)
            if line != "Seattle WA 98101":
                window.xdotool("key", "Return")
        window.xdotool("key", "--delay", "20", "F9", "F9")
        time.sleep(3.0)
    with sqlite3.connect(home / "station.sqlite3") as conn:
        pieces = conn.execute("SELECT pieces FROM meter_registers").fetchone()[0]
        labels = conn.execute("SELECT count(*) FROM print_jobs WHERE description LIKE 'label %'").fetchone()[
            0
        ]
        accepted = conn.execute("SELECT extra FROM events WHERE kind='acceptance'").fetchall()
    assert (pieces, labels, len(accepted)) == (2, 2, 2)  # one debit, one label, one acceptance each
    assert '"destination_zip": "94105"' in accepted[0][0]  # the ZIP read from the address typed
    assert '"destination_zip": "98101"' in accepted[1][0]
    assert banner_colour(screen) == GREEN
