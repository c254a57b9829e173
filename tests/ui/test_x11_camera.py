"""Scans at queue pace on a real X server: the camera off unless configured, never wiping a form, paused
by F11; 20 wedge scans at 15 a second with the camera running; scans between a person's keystrokes.
0 scans lost, 0 keystrokes swallowed, 0 scans typed into a field."""

from __future__ import annotations

import json
import random
import shlex
import sqlite3
from pathlib import Path

from station.ids import S10
from tests.ui.x11 import funded, needs_x11, pause, scan_steps, set_up_home, station, until, window_on

pytestmark = needs_x11
SACK = "00106141411234567897"
DEMO_CAMERA_ITEMS = {"RR473124829GB", "EE123456785US", "CP100000003US"}  # hardware.demo_devices
WEDGE_PARCEL = "CP700000013US"  # not one of the demo clip's


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
        # The window's own word, logged before it was ready, that no camera runs.
        assert any(line.endswith("ui.app: camera: off") for line in window.log_lines())
        window.scan(SACK)
        window.scan(WEDGE_PARCEL)
        quiet = window.wait_answers(3)
    with window_on(display, home, "F3", "--demo") as window:
        assert any("ui.app: camera: started (video)" in line for line in window.log_lines())  # the demo clip
        window.scan(SACK)
        demo = window.wait_answers(3)  # the sack's tag, and the clip's parcels
    # the sack carried on with, its tag and the wedge's parcel: nothing from a camera
    assert WEDGE_PARCEL in quiet[2][1], quiet
    assert len(demo) > 2 and set(_sorted_in(home)) <= DEMO_CAMERA_ITEMS | {WEDGE_PARCEL}
    assert set(_sorted_in(home)) & DEMO_CAMERA_ITEMS


def test_the_running_camera_never_wipes_the_address_being_typed_and_f11_pauses_it(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path, '[devices]\ncamera = "demo:"\nscale = "demo:?cycle=0"\n')
    funded(home)
    with window_on(display, home, "F2") as window:
        window.answered()  # the camera's first parcel fills the form
        item = window.answers()[0][1].split(":")[0]
        window.lines("Bob Lee", "2 Elm St", "San Francisco CA 94105", delay_ms=150)  # ~6 s of typing
        typing = window.answers()
        window.key("F9", "accept_piece")
        window.logged_again(rf"ui\.context: answer ok: {item} accepted")
        window.key("F11", "toggle_camera")  # pause the camera
        paused_at = len(window.answers())
        # The marker: the camera read a parcel while paused, and the window said it ignored it.
        window.logged_again(r"ui\.main_window: camera scan ignored: the camera is paused$")
        paused = window.answers()[paused_at:]
        window.key("F11", "toggle_camera")
        resumed = window.wait_answers(paused_at + 1)[paused_at:]
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
        window.taken("the depot")
        steps: list[str] = []
        for item in items:  # a scan every 1/15 s, from one shell (each scan itself takes ~60 ms)
            steps += [*scan_steps(item), pause(0.005)]
        window.run(steps)
        until(
            lambda: len([i for i in _sorted_in(home) if i not in DEMO_CAMERA_ITEMS]) >= len(items),
            "the 20 wedge scans sorted in",
            seen=lambda: (_sorted_in(home), window.answers()[-4:]),
        )
    recorded = [i for i in _sorted_in(home) if i not in DEMO_CAMERA_ITEMS]
    assert recorded == items  # 0 lost, in order, none typed anywhere


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
        window.answered()
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
        answers = window.wait_answers(20)
        window.key("F9", "accept_piece")
        window.wait_answers(21)
    assert len(answers) == 20, answers  # every scan answered: 0 lost
    assert answers[0] == (True, f"{codes[0]}: address it, then F9")
    assert all(not ok and "finish (F9) or cancel (Esc)" in text for ok, text in answers[1:])
    with sqlite3.connect(home / "station.sqlite3") as conn:
        row = conn.execute("SELECT item_id, lines FROM recipients").fetchall()
    assert row == [(codes[0], json.dumps(address))]  # 0 keystrokes swallowed, 0 scans typed in
