"""The sign-in page the window shows while locked: scan the badge (or type the name), then the PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


class SignInPage(QWidget):
    """Emits `submitted(badge_or_name, pin)` when Enter is pressed in the PIN field."""

    submitted = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        title = QLabel("Locked: scan your badge, then type your PIN and Enter")
        title.setStyleSheet("font-size:22px;font-weight:bold")
        title.setWordWrap(True)
        self.badge = QLineEdit()
        self.badge.setPlaceholderText("scan your badge (or type your name, then Tab)")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)  # never shown, never logged
        self.pin.setPlaceholderText("PIN")
        self.pin.returnPressed.connect(self._submit)
        form = QFormLayout()
        form.addRow("Badge", self.badge)
        form.addRow("PIN", self.pin)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addStretch(1)

    def handle_scan(self, text: str) -> None:
        """A badge scanned: its token in the badge field, the cursor in the PIN field."""
        self.badge.setText(text.strip())
        self.pin.clear()
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def reset(self) -> None:
        """Empty, the cursor in the badge field."""
        self.badge.clear()
        self.pin.clear()
        self.badge.setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit(self) -> None:
        who, pin = self.badge.text().strip(), self.pin.text()
        self.pin.clear()
        if who and pin:
            self.submitted.emit(who, pin)
