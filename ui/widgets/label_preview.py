"""The last label sent to the printer, drawn from the same layout the printer got (what the demo
printer "prints" is shown here)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel

from station.labels.model import Label
from station.labels.png import PngRenderer


class LabelPreview(QLabel):
    """A scaled preview of a label."""

    def __init__(self) -> None:
        super().__init__("no label printed yet")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumWidth(240)
        self.setStyleSheet("background:white;border:1px solid #bbb;color:#888")
        self.shown: str | None = None

    def show_label(self, label: Label, name: str) -> None:
        """Draw `label` (rendered at its printer resolution, scaled to fit)."""
        image = QImage()
        image.loadFromData(PngRenderer().render(label))
        self.setPixmap(
            QPixmap.fromImage(image).scaledToWidth(240, Qt.TransformationMode.SmoothTransformation)
        )
        self.setToolTip(name)
        self.shown = name
