"""The big green / red banner every scan lands on, whatever screen is open.

Its height is fixed (two lines at most, elided): a long message never pushes the controls below it
down under a gloved finger.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy

GOOD = "background:#1b7f3b;color:white;font-size:22px;font-weight:bold;padding:6px;border-radius:6px"
BAD = "background:#b3261e;color:white;font-size:22px;font-weight:bold;padding:6px;border-radius:6px"
IDLE = "background:#e8e8e8;color:#333;font-size:18px;padding:6px;border-radius:6px"
HEIGHT = 76
MAX_CHARS = 140


class ScanBanner(QLabel):
    """Shows the last scan's outcome in words a gloved clerk reads at arm's length."""

    def __init__(self) -> None:
        super().__init__("Ready to scan")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(IDLE)
        self.good: bool | None = None
        self.full_text = "Ready to scan"

    def show_good(self, text: str) -> None:
        """A green banner."""
        self.good = True
        self.setStyleSheet(GOOD)
        self._set("✔ " + text)

    def show_bad(self, text: str) -> None:
        """A red banner with the reason."""
        self.good = False
        self.setStyleSheet(BAD)
        self._set("✖ " + text)

    def show_idle(self, text: str) -> None:
        """Grey: what this screen is waiting for (a banner never stays from another screen)."""
        self.good = None
        self.setStyleSheet(IDLE)
        self._set(text)

    def _set(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text if len(text) > MAX_CHARS else "")
        shown = text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"
        metrics = QFontMetrics(self.font())
        if metrics.horizontalAdvance(shown) > 2 * max(200, self.width() - 20):
            shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, 2 * max(200, self.width() - 20))
        self.setText(shown)
