"""A scan the computer was too busy to pass on at a scanner's pace is still a scan (issue 31, item 1).

A loaded machine hands the window a scanner's keys tens of milliseconds apart. Outside a text field
nothing but a scan can use an Enter-ended string, so there it is a scan whatever its pace; inside a
text field a slow Enter-ended string that reads as a tracking number or sack tag is offered as a scan,
not typed; and keys typed where nothing takes them are told, never dropped in silence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QListWidget, QPushButton, QWidget

from tests.ui.test_wedge_edges import Bench, on_the_application


@pytest.fixture
def bench(qtbot: object) -> Iterator[Bench]:
    with on_the_application(qtbot, max_gap_ms=32) as made:
        yield made


@pytest.fixture
def strays(bench: Bench) -> list[int]:
    """The counts of keys the filter told the window about (typed outside any field)."""
    told: list[int] = []
    bench.wedge.stray.connect(told.append)
    return told


def _focused(qtbot: object, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.show()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)  # type: ignore[attr-defined]
    return widget


def test_a_slow_scan_outside_a_text_field_is_a_scan_whatever_its_pace(
    bench: Bench, qtbot: object, strays: list[int]
) -> None:
    listing = _focused(qtbot, QListWidget())
    bench.typed("EE123456785US", 60, target=listing)  # seven times the longest gap of a burst
    bench.key("\r", 90, target=listing)
    assert bench.scans == ["EE123456785US"]
    bench.typed("AB\r", 200, target=listing)  # short and slow: still only a scan can end in Enter there
    assert bench.scans == ["EE123456785US", "AB"]
    assert strays == []


def test_keys_typed_outside_a_field_without_enter_are_told_not_lost(
    bench: Bench, qtbot: object, strays: list[int]
) -> None:
    button = _focused(qtbot, QPushButton("F7"))
    clicked: list[bool] = []
    button.clicked.connect(lambda: clicked.append(True))  # type: ignore[attr-defined]
    bench.typed("abc", 120, target=button)
    qtbot.waitUntil(lambda: strays == [3], timeout=3000)  # type: ignore[attr-defined]
    assert bench.scans == [] and clicked == []


def test_space_still_presses_the_focused_button(bench: Bench, qtbot: object) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    button = _focused(qtbot, QPushButton("Close sack"))
    clicked: list[bool] = []
    button.clicked.connect(lambda: clicked.append(True))  # type: ignore[attr-defined]
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(button, QKeyEvent(kind, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier, " "))
    assert clicked == [True]


def test_a_drop_down_still_picks_by_its_first_letter(bench: Bench, qtbot: object, strays: list[int]) -> None:
    choices = QComboBox()
    choices.addItems(["Sort items", "Dispatch sacks", "Receive sacks"])
    _focused(qtbot, choices)
    bench.key("d", 300, target=choices)
    qtbot.waitUntil(lambda: choices.currentText() == "Dispatch sacks", timeout=3000)  # type: ignore[attr-defined]
    assert strays == []


def test_a_slow_id_ended_by_enter_in_a_text_field_is_offered_as_a_scan(bench: Bench) -> None:
    # Keys 40 ms apart (each one over the burst's limit, so each is typed as it comes), Enter at once.
    bench.typed("RR473124829GB", 40)
    assert bench.field.text().startswith("RR4731248")
    bench.key("\r", 4)
    assert bench.scans == ["RR473124829GB"]
    assert bench.field.text() == ""  # taken back out of the field: it was never the field's text


def test_what_the_clerk_had_typed_before_a_slow_scan_stays(bench: Bench) -> None:
    bench.typed("Flat 2", 150)
    bench.key("\x08", 150)  # any other key: what was typed before it is the field's own
    bench.typed("EE123456785US", 40)
    bench.key("\r", 4)
    assert bench.scans == ["EE123456785US"]
    assert bench.field.text() == "Flat 2"


@pytest.mark.parametrize(
    "typed",
    [
        "2125550123",  # a phone number
        "Main St 12",  # a street
        "EE123456784US",  # an S10 with a wrong check digit: a typo, left for the clerk to correct
    ],
)
def test_a_slow_string_that_is_no_id_stays_typed(bench: Bench, typed: str) -> None:
    bench.typed(typed, 40)
    bench.key("\r", 4)
    assert bench.scans == []
    assert bench.field.text() == typed


def test_a_table_whose_cells_a_key_edits_is_a_text_field(
    bench: Bench, qtbot: object, strays: list[int]
) -> None:
    from PySide6.QtWidgets import QAbstractItemView, QTableWidget

    goods = QTableWidget(2, 2)
    _focused(qtbot, goods)
    goods.setCurrentCell(0, 0)
    bench.key("B", 200, target=goods)  # the key that starts editing the cell
    editing = QAbstractItemView.State.EditingState
    qtbot.waitUntil(lambda: goods.state() == editing, timeout=3000)  # type: ignore[attr-defined]
    assert strays == []


def test_a_slow_scan_into_the_address_box_is_taken_back_out_of_it(bench: Bench, qtbot: object) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    address = QPlainTextEdit()
    _focused(qtbot, address)
    bench.typed("Bo Lee", 150, target=address)
    bench.key("\x08", 150, target=address)  # another key: what came before is the clerk's own
    bench.typed("CP100000003US", 40, target=address)  # the next parcel scanned on a busy computer
    bench.key("\r", 4, target=address)
    assert bench.scans == ["CP100000003US"]
    assert address.toPlainText() == "Bo Lee"


def test_a_scan_right_after_typing_is_a_scan_and_the_typing_stays(bench: Bench) -> None:
    bench.typed("Bo", 150)  # a person, then the scanner a moment later
    bench.key("E", 150)
    bench.typed("E123456785US", 4)
    bench.key("\r", 4)
    assert bench.scans == ["EE123456785US"] and bench.field.text() == "Bo"


def test_an_id_at_a_fast_typists_pace_is_a_scan(bench: Bench) -> None:
    # 9 ms a key: every key within the burst's limit, the mean over the scanner's bar (a slow scanner)
    bench.typed("EE123456785US", 9)
    bench.key("\r", 1)
    assert bench.scans == ["EE123456785US"] and bench.field.text() == ""


def test_a_slow_id_that_could_not_be_taken_back_stays_typing(bench: Bench, qtbot: object) -> None:
    bench.field.setMaxLength(2)  # a country box: the field kept only what fits
    bench.typed("EE123456785US", 40)
    bench.key("\r", 4)
    assert bench.scans == [] and bench.field.text() == "EE"
    choices = QComboBox()
    choices.setEditable(True)  # a drop-down one types in: its text cannot be taken back from here
    _focused(qtbot, choices)
    bench.typed("RR473124829GB", 40, target=choices)
    bench.key("\r", 4, target=choices)
    assert bench.scans == []


def test_keys_outside_a_field_wait_for_the_rest_of_a_slow_scan(bench: Bench, qtbot: object) -> None:
    listing = _focused(qtbot, QListWidget())
    for char in "EE12":
        bench.key(char, 150, target=listing)
        qtbot.wait(150)  # type: ignore[attr-defined]  # real time passes: the hold outlasts it
    bench.key("\r", 150, target=listing)
    assert bench.scans == ["EE12"]


def test_a_scan_whose_first_key_was_given_back_as_typing_is_whole_again(bench: Bench, qtbot: object) -> None:
    # The busy computer of issue 31: the scan's first key waited so long for the second that it was
    # handed to the address box as typing; the rest came as a burst. The address keeps only its own.
    from PySide6.QtWidgets import QPlainTextEdit

    address = QPlainTextEdit()
    _focused(qtbot, address)
    bench.typed("2 Elm", 150, target=address)
    bench.key("R", 150, target=address)
    qtbot.waitUntil(lambda: address.toPlainText() == "2 ElmR", timeout=3000)  # type: ignore[attr-defined]
    bench.typed("R473124829GB", 4, target=address)
    bench.key("\r", 4, target=address)
    assert bench.scans == ["RR473124829GB"]
    assert address.toPlainText() == "2 Elm"
