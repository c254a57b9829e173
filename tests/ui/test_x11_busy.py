"""Scans on a busy computer (issue 31, item 1): a process spinning on every core beside the window, and
the scanner's stand-in (xdotool) at everyone's priority, so the keys of a scan reach the window as far
apart as a loaded station hands them over. Every scan is answered and recorded; none is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from station.ids import s10_check_digit
from tests.ui.x11 import (
    PATIENCE_S,
    cpu_hog,
    needs_x11,
    pause,
    scan_steps,
    set_up_home,
    station,
    window_on,
)

pytestmark = needs_x11
SACK = "00106141411234567897"
SCANS, PER_SECOND = 200, 10


def _s10(serial: int) -> str:
    digits = f"{serial:08d}"
    return f"EE{digits}{s10_check_digit(digits)}US"


def _sorted_in(home: Path) -> list[str]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        rows = conn.execute("SELECT item_id FROM events WHERE kind = 'sort-in' ORDER BY seq").fetchall()
    return [item for (item,) in rows]


def test_two_hundred_scans_at_ten_a_second_on_a_busy_computer_are_each_answered_and_recorded(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    assert station(home, "sack", "open", SACK).returncode == 0
    items = [_s10(10_000_000 + n) for n in range(SCANS)]
    with window_on(display, home, "F3") as window:
        window.wait_answers(1)  # the sack carried on with at start
        steps: list[str] = []
        for item in items:
            steps += [*scan_steps(item), pause(1 / PER_SECOND)]
        with cpu_hog():
            window.run(steps, busy=True)
            answers = window.wait_answers(1 + SCANS, timeout=3 * PATIENCE_S)
    assert [ok for ok, _ in answers[1:]] == [True] * SCANS, [a for a in answers if not a[0]][:5]
    assert _sorted_in(home) == items  # every scan, in the order scanned, none twice
    assert not [line for line in window.log_lines() if "outside a field" in line]
