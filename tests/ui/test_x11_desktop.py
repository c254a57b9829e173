"""The station as a clerk starts it from the menu, on a real X server: the menu entry written by
`station install-desktop` (checked by desktop-file-validate) starts the window, and a second start, with
the window hidden under another program's, brings it forward and opens no second journal writer."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui.x11 import count_colour, needs_x11, set_up_home, window_on

pytestmark = needs_x11
MAGENTA = (255, 0, 255)
SCREEN = (0, 0, 1280, 800)
COVER = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
w = QWidget()
w.setWindowTitle("another program")
w.setStyleSheet("background: #ff00ff")
w.setGeometry(0, 0, 1280, 800)
w.show()
w.raise_()
app.exec()
"""


def _shot(env: dict[str, str], path: Path) -> Path:
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=30)
    return path


def _magenta_share(env: dict[str, str], path: Path) -> float:
    return count_colour(_shot(env, path), MAGENTA, SCREEN) / (1280 * 800)


def _wait(condition: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_a_second_start_brings_the_open_window_forward_and_opens_no_second_station(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    with window_on(display, home, None) as window:
        env = window.env
        cover = subprocess.Popen([sys.executable, "-c", COVER], env=env)
        try:
            assert _wait(lambda: _magenta_share(env, tmp_path / "covered.png") > 0.9)  # the window is hidden
            second = subprocess.run(
                [sys.executable, "-m", "ui.cli.main", "--home", str(home), "gui"],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            assert second.returncode == 0, second.stderr
            assert "already open" in second.stdout and "brought forward" in second.stdout
            # The station window is on top again: the other program's colour is left only around it.
            assert _wait(lambda: _magenta_share(env, tmp_path / "forward.png") < 0.5)
            log = (home / "logs" / "station.log").read_text(encoding="utf-8")
            assert "window brought forward" in log
            running = subprocess.run(
                ["pgrep", "-f", "--", f"--home {home} gui"], capture_output=True, text=True, check=False
            ).stdout.split()
            assert len(running) == 1  # one window, one journal writer
        finally:
            cover.terminate()
            cover.wait(10)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="needs desktop-file-utils")
def test_the_menu_entry_is_valid_and_starts_the_station_window(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    data_home = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "DISPLAY": display}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(home), "install-desktop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    entry = data_home / "applications" / "parcel-station.desktop"
    assert (data_home / "icons" / "hicolor" / "scalable" / "apps" / "parcel-station.svg").exists()
    valid = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    fields = dict(
        line.split("=", 1) for line in entry.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    assert fields["Icon"] == "parcel-station" and fields["Terminal"] == "false"
    command = shlex.split(fields["Exec"])
    assert command[-1] == "gui" and command[command.index("--home") + 1] == str(home.resolve())
    assert Path(command[0]).exists()
    started = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        found = _wait(
            lambda: (
                subprocess.run(
                    ["xdotool", "search", "--onlyvisible", "--name", "Parcel Station"],
                    env=env,
                    check=False,
                    capture_output=True,
                ).returncode
                == 0
            ),
            timeout=90,
        )
        assert found, "the menu entry's command opened no window"
    finally:
        started.terminate()
        started.wait(15)


def test_two_starts_at_once_open_one_window(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    env = {**os.environ, "DISPLAY": display}
    env.pop("QT_QPA_PLATFORM", None)
    command = [sys.executable, "-m", "ui.cli.main", "--home", str(home), "gui"]
    both = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        assert _wait(lambda: any(p.poll() is not None for p in both), timeout=90)  # the double click's second
        finished = next(p for p in both if p.poll() is not None)
        out, err = finished.communicate(timeout=10)
        assert finished.returncode == 0, err
        assert "brought forward" in out
        running = [p for p in both if p.poll() is None]
        assert len(running) == 1  # one window, one journal writer
        windows = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "Parcel Station"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert len(windows) == 1
    finally:
        for p in both:
            if p.poll() is None:
                p.terminate()
                p.wait(15)
