"""The big green / red banner every scan lands on, whatever screen is open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

GOOD = "background:#1b7f3b;color:white;font-size:22px;font-weight:bold;padding:10px;border-radius:6px"
BAD = "background:#b3261e;color:white;font-size:22px;font-weight:bold;padding:10px;border-radius:6px"
IDLE = "background:#e8e8e8;color:#333;font-size:18px;padding:10px;border-radius:6px"


class ScanBanner(QLabel):
    """Shows the last scan's outcome in words a gloved clerk reads at arm's length."""

    def __init__(self) -> None:
        super().__init__("Ready to scan")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumHeight(60)
        self.setStyleSheet(IDLE)
        self.good: bool | None = None

    def show_good(self, text: str) -> None:
        """A green banner."""
        self.good = True
        self.setStyleSheet(GOOD)
        self.setText("✔ " + text)

    def show_bad(self, text: str) -> None:
        """A red banner with the reason."""
        self.good = False
        self.setStyleSheet(BAD)
        self.setText("✖ " + text)
