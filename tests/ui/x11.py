"""The station window on a real X server: Xvfb, `station gui` as its own process, xdotool typing as a
keyboard-wedge scanner does (Shift for capitals, Ctrl+] for GS) and as a person does, screenshots
read back. What the window did is read from outside: the journal, the print queue, the station log
(every answer shown is logged) and the screen's pixels."""

from __future__ import annotations

import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.cli_runner import pins_on_stdin

NEEDED = ("Xvfb", "xdotool", "import")
needs_x11 = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED), reason="needs Xvfb, xdotool and imagemagick's import"
)
RED, GREEN, GREY = (179, 38, 30), (27, 127, 59), (232, 232, 232)
ANSWER = re.compile(r"ui\.context: answer (ok|refused): (.*)$")


def station(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `station` command on the same home (a PIN given as `--pin 1234` goes on standard input)."""
    words, pins = pins_on_stdin(list(args))
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(home), *words],
        input=pins.decode(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server; its display name."""
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
    """The window on the test's X server, and what a person and a scanner do to it.

    `keys` counts the person's keystrokes (what the issue's keystroke budgets are about); the
    scanner's are not counted, nor are mouse strokes.
    """

    env: dict[str, str]
    home: Path
    keys: int = 0
    log_start: int = field(default=0)

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=60)

    def type(self, text: str, delay_ms: int = 120) -> None:
        """A person typing."""
        self.keys += len(text)
        self.xdotool("type", "--delay", str(delay_ms), text)

    def press(self, *keys: str, delay_ms: int = 60) -> None:
        """A person pressing keys (F9, Tab, ctrl+z...)."""
        self.keys += len(keys)
        self.xdotool("key", "--delay", str(delay_ms), *keys)

    def lines(self, *lines: str, delay_ms: int = 120) -> None:
        """A person typing lines into a multi-line box, Enter between them."""
        for i, line in enumerate(lines):
            self.type(line, delay_ms)
            if i < len(lines) - 1:
                self.press("Return")

    def scan(self, *parts: str) -> None:
        """A wedge scanner: the parts (text, or a key such as ctrl+bracketright), then Enter."""
        self.run(scan_steps(*parts))

    def run(self, steps: list[str]) -> None:
        """xdotool commands run one after another from one shell, so no process start-up from Python
        (30-40 ms) opens a gap no scanner has. (xdotool's own chaining cannot be used: `type` and `key`
        take every word after them as text or keys.)"""
        subprocess.run(["sh", "-c", "; ".join(steps)], env=self.env, check=True, timeout=120)

    def drag(self, points: list[tuple[int, int]]) -> None:
        """A mouse stroke (a signature)."""
        x, y = points[0]
        steps = ["mousemove", str(x), str(y), "mousedown", "1"]
        for x, y in points[1:]:
            steps += ["mousemove", str(x), str(y), "sleep", "0.01"]
        self.xdotool(*steps, "mouseup", "1")

    def shot(self, name: str) -> Path:
        path = self.home / f"{name}.png"
        subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=True, timeout=30)
        return path

    def answers(self) -> list[tuple[bool, str]]:
        """Every answer the window showed since it started (from the station log)."""
        log = self.home / "logs" / "station.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        found = [ANSWER.search(line) for line in text.splitlines()[self.log_start :]]
        return [(m.group(1) == "ok", m.group(2)) for m in found if m]

    def wait_answers(self, count: int, timeout: float = 10.0) -> list[tuple[bool, str]]:
        """Wait until `count` answers were shown."""
        deadline = time.monotonic() + timeout
        while len(self.answers()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.answers()


def scan_steps(*parts: str) -> list[str]:
    """Shell commands typing one scan as a wedge does (about 4 ms a key, Enter at the end)."""
    steps = [
        f"xdotool key {shlex.quote(p)}"
        if p.startswith("ctrl+")
        else f"xdotool type --delay 4 {shlex.quote(p)}"
        for p in parts
    ]
    return [*steps, "xdotool key Return"]


def pause(seconds: float) -> str:
    """A shell step that waits."""
    return f"sleep {seconds}"


def _log_lines(home: Path) -> int:
    log = home / "logs" / "station.log"
    return len(log.read_text(encoding="utf-8", errors="replace").splitlines()) if log.exists() else 0


@contextmanager
def window_on(
    display: str, home: Path, screen_key: str | None, *args: str, env: dict[str, str] | None = None
) -> Iterator[Window]:
    """`station gui` on `display`, focused (no window manager: focus follows the pointer) and showing
    the screen of `screen_key`; stopped afterwards."""
    full_env = {**os.environ, "DISPLAY": display, **(env or {})}
    full_env.pop("QT_QPA_PLATFORM", None)
    start = _log_lines(home)
    with open(home / "gui.err", "ab") as errors:  # what the window printed, for a failing story
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.cli.main", "--home", str(home), "gui", *args],
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    window = Window(full_env, home, log_start=start)
    try:
        wait_for_window(window, "Parcel Station", process)
        window.xdotool("mousemove", "400", "40", "click", "1")  # the banner: a click that does nothing
        if screen_key:
            window.xdotool("key", screen_key)
            time.sleep(0.5)
        yield window
    finally:
        process.terminate()
        process.wait(15)


def wait_for_window(
    window: Window, title: str, process: subprocess.Popen[bytes], timeout: float = 30
) -> None:
    """Until a window named `title` is mapped (plus a second for it to settle)."""
    deadline = time.monotonic() + timeout
    while (
        subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", title],
            env=window.env,
            capture_output=True,
            check=False,
        ).returncode
        != 0
    ):
        assert time.monotonic() < deadline and process.poll() is None, f"no window {title!r} appeared"
        time.sleep(0.2)
    time.sleep(1.0)


def pixel(shot: Path, x: int, y: int) -> tuple[int, int, int]:
    """The colour at (x, y) of a screenshot."""
    image = Image.open(shot).convert("RGB")
    return image.getpixel((x, y))  # type: ignore[return-value]


def count_colour(shot: Path, colour: tuple[int, int, int], box: tuple[int, int, int, int]) -> int:
    """How many pixels of `box` (left, top, right, bottom) are `colour` (give or take 12 per channel)."""
    pixels = np.asarray(Image.open(shot).convert("RGB").crop(box), dtype=np.int16)
    close = np.abs(pixels - np.array(colour, dtype=np.int16)) <= 12
    return int(close.all(axis=2).sum())


def banner_colour(shot: Path) -> tuple[int, int, int]:
    """The banner's colour: red, green or grey, whichever fills most of the banner's place."""
    box = (110, 12, 840, 82)
    return max((RED, GREEN, GREY), key=lambda colour: count_colour(shot, colour, box))


def tray_red(shot: Path) -> int:
    """Red text pixels in the reject tray (under the banner)."""
    return count_colour(shot, RED, (105, 110, 845, 165))


def set_up_home(tmp: Path, settings: str = "") -> Path:
    """A station home with its settings file (so no first-run window), no camera, a settled scale."""
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    (home / "station.toml").write_text(settings or '[devices]\ncamera = "off:"\nscale = "demo:?cycle=0"\n')
    return home


@contextmanager
def at_the_counter(display: str, tmp: Path, settings: str = "") -> Iterator[Window]:
    """A funded station's counter with the parcel EE123456785US just scanned (the cursor is in the
    recipient box) and the demo scale settled on it."""
    home = set_up_home(tmp, settings)
    funded(home)
    with window_on(display, home, "F2") as window:
        window.scan("EE123456785US")
        time.sleep(1.5)
        yield window


def funded(home: Path) -> None:
    """The meter's key made and $100 credited."""
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "100.00").returncode == 0


def quoted(*words: str) -> str:
    return " ".join(shlex.quote(w) for w in words)


def accept(home: Path, out: Path, recipient: str, to_zip: str, tracking: str | None = None) -> str:
    """An acceptance made with the `station accept` command (as another counter would): its tracking id."""
    which = ["--tracking", tracking] if tracking else ["--new-s10"]
    done = station(
        home,
        "accept",
        *which,
        *("--weight", "500g", "--from-zip", "10001", "--to-zip", to_zip, "--to", recipient),
        *("--out", str(out / "label.zpl")),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[1]


def sign(window: Window) -> None:
    """A signature on the carrier screen's pad: two mouse strokes."""
    window.drag([(500 + t * 6, 340 - int(25 * math.sin(t / 3))) for t in range(50)])
    window.drag([(560 + t * 4, 370 - t) for t in range(30)])
