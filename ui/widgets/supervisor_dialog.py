"""A supervisor's override at the clerk's window: their badge (scanned) or name, their PIN, and why."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


class SupervisorDialog(QDialog):
    """Enter in the PIN field accepts; Esc cancels. `answer()` gives (supervisor, pin, reason)."""

    def __init__(self, parent: QWidget | None, action: str, reason: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Supervisor: {action}")
        self.who = QLineEdit()
        self.who.setPlaceholderText("supervisor: scan the badge, or type the name")
        self.reason = QLineEdit(reason)
        self.reason.setPlaceholderText("why")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("supervisor's PIN, then Enter")
        self.pin.returnPressed.connect(self._done)
        form = QFormLayout()
        form.addRow("Supervisor", self.who)
        form.addRow("Why", self.reason)
        form.addRow("PIN", self.pin)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{action} needs a supervisor"))
        layout.addLayout(form)
        self.who.setFocus()

    def take_scan(self, text: str) -> None:
        """The supervisor's badge, scanned while the dialog is open."""
        self.who.setText(text.strip())
        if self.reason.text().strip():
            self.pin.setFocus()
        else:
            self.reason.setFocus()

    def _done(self) -> None:
        if self.who.text().strip() and self.pin.text():
            self.accept()

    def answer(self) -> tuple[str, str, str]:
        """(badge or name, PIN, reason)."""
        return self.who.text().strip(), self.pin.text(), self.reason.text().strip()
