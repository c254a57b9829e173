"""The reject tray: counts of good and rejected scans, and the rejects not yet acknowledged.

At the sorting bench scans come faster than a banner can be read; a reject must not vanish under the
next green answer. Each reject stays in the tray until the operator acknowledges the tray (F12).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QSizePolicy, QVBoxLayout, QWidget

ROWS = 2


class ElidedLabel(QLabel):
    """One line cut with "..." at its right end to the room it has now, however that room changes."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        painter.drawText(room, int(self.alignment()), shown)


class RejectTray(QWidget):
    """Fixed height, so it never moves the screen's controls."""

    def __init__(self) -> None:
        super().__init__()
        self.good = 0
        self.rejected = 0
        self.counts = QLabel()
        self.counts.setStyleSheet("font-size:15px")
        self.last_good = ElidedLabel("")
        self.last_good.setStyleSheet("color:#1b7f3b;font-size:15px")
        self.last_good.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.rejects = QListWidget()
        self.rejects.setStyleSheet("color:#b3261e;font-size:15px")
        self.rejects.setFixedHeight(ROWS * 22 + 6)
        self.rejects.setFocusPolicy(self.rejects.focusPolicy().NoFocus)
        top = QHBoxLayout()
        top.addWidget(self.counts)  # the counts whole; the last answer in the room left, cut with "..."
        top.addWidget(self.last_good, 1)
        self.last_good.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.rejects)
        self._show_counts()

    def add_good(self, text: str, *, counted: bool = True) -> None:
        """A good answer (shown here while the banner holds a reject)."""
        self.good += counted
        self._show_last("last good: " + text)
        self._show_counts()

    def _show_last(self, text: str) -> None:
        self.last_good.setText(text)  # whole; cut to its room when drawn
        self.last_good.setToolTip(text)

    def add_reject(self, text: str, *, counted: bool = True) -> None:
        """A reject, kept until acknowledged."""
        self.rejected += counted
        self.rejects.insertItem(0, f"{datetime.now():%H:%M:%S}  {text[:160]}")
        self._show_counts()

    def waiting(self) -> int:
        """Rejects not yet acknowledged."""
        return self.rejects.count()

    def acknowledge(self) -> int:
        """The operator has seen them: the list empties (the counts stay)."""
        seen = self.rejects.count()
        self.rejects.clear()
        self._show_counts()
        return seen

    def put_away(self) -> list[str]:
        """At the lock: the rejects and the last answer out of sight (they name customers), returned so
        the same clerk gets them back after signing in again."""
        kept = [self.rejects.item(row).text() for row in range(self.rejects.count())]
        self.rejects.clear()
        self._show_last("")
        self._show_counts()
        return kept

    def bring_back(self, kept: list[str]) -> None:
        """The rejects put away at the lock, back for the clerk who had them."""
        self.rejects.addItems(kept)
        self._show_counts()

    def _show_counts(self) -> None:
        waiting = self.rejects.count()
        tail = f"   {waiting} to look at (F12 when seen)" if waiting else ""
        self.counts.setText(f"✔ {self.good} good   ✖ {self.rejected} rejected{tail}")
        self.counts.setStyleSheet("font-size:15px" + (";color:#b3261e;font-weight:bold" if waiting else ""))
