"""What the wedge filter lets through and what it keeps, key by key: a scan's end key never reaches the
field (no returnPressed from a scan), a person's Enter and Backspace do; events that are not keys, or
not for a widget, pass untouched; stamped keys keep their clock when an unstamped key comes between;
Ctrl+M (CR) ends a scan; a control-character prefix (STX as Ctrl+B); a prefix given back starts over.
`./dev mutants` found each of these open: the tests looked at the text only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from tests.ui.test_wedge_edges import Bench, on_the_application
from ui.wedge import WedgeFilter


@pytest.fixture
def bench(qtbot: object) -> Iterator[Bench]:
    with on_the_application(qtbot, max_gap_ms=32) as made:
        yield made


def _returns(bench: Bench) -> list[str]:
    pressed: list[str] = []
    bench.field.returnPressed.connect(lambda: pressed.append(bench.field.text()))
    return pressed


def test_a_scans_enter_never_reaches_the_field_and_a_persons_does(bench: Bench) -> None:
    pressed = _returns(bench)
    bench.typed("EE123456785US\r", 4)
    assert bench.scans == ["EE123456785US"] and pressed == []
    bench.typed("Bo\r", 150)  # a person: the Enter is theirs
    assert pressed == ["Bo"] and bench.scans == ["EE123456785US"]


def test_a_persons_backspace_reaches_the_field(bench: Bench) -> None:
    bench.typed("Bob", 150)
    backspace = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "\b")
    bench.clock.now += 0.15
    QApplication.sendEvent(bench.field, backspace)
    assert bench.field.text() == "Bo"


def test_what_is_not_a_key_for_a_widget_passes_untouched(bench: Bench) -> None:
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    assert bench.wedge.eventFilter(QObject(), key) is False  # not a widget (a QWindow, a timer's object)
    assert bench.wedge.eventFilter(bench.field, QEvent(QEvent.Type.FocusIn)) is False
    assert bench.wedge.eventFilter(bench.field, QEvent(QEvent.Type.KeyPress)) is False  # not a QKeyEvent
    bench.typed("ABCDEFGH\r", 4)
    assert bench.scans == ["ABCDEFGH"]  # and nothing was held by them


def test_an_unstamped_key_inside_a_stamped_burst_is_taken_at_the_bursts_time(bench: Bench) -> None:
    bench.clock.now = 900.0  # the monotonic clock, far from the X server's
    for n, char in enumerate("EE1234"):
        bench.key(char, 0, stamp=50_000 + 4 * n)
    bench.key("5", 0)  # no timestamp (synthesised): the burst's own time, not the other clock's
    for n, char in enumerate("6785US"):
        bench.key(char, 0, stamp=50_028 + 4 * n)
    bench.key("\r", 0, stamp=50_052)
    assert bench.scans == ["EE123456785US"] and bench.field.text() == ""


def test_ctrl_m_a_carriage_return_ends_a_scan(bench: Bench) -> None:
    bench.typed("EE123456785US", 4)
    bench.clock.now += 0.004
    ctrl_m = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier, "\r")
    QApplication.sendEvent(bench.field, ctrl_m)
    assert bench.scans == ["EE123456785US"]


def test_a_control_character_prefix_typed_as_ctrl_b(qtbot: object) -> None:
    with on_the_application(qtbot, max_gap_ms=32, prefix="\x02") as made:
        stx = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier, "\x02")
        QApplication.sendEvent(made.field, stx)
        made.typed("RR473124829GB\r", 50)
        assert made.scans == ["RR473124829GB"] and made.field.text() == ""


def test_a_prefix_given_back_starts_over_for_the_next_scan(qtbot: object) -> None:
    with on_the_application(qtbot, max_gap_ms=32, prefix="%%") as made:
        made.typed("%a", 20)  # one % and a letter: given back as typing
        assert made.field.text() == "%a"
        made.typed("%%RR473124829GB\r", 20)
        assert made.scans == ["RR473124829GB"]  # not "%RR...": the prefix counted from its start


def test_the_filters_defaults_and_parent() -> None:
    parent = QObject()
    wedge = WedgeFilter(parent)
    assert wedge.parent() is parent  # deleted with the window it serves
    assert round(wedge.max_gap * 1000, 6) == 35.0 and wedge.min_length == 4 and wedge.prefix == ""


def test_keys_of_the_burst_waiting_in_the_queue_when_its_timer_fires_are_taken_first(bench: Bench) -> None:
    # A busy window handles keys late: when the burst's timer fires, the rest of the scan may wait in
    # the queue. The filter takes it before judging the burst over.
    bench.typed("EE12", 4)
    assert bench.wedge._timer.isActive() and bench.wedge._timer.interval() == 64  # twice the 32 ms gap
    for char in "3456785US\r":
        code = Qt.Key.Key_Return if char == "\r" else Qt.Key(ord(char.upper()))
        QApplication.postEvent(
            bench.field, QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier.NoModifier, char)
        )
    bench.wedge._burst_timed_out()  # the timer firing, the queue not yet read
    assert bench.scans == ["EE123456785US"] and bench.field.text() == ""


def test_a_burst_still_coming_when_its_timer_fires_is_held_on(bench: Bench) -> None:
    bench.typed("EE12", 4)
    for char in "3456":
        QApplication.postEvent(
            bench.field,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key(ord(char)), Qt.KeyboardModifier.NoModifier, char),
        )
    bench.wedge._burst_timed_out()
    assert bench.field.text() == "" and bench.scans == []  # still held: it went on
    assert bench.wedge._timer.isActive() and bench.wedge._timer.interval() == 64  # waiting for its end again
    bench.typed("785US\r", 4)
    assert bench.scans == ["EE123456785US"]


def test_the_releases_and_modifiers_of_held_keys_are_held_with_them(bench: Bench) -> None:
    bench.typed("EE12", 4)
    release = QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_2, Qt.KeyboardModifier.NoModifier, "2")
    shift = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier, "")
    assert bench.wedge.eventFilter(bench.field, release) is True
    assert bench.wedge.eventFilter(bench.field, shift) is True
    bench.typed("3456785US\r", 4)
    assert bench.scans == ["EE123456785US"]


def test_with_a_prefix_the_end_key_is_the_scans_and_backspace_the_persons(qtbot: object) -> None:
    with on_the_application(qtbot, max_gap_ms=32, prefix="~") as made:
        pressed = _returns(made)
        made.typed("~EE123456785US\r", 60)
        assert made.scans == ["EE123456785US"] and pressed == []
        made.typed("~AB", 60)  # a tilde typed by hand: held, until a key no scan holds
        backspace = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "\b"
        )
        QApplication.sendEvent(made.field, backspace)
        assert made.field.text() == "~A"


def test_a_gs_that_comes_as_text_alone_is_kept(bench: Bench) -> None:
    # Not every layout makes Ctrl+] of FNC1: some scanners send the character itself (a key Qt cannot
    # name, its text GS).
    bench.typed("]C1420941", 3)
    bench.clock.now += 0.003
    gs = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, "\x1d")
    QApplication.sendEvent(bench.field, gs)
    bench.typed("05\r", 3)
    assert bench.scans == ["]C1420941\x1d05"]
