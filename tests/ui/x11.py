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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.cli_runner import pins_on_stdin
from ui.context import Feedback

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


# A real scanner is a separate device: its 4 ms between keys does not stretch when the computer is busy.
# Its stand-in here (xdotool) and the X server that stamps each key's time are processes on a computer
# that may be running other tests at once, so both run ahead of them (root may raise a priority; when
# not allowed, `nice` says so on stderr and runs the command anyway).
HARDWARE_PRIORITY = ("nice", "-n", "-15")

# How long a wait may take before the story fails. It bounds only a failure: a passing story waits
# for what it looks for, never for this, so it can be long enough for a computer busy with other work.
PATIENCE_S = 30.0


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server; its display name."""
    read, write = os.pipe()
    server = subprocess.Popen(
        [
            *HARDWARE_PRIORITY,
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            # Without it the server resets when its last client leaves (the readiness probe below), and
            # a window connecting during that reset aborts: "could not connect to display".
            "-noreset",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    try:
        display = f":{number}"
        _until_it_answers(display, server)
        yield display
    finally:
        server.terminate()
        server.wait(10)


def _until_it_answers(display: str, server: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Until a client can talk to the new server: a window started before then aborts ("could not
    connect to display"), which once failed a story at random on a busy computer."""
    env = {**os.environ, "DISPLAY": display}
    deadline = time.monotonic() + timeout
    while True:
        asked = subprocess.run(["xdotool", "getdisplaygeometry"], env=env, capture_output=True, check=False)
        if asked.returncode == 0:
            return
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the X server for {display!r} does not answer (exit {server.poll()})")
        time.sleep(0.05)


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
    seen: int = 0  # answers waited for so far (`answered`)
    log_cursor: int = 0  # log lines (since the start) already waited past (`logged_again`)

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=60)

    def keyboard(self, layouts: str) -> None:
        """The keyboard's layouts, as a clerk's desktop sets them (`us,ru`: Latin and Cyrillic). xdotool
        types a character the layout lacks by remapping a spare key for an instant; a window busy
        enough to read that key after the next remapping sees the next character instead. With the
        layout holding every character, no key is ever remapped."""
        subprocess.run(["setxkbmap", "-layout", layouts], env=self.env, check=True, timeout=60)

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

    def address_abroad(
        self, lines: tuple[str, ...], country: str, city: str, region: str, postcode: str, delay_ms: int = 120
    ) -> None:
        """At the counter, from the recipient box: the name and street lines, then past the mobile the
        country and the rows it brings (city, region, no district, postcode)."""
        self.lines(*lines, delay_ms=delay_ms)
        self.press("Tab", "Tab")  # past the mobile, into the country
        self.type(country, delay_ms)
        for value in (city, region, "", postcode):  # an empty value: the row left empty
            self.press("Tab")
            if value:
                self.type(value, delay_ms)

    def customs_row(self, *cells: str) -> None:
        """In the customs form just opened: past category, currency and invoice, the first row's cells."""
        self.press("Tab", "Tab", "Tab")
        for cell in cells:
            self.type(cell)
            self.press("Tab")

    def scan(self, *parts: str) -> None:
        """A wedge scanner: the parts (text, or a key such as ctrl+bracketright), then Enter."""
        self.run(scan_steps(*parts))

    def run(self, steps: list[str], *, busy: bool = False) -> None:
        """xdotool commands run one after another from one shell, so no process start-up from Python
        (30-40 ms) opens a gap no scanner has. (xdotool's own chaining cannot be used: `type` and `key`
        take every word after them as text or keys.) They run at the hardware's priority: a scanner
        keeps its pace however busy the computer is. `busy`: at everyone's priority instead, so a busy
        computer stretches the gaps between keys as it does on a loaded station."""
        priority = () if busy else HARDWARE_PRIORITY
        subprocess.run([*priority, "sh", "-c", "; ".join(steps)], env=self.env, check=True, timeout=180)

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

    def wait_answers(self, count: int, timeout: float = PATIENCE_S) -> list[tuple[bool, str]]:
        """Wait until `count` answers were shown (all of them, since the window started)."""
        until(
            lambda: len(self.answers()) >= count,
            f"{count} answers",
            timeout,
            lambda: f"{len(self.answers())} answers, the last {self.answers()[-3:]}",
        )
        self.seen = max(self.seen, count)
        return self.answers()

    def answered(self, more: int = 1, timeout: float = PATIENCE_S) -> list[tuple[bool, str]]:
        """Wait for the next `more` answers (counted from the last wait); every answer so far."""
        return self.wait_answers(self.seen + more, timeout)

    def log_lines(self) -> list[str]:
        """The station log since the window started."""
        log = self.home / "logs" / "station.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return text.splitlines()[self.log_start :]

    def logged_again(self, pattern: str, timeout: float = PATIENCE_S) -> str:
        """Wait for the next log line matching `pattern` after the last one waited for; that line.
        The window logs each hotkey it handled (`key F9: accept_piece`), each screen it showed and
        when it is ready for keys."""
        wanted = re.compile(pattern)
        found: list[tuple[int, str]] = []

        def look() -> bool:
            lines = self.log_lines()
            found[:] = [
                (i, line) for i, line in enumerate(lines) if i >= self.log_cursor and wanted.search(line)
            ][:1]
            return bool(found)

        until(look, f"a log line {pattern!r}", timeout, lambda: self.log_lines()[-5:])
        self.log_cursor = found[0][0] + 1
        return found[0][1]

    def key(self, key: str, action: str, timeout: float = PATIENCE_S) -> None:
        """A person pressing a hotkey, and the wait until the window has done what it does: xdotool's
        key name (F9, ctrl+w) and the key map's action (`accept_piece`)."""
        self.press(key)
        self.logged_again(rf"ui\.main_window: key [^:]+: {re.escape(action)}$", timeout)

    def taken(self, by: str = "", timeout: float = PATIENCE_S) -> None:
        """Until the window has routed the next scan (to the sign-in, a dialog or a screen)."""
        self.logged_again(rf"ui\.main_window: scan taken by {re.escape(by)}", timeout)

    def wait_dialog(self, title: str, timeout: float = PATIENCE_S) -> None:
        """Until a window named `title` (a regular expression) is mapped and has the keyboard focus, so
        what is typed next goes into it."""
        until(lambda: _focused(self.env, title), f"the {title!r} window with the keyboard focus", timeout)

    def wait_no_dialog(self, title: str, timeout: float = PATIENCE_S) -> None:
        """Until no window named `title` is mapped."""
        until(lambda: not _mapped(self.env, title), f"the {title!r} window closed", timeout)

    def dialog(self, key: str, title: str, timeout: float = PATIENCE_S) -> None:
        """A hotkey that opens a dialog, and the wait until it has the keyboard focus."""
        self.press(key)
        self.wait_dialog(title, timeout)

    def hold_over(self) -> None:
        """Until the last reject's hold on the banner (`Feedback.HOLD_BAD_S`, from the time the log gives
        it) is over: a good answer after it paints the banner green again."""
        refusals = [line for line in self.log_lines() if " ui.context: answer refused: " in line]
        assert refusals, "no reject to wait out"
        at = datetime.strptime(refusals[-1][:23], "%Y-%m-%d %H:%M:%S,%f")
        left = (at - datetime.now()).total_seconds() + Feedback.HOLD_BAD_S + 0.05
        if left > 0:
            time.sleep(left)

    def settled_shot(self, name: str, timeout: float = PATIENCE_S) -> Path:
        """A screenshot once the window has stopped drawing: two in a row the same (what was typed is
        drawn, the answer painted)."""
        last: list[np.ndarray] = []
        taken: list[Path] = []

        def same_twice() -> bool:
            taken[:] = [self.shot(name)]
            pixels = np.asarray(Image.open(taken[0]).convert("RGB"))
            settled = bool(last) and np.array_equal(last[0], pixels)
            last[:] = [pixels]
            return settled

        until(same_twice, f"the screen {name!r} to settle", timeout)
        return taken[0]

    def shot_until(self, name: str, ok: Callable[[Path], bool], timeout: float = PATIENCE_S) -> Path:
        """Screenshots until one shows what `ok` looks for; that one."""
        taken: list[Path] = []

        def look() -> bool:
            taken[:] = [self.shot(name)]
            return ok(taken[0])

        until(look, f"a screen {name!r} as expected", timeout, lambda: self.answers()[-3:])
        return taken[0]


def until(
    condition: Callable[[], bool],
    what: str,
    timeout: float = PATIENCE_S,
    seen: Callable[[], object] | None = None,
) -> None:
    """Poll `condition` until it holds; a clear failure naming `what` when it does not in time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}" + (f"; saw {seen()!r}" if seen else ""))
        time.sleep(0.05)


def _focused(env: dict[str, str], title: str) -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    focus = subprocess.run(
        ["xdotool", "getwindowfocus"], env=env, capture_output=True, text=True, check=False
    )
    return focus.stdout.strip() in found.stdout.split()


def _mapped(env: dict[str, str], title: str) -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title], env=env, capture_output=True, check=False
    )
    return found.returncode == 0


# xdotool's names of the keys that type what a scan may hold besides letters and digits.
KEYSYMS = {
    " ": "space",
    "-": "minus",
    ".": "period",
    "/": "slash",
    "(": "parenleft",
    ")": "parenright",
    "+": "plus",
    ":": "colon",
    "~": "asciitilde",
    "%": "percent",
    "$": "dollar",
    "*": "asterisk",
    "_": "underscore",
    "=": "equal",
    ",": "comma",
    "#": "numbersign",
    "&": "ampersand",
    "!": "exclam",
    "?": "question",
    "'": "apostrophe",
    '"': "quotedbl",
    ";": "semicolon",
    "<": "less",
    ">": "greater",
    "@": "at",
    "[": "bracketleft",
    "]": "bracketright",
}


def scan_steps(*parts: str) -> list[str]:
    """The shell command typing one scan as a wedge does: every key about 4 ms after the one before
    (Shift around capitals, as a scanner presses it), Enter at the end. One xdotool process types the
    whole scan, so no process start-up opens a gap inside it that a scanner never has. A part starting
    `ctrl+` is a key chord (ctrl+bracketright: the GS of a GS1 code)."""
    keys: list[str] = []
    for part in parts:
        if part.startswith("ctrl+"):
            keys.append(part)
            continue
        for ch in part:
            if not (ch.isascii() and (ch.isalnum() or ch in KEYSYMS)):
                raise ValueError(f"a wedge scan of {ch!r} is not typed here")
            keys.append(ch if ch.isalnum() else KEYSYMS[ch])
    return [f"xdotool key --delay 4 {' '.join(shlex.quote(k) for k in [*keys, 'Return'])}"]


@contextmanager
def cpu_hog() -> Iterator[None]:
    """A busy computer: a process spinning on every core beside the window, for the block."""
    spinners = [
        subprocess.Popen(["sh", "-c", "while :; do :; done"], start_new_session=True)
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait(10)


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
        window.logged_again(r"ui\.app: window ready: ", 3 * PATIENCE_S)
        window.xdotool("mousemove", "400", "40", "click", "1")  # the banner: a click that does nothing
        if screen_key:
            window.xdotool("key", screen_key)
            window.logged_again(r"ui\.main_window: key [^:]+: go_")
        yield window
    finally:
        process.terminate()
        process.wait(15)


def wait_for_window(
    window: Window, title: str, process: subprocess.Popen[bytes], timeout: float = 3 * PATIENCE_S
) -> None:
    """Until a window named `title` is mapped (a process that ended first is a failure at once)."""
    deadline = time.monotonic() + timeout
    while not _mapped(window.env, title):
        if process.poll() is not None or time.monotonic() > deadline:
            errors = window.home / "gui.err"
            said = errors.read_text("utf-8", "replace")[-600:] if errors.exists() else ""
            raise AssertionError(
                f"no window {title!r} appeared (exit {process.poll()}, display {window.env.get('DISPLAY')}):"
                f" {said}"
            )
        time.sleep(0.1)


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
        window.answered()
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
    window.drag([(560 + t * 6, 370 - int(25 * math.sin(t / 3))) for t in range(50)])
    window.drag([(620 + t * 4, 410 - t) for t in range(30)])
