"""Good and bad scan sounds. PySide6-Essentials has no QtMultimedia, so the WAVs in assets/sounds are
played by `aplay` (ALSA) in the background when present, else the desktop's beep."""

from __future__ import annotations

import shutil
import subprocess

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
