"""No key of the key map is one a wedge scanner types (issue 31): a US-layout scanner sends its STX
prefix as Ctrl+B and the GS of GS1 codes as Ctrl+]; a window shortcut on either would take the key
before the wedge filter sees it, and every prefixed scan would be lost."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from ui.keymap import keys

SCANNER_KEYS = ("Ctrl+B", "Ctrl+]")


def test_no_hotkey_is_a_key_a_scanner_types() -> None:
    taken = {QKeySequence(key).toString() for key in keys()}
    for key in SCANNER_KEYS:
        assert QKeySequence(key).toString() not in taken, key
