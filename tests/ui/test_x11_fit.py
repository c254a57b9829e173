"""Issue 31, item 14: the window fits a 1280x800 screen less a panel, on every screen and after every
step, with the banner, the status bar, Accept and the basket in view. Read from the X server (xdotool's
geometry of the window) and from the window's own check of what is in view (its log). Before: the window
started 1100x863, typing a country made it 1280x1010 for good, and Accept, the basket and the status bar
were off the screen."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.ui.x11 import Window, at_the_counter, needs_x11

pytestmark = needs_x11
SCREEN = (1280, 800)
PANEL_PX = 32  # a desktop's panel: the window leaves room for one
SCREENS = (
    ("F3", "go_depot"),
    ("F4", "go_carrier"),
    ("F5", "go_track"),
    ("F6", "go_devices"),
    ("ctrl+shift+e", "go_cases"),
    ("ctrl+g", "go_fraud"),
    ("ctrl+i", "go_insights"),
    ("F2", "go_counter"),
)


def _geometry(window: Window) -> tuple[int, int, int, int]:
    """(x, y, width, height) of the station's window, from the X server."""
    said = subprocess.run(
        ["xdotool", "search", "--name", "^Parcel Station", "getwindowgeometry", "--shell"],
        env=window.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    values = dict(re.findall(r"^(\w+)=(\d+)$", said, re.M))
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def _fits(window: Window, step: str, seen: list[str]) -> None:
    """The window inside the screen less a panel, and the window's own check: everything in view."""
    x, y, width, height = _geometry(window)
    assert x >= 0 and y >= 0 and x + width <= SCREEN[0] and y + height <= SCREEN[1] - PANEL_PX, (
        step,
        width,
        height,
    )
    said = window.logged_again(r"ui\.main_window: layout: ")
    seen.append(f"{step}: {width}x{height}; {said.split('layout: ')[1]}")
    assert said.endswith(": all in view"), seen


def test_every_screen_fits_1280x800_after_every_step(display: str, tmp_path: Path) -> None:
    seen: list[str] = []
    with at_the_counter(
        display, tmp_path
    ) as window:  # EE123456785US scanned: the cursor in the recipient box
        window.press("F2")  # the counter again: its layout checked
        _fits(window, "start", seen)
        # Five lines, and a country: five more rows (city, region, district, postcode, customs); the
        # postcode, the last of them, is scrolled into view.
        lines = (
            "Erika Mustermann",
            "c/o Hotel Adlon",
            "Unter den Linden 77",
            "Haus B, 3. Etage",
            "Zimmer 12",
        )
        window.address_abroad(lines, "de", "Berlin", "", "10117")
        window.press("F2")
        _fits(window, "an address abroad", seen)
        for key, action in SCREENS:
            window.key(key, action)
            _fits(window, action, seen)
    # Every step the same size: nothing grows the window, nothing has to shrink it back.
    assert len({line.split(";")[0].split(": ")[1] for line in seen}) == 1, seen
