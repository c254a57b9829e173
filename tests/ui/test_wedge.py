"""Keyboard-wedge scans are told from typing by timing, on whatever widget has focus."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.wedge import WedgeFilter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _key(widget: QLineEdit, char: str, clock: FakeClock, gap_ms: float) -> None:
    clock.now += gap_ms / 1000
    if char == "\x1d":  # what a US-layout scanner sends for FNC1: Ctrl+]
        press = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier, "\x1d"
        )
    elif char == "\r":
        press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
    else:
        press = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key(ord(char.upper())), Qt.KeyboardModifier.NoModifier, char
        )
    QApplication.sendEvent(widget, press)


def _setup(qtbot):
    clock = FakeClock()
    wedge = WedgeFilter(max_gap_ms=30, clock=clock)
    QApplication.instance().installEventFilter(wedge)  # type: ignore[union-attr]
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    scans: list[str] = []
    wedge.scanned.connect(scans.append)
    return clock, wedge, field, scans


def test_a_fast_burst_ending_in_enter_is_a_scan_and_never_reaches_the_text_field(qtbot) -> None:
    clock, wedge, field, scans = _setup(qtbot)
    try:
        for ch in "RR473124829GB\r":
            _key(field, ch, clock, 4)
        assert scans == ["RR473124829GB"]
        assert field.text() == ""
    finally:
        QApplication.instance().removeEventFilter(wedge)  # type: ignore[union-attr]


def test_gs1_scan_with_fnc1_as_ctrl_bracket_keeps_the_gs(qtbot) -> None:
    clock, wedge, field, scans = _setup(qtbot)
    try:
        for ch in "]C142094105\x1d920559016491731234564\r":
            _key(field, ch, clock, 3)
        assert scans == ["]C142094105\x1d920559016491731234564"]
    finally:
        QApplication.instance().removeEventFilter(wedge)  # type: ignore[union-attr]


def test_a_person_typing_keeps_their_text(qtbot) -> None:
    clock, wedge, field, scans = _setup(qtbot)
    try:
        for ch in "Main St 12":
            _key(field, ch, clock, 120)
        _key(field, "\r", clock, 150)
        qtbot.waitUntil(lambda: field.text() == "Main St 12", timeout=2000)
        assert scans == []
    finally:
        QApplication.instance().removeEventFilter(wedge)  # type: ignore[union-attr]


def test_real_timed_key_clicks_from_qtest(qtbot) -> None:
    """QTest with a real clock: 1 ms delay is ~3 ms between keys (a scanner), 150 ms is typing."""
    from PySide6.QtTest import QTest

    wedge = WedgeFilter(max_gap_ms=60)  # generous: a loaded CI machine stretches the 3 ms scanner gaps
    QApplication.instance().installEventFilter(wedge)  # type: ignore[union-attr]
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    scans: list[str] = []
    wedge.scanned.connect(scans.append)
    try:
        QTest.keyClicks(field, "EE123456785US", Qt.KeyboardModifier.NoModifier, 1)
        QTest.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 1)
        assert scans == ["EE123456785US"]
        QTest.keyClicks(field, "Bob", Qt.KeyboardModifier.NoModifier, 150)
        qtbot.waitUntil(lambda: field.text() == "Bob", timeout=2000)
        assert scans == ["EE123456785US"]
    finally:
        QApplication.instance().removeEventFilter(wedge)  # type: ignore[union-attr]
