"""The README's screenshots come from real flows through the real window (tests/ui/readme_screenshots.py):
this runs the same script and checks what each picture must show."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.ui.readme_screenshots import make
from tests.ui.x11 import GREEN, GREY, RED, banner_colour, needs_x11, tray_red

pytestmark = needs_x11


def test_the_readme_screenshots_are_made_by_driving_the_window(tmp_path: Path) -> None:
    shots = {p.stem: p for p in make(tmp_path / "shots")}
    assert set(shots) == {
        "counter",
        "counter-accepted",
        "depot",
        "carrier",
        "track-search",
        "track",
        "keys",
        "devices",
        "cases",
        "fraud",
        "operators",
        "insights",
        "counter-abroad",
        "customs",
        "setup",
    }
    windows = [p for name, p in shots.items() if name not in ("keys", "customs", "setup")]  # no dialogs
    sizes = {Image.open(p).size for p in windows}
    assert sizes == {(1240, 720)}, sizes  # every screen the same size, inside 1280x800 less a panel
    assert banner_colour(shots["counter-accepted"]) == GREEN
    assert banner_colour(shots["depot"]) == RED and tray_red(shots["depot"]) > 50
    assert banner_colour(shots["carrier"]) == GREEN
    assert banner_colour(shots["devices"]) == GREY
