"""Good and bad scan sounds, unlike each other so the ear tells them apart without looking: a short high
chirp and a long low buzz (assets/sounds). PySide6-Essentials has no QtMultimedia, so the WAVs are played
by `aplay` (ALSA, installed by `./dev run`) in the background; without it the desktop beeps once for good
and three times for bad."""

from __future__ import annotations

import shutil
import subprocess

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from station.resources import asset

SOUNDS = asset("sounds")


class Sounds:
    """Fire-and-forget feedback sounds; never blocks the UI."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.player = shutil.which("aplay")
        self.played: list[str] = []  # what was played (the tests and the screenshots read it)

    def play(self, name: str) -> None:
        """Play 'good' or 'bad'."""
        self.played.append(name)
        if not self.enabled:
            return
        if self.player and (SOUNDS / f"{name}.wav").exists():
            subprocess.Popen(
                [self.player, "-q", str(SOUNDS / f"{name}.wav")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            QApplication.beep()
            if name == "bad":
                for delay in (150, 300):
                    QTimer.singleShot(delay, QApplication.beep)
