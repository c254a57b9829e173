"""Which keys of the key map each kind of field keeps for itself, on the platform it runs on.

Qt lets a focused widget claim a key before any shortcut sees it (its answer to ShortcutOverride): on
X11 a line edit claims Ctrl+U ("delete to the start of the line") and Ctrl+E ("end of line"), so a
window shortcut on those keys never fires while the cursor is in a field. Run on the X server the window
runs on (`python -m tests.ui.key_probe`): prints {key: [field kinds that keep it]} as JSON.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from ui.keymap import keys


def _line() -> QWidget:
    field = QLineEdit("10115")  # a filled postcode, the cursor inside it
    field.setCursorPosition(2)
    return field


def _drop_down() -> QWidget:
    field = QComboBox()
    field.setEditable(True)
    field.addItems(["DE", "US"])
    return field


def _read_only() -> QWidget:
    field = QLineEdit("EE123456785US")
    field.setReadOnly(True)
    return field


def _number() -> QWidget:
    field = QSpinBox()
    field.setValue(2)
    return field


def _amount() -> QWidget:
    field = QDoubleSpinBox()
    field.setValue(25.0)
    return field


FIELDS: dict[str, Callable[[], QWidget]] = {
    "line": _line,
    "address box": lambda: QPlainTextEdit("Jane Doe\nFriedrichstr. 1"),
    "number": _number,
    "amount": _amount,
    "editable drop-down": _drop_down,
    "read-only line": _read_only,
    "list": QListWidget,
    "button": lambda: QPushButton("Close sack"),
    "table": lambda: QTableWidget(2, 2),
}


def kept() -> dict[str, list[str]]:
    """Each key of the key map and the kinds of field that claim it."""
    found: dict[str, list[str]] = {}
    for key in keys():
        chord = QKeySequence(key)[0]  # type: ignore[index]  # (PySide's stubs lack __getitem__)
        found[key] = []
        for kind, make in FIELDS.items():
            widget = make()
            widget.show()
            widget.setFocus()
            override = QKeyEvent(QEvent.Type.ShortcutOverride, chord.key(), chord.keyboardModifiers(), "")
            override.ignore()
            QApplication.sendEvent(widget, override)
            if override.isAccepted():
                found[key].append(kind)
            widget.close()
            widget.deleteLater()
    return found


def main() -> int:
    app = QApplication(sys.argv[:1])
    print(json.dumps({"platform": app.platformName(), "kept": kept()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
