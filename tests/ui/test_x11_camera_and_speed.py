"""Scans at queue speed on a real X server: the camera off unless configured, never wiping a form, paused
by F11; 20 wedge scans at 15 a second with the camera running; scans between a person's keystrokes.
0 scans lost, 0 keystrokes swallowed, 0 scans typed into a field."""

from __future__ import annotations

import json
import random
import shlex
import sqlite3
import time
from pathlib import Path

from station.ids import S10
from tests.ui.x11 import funded, needs_x11, pause, scan_steps, set_up_home, station, window_on

pytestmark = needs_x11
SACK = "00106141411234567897"
DEMO_CAMERA_ITEMS = {"RR473124829GB", "EE123456785US", "CP100000003US"}  # hardware.demo_devices


def _sorted_in(home: Path) -> list[str]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        rows = conn.execute("SELECT item_id FROM events WHERE kind = 'sort-in' ORDER BY seq").fetchall()
    return [r[0] for r in rows]


def test_the_camera_is_off_unless_configured_and_the_demo_camera_only_in_demo_mode(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path, '[devices]\nscale = "demo:?cycle=0"\n')  # no camera setting at all
    assert station(home, "sack", "open", SACK).returncode == 0
    with window_on(display, home, "F3") as window:
        window.scan(SACK)
        time.sleep(6.0)  # the demo clip would have shown all its parcels by now
        quiet = window.answers()
    with window_on(display, home, "F3", "--demo") as window:
        window.scan(SACK)
        time.sleep(8.0)
        demo = window.answers()
    assert len(quiet) == 2  # the bench's sack carried on with, and its tag: nothing from a camera
    assert len(demo) > 2 and set(_sorted_in(home)) <= DEMO_CAMERA_ITEMS and _sorted_in(home)


def test_the_running_camera_never_wipes_the_address_being_typed_and_f11_pauses_it(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path, '[devices]\ncamera = "demo:"\nscale = "demo:?cycle=0"\n')
    funded(home)
    with window_on(display, home, "F2") as window:
        deadline = time.monotonic() + 15
        while not window.answers() and time.monotonic() < deadline:
            time.sleep(0.2)  # the camera's first parcel fills the form
        item = window.answers()[0][1].split(":")[0]
        window.lines("Bob Lee", "2 Elm St", "San Francisco CA 94105", delay_ms=150)  # ~6 s of typing
        typing = window.answers()
        window.press("F9")
        time.sleep(2.5)
        window.press("F11")  # pause the camera
        time.sleep(0.5)
        paused_at = len(window.answers())
        time.sleep(5.0)
        paused = window.answers()[paused_at:]
        window.press("F11")
        time.sleep(6.0)
        resumed = window.answers()[paused_at:]
    with sqlite3.connect(home / "station.sqlite3") as conn:
        lines = conn.execute("SELECT lines FROM recipients WHERE item_id = ?", (item,)).fetchone()
    assert json.loads(lines[0]) == ["Bob Lee", "2 Elm St", "San Francisco CA 94105"]  # not wiped
    others = [text for ok, text in typing[1:] if not ok]
    assert others and all("finish (F9) or cancel (Esc)" in t for t in others)  # said, not taken
    assert paused == []  # nothing from the camera while paused
    assert len(resumed) > 0


def test_twenty_wedge_scans_at_fifteen_a_second_with_the_camera_running_are_all_recorded(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path, '[devices]\ncamera = "demo:"\nscale = "demo:?cycle=0"\n')
    assert station(home, "sack", "open", SACK).returncode == 0
    items = [S10.build("CP", 50_000_000 + i, "US").text for i in range(20)]
    with window_on(display, home, "F3") as window:
        window.scan(SACK)
        time.sleep(1.0)
        steps: list[str] = []
        for item in items:  # a scan every 1/15 s, from one shell (each scan itself takes ~60 ms)
            steps += [*scan_steps(item), pause(0.005)]
        start = time.monotonic()
        window.run(steps)
        took = time.monotonic() - start
        time.sleep(3.0)
    recorded = [i for i in _sorted_in(home) if i not in DEMO_CAMERA_ITEMS]
    assert recorded == items  # 0 lost, in order, none typed anywhere
    # How fast xdotool typed depends on how busy the machine is: a figure to read, not a rule to fail on.
    print(f"20 wedge scans in {took:.2f} s ({20 / took:.1f}/s) with the camera running: 20 recorded")


def test_scans_between_a_persons_keystrokes_lose_nothing_and_land_in_no_field(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    funded(home)
    rng = random.Random(13)
    address = ["Bob Lee", "2 Elm St", "San Francisco CA 94105"]
    codes = [S10.build("CP", 40_000_000 + i, "US").text for i in range(20)]
    with window_on(display, home, "F2") as window:
        window.scan(codes[0])  # the item on the counter
        time.sleep(1.0)
        steps: list[str] = []
        scans = iter(codes[1:])
        for n, line in enumerate(address):
            for ch in line:
                steps.append(f"xdotool type {shlex.quote(ch)}")
                steps.append(pause(rng.uniform(0.08, 0.2)))  # a person: 80-200 ms a key
                nxt = next(scans, None) if rng.random() < 0.55 else None
                if nxt is not None:  # the scanner fires in the gap between two keystrokes
                    steps += [*scan_steps(nxt), pause(rng.uniform(0.08, 0.2))]
            if n < len(address) - 1:
                steps += ["xdotool key Return", pause(0.15)]
        steps += [*scan_steps(s), pause(0.15)] if (s := next(scans, None)) else []
        window.run(steps)
        left = list(scans)
        for code in left:
            window.scan(code)
        time.sleep(0.5)
        answers = window.wait_answers(20)
        window.press("F9")
        time.sleep(2.5)
    assert len(answers) == 20, answers  # every scan answered: 0 lost
    assert answers[0] == (True, f"{codes[0]}: address it, then F9")
    assert all(not ok and "finish (F9) or cancel (Esc)" in text for ok, text in answers[1:])
    with sqlite3.connect(home / "station.sqlite3") as conn:
        row = conn.execute("SELECT item_id, lines FROM recipients").fetchall()
    assert row == [(codes[0], json.dumps(address))]  # 0 keystrokes swallowed, 0 scans typed in
