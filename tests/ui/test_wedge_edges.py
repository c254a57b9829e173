"""The wedge classifier at each edge of its rules: the shortest scan, the longest gap inside a burst, the
mean-gap bar, a space in a text field, each end key, modifiers inside a burst, a shortcut while keys are
held, a burst that stops without an end key, the X server's timestamps, and a configured prefix.
`./dev mutants` found the first wedge tests standing well inside each rule (4 ms a key, 13 characters),
where a limit one off passes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget

from ui.wedge import END_KEYS_BY_SUFFIX, WedgeFilter

KEYS = {"\r": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab, "\n": Qt.Key.Key_unknown, " ": Qt.Key.Key_Space}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Bench:
    """A wedge filter on the application, a text field with the focus, the scans it emitted."""

    def __init__(self, qtbot: object, **options: object) -> None:
        self.clock = Clock()
        self.wedge = WedgeFilter(clock=self.clock, **options)  # type: ignore[arg-type]
        self.field = QLineEdit()
        qtbot.addWidget(self.field)  # type: ignore[attr-defined]
        self.field.show()
        self.field.setFocus()
        self.scans: list[str] = []
        self.wedge.scanned.connect(self.scans.append)
        self.qtbot = qtbot

    def key(self, char: str, gap_ms: float, target: QWidget | None = None, stamp: int = 0) -> None:
        self.clock.now += gap_ms / 1000
        if char in KEYS:
            event = QKeyEvent(QEvent.Type.KeyPress, KEYS[char], Qt.KeyboardModifier.NoModifier, char)
        else:
            event = QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key(ord(char.upper())), Qt.KeyboardModifier.NoModifier, char
            )
        if stamp:
            event.setTimestamp(stamp)
        QApplication.sendEvent(target or self.field, event)

    def typed(self, text: str, gap_ms: float, target: QWidget | None = None) -> None:
        for char in text:
            self.key(char, gap_ms, target)


@contextmanager
def on_the_application(qtbot: object, **options: object) -> Iterator[Bench]:
    """A bench whose wedge filter is installed on the application for the block."""
    made = Bench(qtbot, **options)
    QApplication.instance().installEventFilter(made.wedge)  # type: ignore[union-attr]
    try:
        yield made
    finally:
        QApplication.instance().removeEventFilter(made.wedge)  # type: ignore[union-attr]


@pytest.fixture
def bench(qtbot: object) -> Iterator[Bench]:
    with on_the_application(qtbot, max_gap_ms=32) as made:
        yield made


def test_four_characters_are_the_shortest_scan(bench: Bench) -> None:
    bench.typed("ABC\r", 4)
    assert bench.scans == [] and bench.field.text() == "ABC"  # three: typing, handed back
    bench.field.clear()
    bench.typed("ABCD\r", 4)
    assert bench.scans == ["ABCD"] and bench.field.text() == ""


def test_the_longest_gap_inside_a_burst_is_the_limit_itself(bench: Bench) -> None:
    bench.key("A", 1000)
    bench.typed("BCDEFGH", 4)
    bench.key("\r", 32)  # the end key exactly at the limit: still the burst's
    assert bench.scans == ["ABCDEFGH"]
    bench.key("A", 1000)
    bench.typed("BCDEFGH", 4)
    bench.key("\r", 33)  # a millisecond over: the held keys were typing
    assert bench.scans == ["ABCDEFGH"] and bench.field.text() == "ABCDEFGH"


def test_the_mean_gap_bar_is_a_quarter_of_the_longest_gap(bench: Bench) -> None:
    bench.key("A", 1000)
    bench.typed("BCDEFGHI", 8)  # 8 ms a key: exactly a quarter of 32
    bench.key("\r", 1)
    assert bench.scans == ["ABCDEFGHI"]
    bench.key("A", 1000)
    bench.typed("BCDEFGHI", 9)  # 9 ms a key, every gap well under 32: a fast typist, not a scanner
    bench.key("\r", 1)
    assert bench.scans == ["ABCDEFGHI"] and bench.field.text() == "ABCDEFGHI"


def test_a_space_is_typing_in_a_text_field_and_part_of_a_scan_elsewhere(bench: Bench, qtbot: object) -> None:
    bench.typed("AB CD\r", 4)
    assert bench.scans == [] and bench.field.text() == "AB CD"
    button = QPushButton("no text here")
    qtbot.addWidget(button)  # type: ignore[attr-defined]
    button.show()
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)  # type: ignore[attr-defined]
    bench.typed("AB CD\r", 4, target=button)
    assert bench.scans == ["AB CD"]
    read_only = QLineEdit()
    read_only.setReadOnly(True)
    qtbot.addWidget(read_only)  # type: ignore[attr-defined]
    read_only.show()
    read_only.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is read_only)  # type: ignore[attr-defined]
    bench.typed("EF GH\r", 4, target=read_only)
    assert bench.scans == ["AB CD", "EF GH"]  # a field that takes no typing is no text field


@pytest.mark.parametrize("end", ["\r", "\t", "\n"])
def test_enter_tab_and_a_linefeed_each_end_a_scan(bench: Bench, end: str) -> None:
    bench.typed("EE123456785US" + end, 4)
    assert bench.scans == ["EE123456785US"]


def test_a_scanner_set_to_a_tab_suffix_is_ended_by_tab_alone(qtbot: object) -> None:
    with on_the_application(qtbot, max_gap_ms=32, end_keys=END_KEYS_BY_SUFFIX["TAB"]) as made:
        made.typed("EE123456785US\r", 4)
        assert made.scans == [] and made.field.text() == "EE123456785US"
        made.field.clear()
        made.typed("EE123456785US\t", 4)
        assert made.scans == ["EE123456785US"]


def test_shift_inside_a_burst_belongs_to_it_and_outside_goes_to_the_widget(bench: Bench) -> None:
    for char in "EE12\r":
        if char.isupper():
            shift = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier, "")
            bench.clock.now += 0.002
            assert QApplication.sendEvent(bench.field, shift) is not None
        bench.key(char, 2)
    assert bench.scans == ["EE12"]
    release = QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    assert not bench.wedge.eventFilter(bench.field, release)  # nothing held: a release is the widget's


def test_a_shortcut_while_keys_are_held_lets_them_reach_their_field_first(bench: Bench) -> None:
    bench.typed("5550134", 4)  # the end of a phone number, typed fast
    override = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_F9, Qt.KeyboardModifier.NoModifier, "")
    assert not bench.wedge.eventFilter(bench.field, override)
    assert bench.field.text() == "5550134" and bench.scans == []


def test_a_burst_that_stops_without_an_end_key_is_handed_back(bench: Bench, qtbot: object) -> None:
    bench.typed("ABCDEF", 4)
    assert bench.field.text() == ""  # held while it could still be a scan
    qtbot.waitUntil(lambda: bench.field.text() == "ABCDEF", timeout=2000)  # type: ignore[attr-defined]
    assert bench.scans == []


def test_the_x_servers_timestamps_time_the_keys_not_the_clock(bench: Bench) -> None:
    # A code that is no tracking number (a slow one of those is offered as a scan whatever its pace).
    for n, char in enumerate("ABCDEFGHJK"):
        bench.key(char, 200, stamp=50_000 + 4 * n)  # handled late and in a clump, stamped 4 ms apart
    bench.key("\r", 200, stamp=50_000 + 4 * 10)
    assert bench.scans == ["ABCDEFGHJK"]
    for n, char in enumerate("Bob Smith"):
        bench.key(char, 1, stamp=60_000 + 120 * n)  # handled at once, stamped as a person types
    bench.key("\r", 1, stamp=60_000 + 120 * 9)
    assert bench.scans == ["ABCDEFGHJK"] and bench.field.text() == "Bob Smith"


def test_with_a_prefix_only_what_follows_it_is_a_scan_at_any_speed(qtbot: object) -> None:
    with on_the_application(qtbot, max_gap_ms=32, prefix="~") as made:
        made.typed("~EE123456785US\r", 60)  # a slow scanner
        assert made.scans == ["EE123456785US"] and made.field.text() == ""
        made.typed("ABCDEFGH", 2)  # as fast as a scanner, but no prefix: straight to the field
        assert made.field.text() == "ABCDEFGH"
        made.field.clear()
        made.typed("~\r", 60)  # the prefix and the end key: nothing scanned
        assert made.scans == ["EE123456785US"]
        made.typed("~AB", 60)  # a tilde typed by hand, then letters and a pause: given back
        assert made.field.text() == ""
        qtbot.waitUntil(lambda: made.field.text() == "~AB", timeout=2000)  # type: ignore[attr-defined]


def test_a_two_character_prefix_must_come_whole(qtbot: object) -> None:
    with on_the_application(qtbot, max_gap_ms=32, prefix="%%") as made:
        made.typed("%%RR473124829GB\r", 20)
        assert made.scans == ["RR473124829GB"]
        made.typed("%a", 20)
        assert made.field.text() == "%a"


def test_a_completers_open_list_is_its_fields_text_field_and_nothing_is_not(qtbot) -> None:
    """Keys typed while a completer's list is open go to the list, whose focus proxy is the field: they
    are typing in that field (the door's name field offers the addressee), not keys going nowhere."""
    from PySide6.QtWidgets import QCompleter

    from ui.wedge import _is_text_field

    field = QLineEdit()
    qtbot.addWidget(field)
    completer = QCompleter(["Ann Lee"], field)
    field.setCompleter(completer)
    popup = completer.popup()
    assert popup is not None and popup.focusProxy() is field
    assert _is_text_field(popup)
    field.setReadOnly(True)
    assert not _is_text_field(popup)  # the field it stands for decides
    assert not _is_text_field(None)
    assert not _is_text_field(QPushButton())
