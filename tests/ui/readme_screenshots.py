"""The README's screenshots, made by driving the real window through real flows on Xvfb with xdotool:
a counter acceptance, a depot bench with a reject, the van at a door, a customer-service search, the
key map and the Devices screen. Nothing is staged: the same window, devices and journal as at a counter.

    python -m tests.ui.readme_screenshots assets/screenshots     (./dev screenshots)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from tests.ui.test_x11_carrier import SF_OFFICE
from tests.ui.x11 import (
    GREEN,
    Window,
    accept,
    banner_colour,
    funded,
    set_up_home,
    sign,
    station,
    wait_for_window,
    window_on,
    xvfb,
)

ADDRESSES = (
    ("Bo Lee|2 Elm St|San Francisco CA 94105", "94105"),
    ("Ann Ode|9 Pike St|San Francisco CA 94110", "94110"),
    ("Kim Lee|4 Oak Ave|San Francisco CA 94117", "94117"),
)
NOTE = "the customer says the parcel never came; the neighbours have not seen it"


def _save(window: Window, folder: Path, name: str) -> Path:
    """The screen, cut to what is drawn on it (the window and any dialog over it)."""
    raw = window.settled_shot(f"raw-{name}")
    image = Image.open(raw).convert("RGB")
    pixels = np.asarray(image)
    drawn = np.argwhere(pixels.sum(axis=2) > 0)
    (top, left), (bottom, right) = drawn.min(axis=0), drawn.max(axis=0)
    path = folder / f"{name}.png"
    image.crop((int(left), int(top), int(right) + 1, int(bottom) + 1)).save(path, optimize=True)
    raw.unlink()
    return path


def make(folder: Path) -> list[Path]:
    """Every README screenshot into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp_name, xvfb() as display:
        tmp = Path(tmp_name)
        home = set_up_home(tmp, SF_OFFICE)
        funded(home)
        items = [accept(home, tmp, recipient, zip_code) for recipient, zip_code in ADDRESSES]
        opened = station(home, "case", "open", items[1], "--kind", "not-delivered", "--note", NOTE)
        assert opened.returncode == 0, opened.stderr
        shots.append(_set_up_window(display, tmp, folder))
        with window_on(display, home, "F2") as window:
            window.scan("EE123456785US")
            window.answered()
            window.lines("Maria Garcia", "1600 Market St Apt 4", "San Francisco CA 94103", delay_ms=20)
            window.press("Tab")
            window.type("(415) 555-0123", delay_ms=20)
            shots.append(_save(window, folder, "counter"))
            window.key("F9", "accept_piece")
            window.answered()
            window.shot_until("accepted", lambda shot: banner_colour(shot) == GREEN)
            shots.append(_save(window, folder, "counter-accepted"))
            window.key("F3", "go_depot")  # the depot: a new sack for the west coast, its tag printed
            window.type("9", delay_ms=20)
            window.key("F7", "new_sack")
            window.answered()
            for code in (items[0], items[1], "NOT-A-PARCEL", "EE123456785US"):
                window.scan(code)
            window.answered(4)
            shots.append(_save(window, folder, "depot"))
            window.key("F12", "acknowledge_rejects")  # rejects seen; close the sack
            window.key("F8", "close_sack")
            window.answered()
            window.key("F4", "go_carrier")  # the van: load the round, then the first door
            for code in items:
                window.scan(code)
            window.answered(3)
            window.key("F8", "door_stage")
            window.scan(items[2])
            window.answered()
            sign(window)
            window.type("Kim Lee", delay_ms=20)  # who signed, typed: never assumed
            shots.append(_save(window, folder, "carrier"))
            window.key("F9", "deliver")
            window.answered()
            window.key("F5", "go_track")  # customer service: search by name
            window.key("ctrl+f", "focus_search")
            window.type("Lee", delay_ms=40)
            window.press("Return")
            window.logged_again(r"ui\.modes\.track: track: a search shown \(2 hits\)$")
            shots.append(_save(window, folder, "track-search"))
            window.press("Return")  # the first hit, looked up
            window.logged_again(r"ui\.modes\.track: track: \w+ shown \(\d+ events\)$")
            shots.append(_save(window, folder, "track"))
            window.dialog("F1", "^Keys - ")
            shots.append(_save(window, folder, "keys"))
            window.press("Escape")
            window.wait_no_dialog("^Keys - ")
            window.key("F6", "go_devices")
            shots.append(_save(window, folder, "devices"))
            window.key("ctrl+shift+e", "go_cases")  # customer service's cases: the one opened above
            window.logged_again(r"ui\.modes\.cases: cases: 1 shown")
            shots.append(_save(window, folder, "cases"))
            window.key("ctrl+g", "go_fraud")
            shots.append(_save(window, folder, "fraud"))
            window.key("ctrl+shift+o", "go_operators")  # no operators yet: the first is added here
            shots.append(_save(window, folder, "operators"))
            window.key("ctrl+i", "go_insights")
            window.logged_again(r"ui\.modes\.insights: insights: ")
            shots.append(_save(window, folder, "insights"))
            window.key("F2", "go_counter")  # a parcel to Germany: the rows an address abroad needs
            window.scan("CP123456785US")
            window.answered()
            window.address_abroad(
                ("Erika Mustermann", "Unter den Linden 77"), "de", "Berlin", "", "10117", 20
            )
            shots.append(_save(window, folder, "counter-abroad"))
            window.dialog("F7", "^Customs declaration")
            shots.append(_save(window, folder, "customs"))
            window.press("Escape")
            window.wait_no_dialog("^Customs declaration")
    return shots


def _set_up_window(display: str, tmp: Path, folder: Path) -> Path:
    """The set-up window a fresh station opens with (no settings yet), as a new office first sees it."""
    fresh = tmp / "fresh"
    fresh.mkdir()
    env = {**os.environ, "DISPLAY": display}
    env.pop("QT_QPA_PLATFORM", None)
    with open(fresh / "gui.err", "ab") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.cli.main", "--home", str(fresh), "gui"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        window = Window(env, fresh)
        wait_for_window(window, "Parcel Station - set up", process)
        return _save(window, folder, "setup")
    finally:
        process.terminate()
        process.wait(15)


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "assets/screenshots")
    for path in make(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
